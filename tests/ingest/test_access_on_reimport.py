"""A re-import never opens a record staff closed: sources that say nothing about access (archive-page
exports, FRUS volumes, sidecars with an empty access column) leave the stored access as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from readingroom.catalog.models import Record
from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import ParsedRecord
from readingroom.ingest.runner import run_import
from tests.builders import write_export
from tests.scan_fixtures import TELEGRAM, save_page

pytestmark = pytest.mark.django_db


def _restrict(public_id: str) -> None:
    record = Record.objects.get(public_id=public_id)
    record.access_level = "staff"
    record.save()


def test_changed_export_updates_the_record_but_keeps_staff_access(tmp_path: Path) -> None:
    assert run_import([str(write_export(tmp_path, "seed.txt"))]).ok
    assert Record.objects.get(public_id="209771").access_level == "public"
    _restrict("209771")
    corrected = write_export(tmp_path, "seed.txt", title="Telegram re Stalin Harriman Conversation (corrected)")
    summary = run_import([str(corrected)])
    assert summary.counts["updated"] == 1
    record = Record.objects.get(public_id="209771")
    assert record.title.endswith("(corrected)") and record.access_level == "staff"
    assert not Record.objects.public().filter(public_id="209771").exists()


def test_a_source_that_states_access_is_applied() -> None:
    store_record(ParsedRecord(public_id="x1", title="First"))
    _restrict("x1")
    store_record(ParsedRecord(public_id="x1", title="Second", access_level="embargoed", embargo_until="2999-01-01"))
    record = Record.objects.get(public_id="x1")
    assert (record.title, record.access_level, str(record.embargo_until)) == ("Second", "embargoed", "2999-01-01")


def test_unstated_access_digests_as_public_so_stored_checksums_still_match() -> None:
    unstated = ParsedRecord(public_id="x2", title="Same")
    assert unstated.checksum() == ParsedRecord(public_id="x2", title="Same", access_level="public").checksum()
    assert unstated.checksum() != ParsedRecord(public_id="x2", title="Same", access_level="staff").checksum()


def test_sidecar_access_column_empty_keeps_and_embargo_date_alone_embargoes(tmp_path: Path) -> None:
    folder = tmp_path / "box"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM)
    header = "id,title,date,access,embargo_until,files\n"
    (folder / "sidecar.csv").write_text(header + "s1,A scan,1944-02-02,,,p1.png\n"
                                                 "s2,Another,1944-02-03,,2999-01-01,p1.png\n", encoding="utf-8")
    assert run_import([str(folder)]).ok
    assert Record.objects.get(public_id="s1").access_level == "public"  # new and unstated: public
    assert Record.objects.get(public_id="s2").access_level == "embargoed"  # an embargo date says it
    _restrict("s1")
    (folder / "sidecar.csv").write_text(header + "s1,A scan (retitled),1944-02-02,,,p1.png\n"
                                                 "s2,Another,1944-02-03,,2999-01-01,p1.png\n", encoding="utf-8")
    assert run_import([str(folder)]).ok
    record = Record.objects.get(public_id="s1")
    assert record.title == "A scan (retitled)" and record.access_level == "staff"
