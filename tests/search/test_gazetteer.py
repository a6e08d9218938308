"""The shipped gazetteer file (places.json): its `checked` records point at pages and name real variants."""

from __future__ import annotations

from readingroom.catalog import gazetteer


def test_checked_entries_have_an_address_and_names_from_the_entry():
    entries = gazetteer.entries()
    assert entries
    for entry in entries:
        known = {entry["name"]} | {variant["name"] for variant in entry["variants"]}
        for checked in entry.get("checked", []):
            assert set(checked) == {"address", "names"}, entry["identifier"]
            assert checked["address"].startswith(("http://", "https://")), entry["identifier"]
            assert checked["names"], entry["identifier"]
            unknown = set(checked["names"]) - known
            assert not unknown, f"{entry['identifier']}: checked names not in the entry: {unknown}"
