"""Merging duplicate authorities on a real database: what moves, exact undo, re-imports that do not split
them again, refused merges that change nothing, redirects of the merged one's pages, and search facets."""

from __future__ import annotations

import pytest

from readingroom.catalog.merging import MergeError, merge, undo
from readingroom.catalog.models import Authority, AuthorityMerge, NameVariant, Record, RecordAuthority
from readingroom.search import writer
from readingroom.search.engine import search
from tests.builders import import_volumes, roosevelt, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def volumes(tmp_path):
    return import_volumes(tmp_path)


@pytest.fixture
def pair(volumes) -> tuple[Authority, Authority]:
    """Roosevelt twice, made to differ: names, ids (one filled, one conflicting), a link both have."""
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    kept.wikidata = "Q8007"
    kept.save()
    other.preferred_name, other.dates, other.viaf, other.wikidata = "Franklin Delano Roosevelt", "1882-1945", "34455", "Q1"
    other.save()
    NameVariant.objects.create(authority=other, name="F.D.R.", language="en", note="initials")
    NameVariant.objects.create(authority=other, name="roosevelt, franklin d.", note="same as the kept name")
    # A record that names both: the link to the other one is a duplicate once they are one person.
    RecordAuthority.objects.create(record=Record.objects.get(public_id="frus1944A/d1"), authority=other, role="author")
    return kept, other


def everything() -> list:
    """The whole state merges and undos may touch, to show that a refused one changed nothing."""
    return [sorted(Authority.objects.values_list()), sorted(NameVariant.objects.values_list()),
            sorted(RecordAuthority.objects.values_list()), sorted(AuthorityMerge.objects.values_list())]


def test_merge_keeps_names_ids_descriptions_and_links(pair):
    kept, other = pair
    before = snapshot(kept)["links"], snapshot(other)["links"]

    record = merge(kept.pk, other.pk, by="tester")

    kept_now, other_now = snapshot(kept), snapshot(other)
    assert kept_now["links"] == sorted(set(before[0]) | set(before[1]))
    assert len(before[0]) + len(before[1]) == len(kept_now["links"]) + 1  # the shared author link, once
    assert other_now["links"] == [] and other_now["variants"] == []
    assert other_now["fields"]["merged_into_id"] == kept.pk
    assert other_now["fields"]["preferred_name"] == "Franklin Delano Roosevelt"  # the row is kept as it was
    names = {name: (language, note) for name, language, note in kept_now["variants"]}
    assert names == {"Franklin Delano Roosevelt": ("", "merged from frus1944B-p_RFD1"), "F.D.R.": ("en", "initials")}
    assert kept_now["fields"]["dates"] == "1882-1945" and kept_now["fields"]["viaf"] == "34455"
    assert kept_now["fields"]["wikidata"] == "Q8007"  # the kept one's own id wins...
    assert record.conflicts == {"wikidata": ["Q8007", "Q1"]}  # ...and the other is recorded, not lost
    assert "Q1" in record.note and Authority.objects.get(pk=other.pk).wikidata == "Q1"
    assert record.merged_by == "tester" and record.undone is None
    assert sorted(map(tuple, ([r, role] for r, role, _how in record.links))) == sorted(
        (Record.objects.get(public_id=p).pk, role) for p, role in before[1])


def test_undo_restores_both_exactly(pair):
    kept, other = pair
    before = snapshot(kept), snapshot(other)
    record = merge(kept.pk, other.pk)
    undone = undo(record.pk, by="tester")
    assert (snapshot(kept), snapshot(other)) == before
    assert undone.undone is not None and undone.undone_by == "tester"
    # and again: a second merge and undo of the same pair behave the same
    again = merge(kept.pk, other.pk)
    undo(again.pk)
    assert (snapshot(kept), snapshot(other)) == before


def test_undo_after_a_record_was_deleted_and_a_field_edited(pair):
    kept, other = pair
    record = merge(kept.pk, other.pk)
    Record.objects.get(public_id="frus1944B/d2").delete()
    kept.refresh_from_db()
    kept.dates = "1882-1945 (checked)"  # edited by staff after the merge: the undo keeps it
    kept.save()
    undo(record.pk)
    assert ("frus1944B/d2", "author") not in snapshot(other)["links"]
    assert ("frus1944B/d1", "author") in snapshot(other)["links"]
    assert snapshot(kept)["fields"]["dates"] == "1882-1945 (checked)"
    assert snapshot(kept)["fields"]["viaf"] == ""


def test_reimport_of_both_volumes_after_merge_keeps_one_person(tmp_path, volumes):
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    merge(kept.pk, other.pk)
    authorities = Authority.objects.count()
    # One volume unchanged, the other with a changed document and a new one (the careful and the bulk path).
    import_volumes(tmp_path, changed=2, extra_docs=1)

    assert Authority.objects.count() == authorities  # the merged one was not made again
    assert snapshot(other)["links"] == [] and snapshot(other)["fields"]["merged_into_id"] == kept.pk
    expected = sorted((f"{v}/d{n}", "author") for v in ("frus1944A", "frus1944B") for n in (1, 2, 3, 4))
    assert snapshot(kept)["links"] == expected
    assert "Changed on a second reading." in Record.objects.get(public_id="frus1944B/d2").contents.get().text
    # unchanged a second time: nothing to do, still one person
    assert import_volumes(tmp_path, changed=2, extra_docs=1)
    assert snapshot(kept)["links"] == expected


def test_undo_after_a_reimport_gives_the_volume_its_person_back(tmp_path, volumes):
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    record = merge(kept.pk, other.pk)
    import_volumes(tmp_path, changed=2)  # d2 of both volumes re-stored: its links made again, to the kept one
    undo(record.pk)
    assert snapshot(other)["links"] == [(f"frus1944B/d{n}", "author") for n in (1, 2, 3)]
    assert snapshot(kept)["links"] == [(f"frus1944A/d{n}", "author") for n in (1, 2, 3)]


def test_refused_merges_and_undos_change_nothing(pair, volumes):
    kept, other = pair
    churchill = Authority.objects.get(identifier="frus1944A-p_CWS1")
    hyde_park = Authority.objects.get(identifier="place-hyde-park")
    third = Authority.objects.get(identifier="frus1944B-p_CWS1")
    state = everything()
    for args, message in [
        ((kept.pk, kept.pk), "cannot be merged into itself"),
        ((kept.pk, hyde_park.pk), "only authorities of one kind can be merged"),
        ((kept.pk, 999999), r"no authority with id 999999 \(the one to merge\)"),
    ]:
        with pytest.raises(MergeError, match=message):
            merge(*args)
        assert everything() == state

    first = merge(kept.pk, other.pk)
    state = everything()
    for args in [(other.pk, churchill.pk), (churchill.pk, other.pk)]:  # into, or of, one merged away
        with pytest.raises(MergeError, match="frus1944B-p_RFD1 was already merged into frus1944A-p_RFD1"):
            merge(*args)
        assert everything() == state

    second = merge(churchill.pk, kept.pk)  # a chain: A's Roosevelt (holding B's) into Churchill, wrongly
    state = everything()
    with pytest.raises(MergeError, match=f"before the later merge #{second.pk}"):
        undo(first.pk)
    assert everything() == state
    undo(second.pk)
    with pytest.raises(MergeError, match="already undone"):
        undo(second.pk)
    undo(first.pk)

    again = merge(third.pk, churchill.pk)
    Authority.objects.filter(pk=third.pk).delete()
    state = everything()
    with pytest.raises(MergeError, match="frus1944B-p_CWS1 was deleted since"):
        undo(again.pk)
    with pytest.raises(MergeError, match="no merge with id 999999"):
        undo(999999)
    assert everything() == state


def test_merged_authority_pages_redirect_and_leave_browse(client, volumes):
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    people = {item["id"] for item in client.get("/browse/people.json").json()["items"]}
    assert {kept.identifier, other.identifier} <= people
    counts = client.get("/browse.json").json()["authorities"]["people"]

    record = merge(kept.pk, other.pk)

    page = client.get(f"/person/{other.identifier}/")
    assert page.status_code == 301 and page["Location"] == f"/person/{kept.identifier}/"
    twin = client.get(f"/person/{other.identifier}.json")
    assert twin.status_code == 301 and twin["Location"] == f"/person/{kept.identifier}.json"
    assert client.get(f"/place/{other.identifier}/").status_code == 404  # the kind is part of the address
    data = client.get(twin["Location"]).json()
    assert data["count"] == 6 and data["name"] == "Roosevelt, Franklin D."
    people = {item["id"] for item in client.get("/browse/people.json").json()["items"]}
    assert kept.identifier in people and other.identifier not in people
    assert client.get("/browse.json").json()["authorities"]["people"] == counts - 1
    assert client.get("/browse/people.json?letter=R").json()["letters"]["R"] == 1

    undo(record.pk)  # day two: undone, the old address is its own page again
    assert client.get(f"/person/{other.identifier}/").status_code == 200
    assert client.get("/browse.json").json()["authorities"]["people"] == counts


def person_facet(query: str = "") -> dict[str, int]:
    for facet in search(query).facets:
        if facet.name == "person":
            return {v.value: v.count for v in facet.values}
    return {}


def test_search_facets_show_one_person_once_the_index_catches_up(volumes):
    writer.drain()
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    assert person_facet()[kept.identifier] == 3 and person_facet()[other.identifier] == 3

    record = merge(kept.pk, other.pk)
    writer.drain()
    facet = person_facet()
    assert facet[kept.identifier] == 6 and other.identifier not in facet

    undo(record.pk)
    writer.drain()
    assert person_facet()[kept.identifier] == 3 and person_facet()[other.identifier] == 3


def test_ids_that_differ_only_in_case_are_no_conflict(db):
    kept = Authority.objects.create(kind="person", identifier="p-a", preferred_name="Hull, Cordell", wikidata="Q193226")
    other = Authority.objects.create(kind="person", identifier="p-b", preferred_name="Cordell Hull", wikidata="q193226 ")
    record = merge(kept.pk, other.pk)
    assert record.conflicts == {} and record.note == ""
    assert list(kept.variants.values_list("name", flat=True)) == ["Cordell Hull"]
