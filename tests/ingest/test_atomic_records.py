"""A record that the database refuses half-way (after its record row, at a content row) leaves nothing
half-written: a new record is absent, a stored one keeps its previous version. The refusal is a real
database trigger, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection

from readingroom.catalog.models import Record
from readingroom.ingest.runner import run_import
from tests.builders import SEED_SCAN, SEED_TRANSCRIPT, write_export

MARKER = "REFUSED-BY-TRIGGER"


@pytest.fixture
def refusing_trigger(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"""
                CREATE FUNCTION refuse_marked_content() RETURNS trigger AS $$
                BEGIN
                  IF NEW.text LIKE '%{MARKER}%' THEN RAISE EXCEPTION 'content refused by a trigger'; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""")
            for event in ("INSERT", "UPDATE"):
                cursor.execute(f"CREATE TRIGGER refuse_{event.lower()} BEFORE {event} ON catalog_content "
                               "FOR EACH ROW EXECUTE FUNCTION refuse_marked_content()")
        else:
            for event in ("INSERT", "UPDATE"):
                cursor.execute(f"CREATE TRIGGER refuse_{event.lower()} BEFORE {event} ON catalog_content "
                               f"WHEN NEW.text LIKE '%{MARKER}%' BEGIN SELECT RAISE(ABORT, 'content refused by a trigger'); END")
    yield


def test_refused_new_record_leaves_no_row(tmp_path, refusing_trigger):
    bad = write_export(tmp_path, "a.txt", record_id="500", body=f"{SEED_SCAN}\n\n{SEED_TRANSCRIPT}\n\n{MARKER}")
    good = write_export(tmp_path, "b.txt", record_id="501")
    summary = run_import([str(bad), str(good)])
    assert summary.counts["failed"] == 1 and summary.counts["imported"] == 1
    assert "record 500 not stored" in str(summary.problems[0]) and "refused by a trigger" in str(summary.problems[0])
    assert not Record.objects.filter(public_id="500").exists()
    assert Record.objects.get(public_id="501").contents.count() == 2


def test_refused_update_keeps_the_previous_version(tmp_path, refusing_trigger):
    path = write_export(tmp_path, "a.txt", record_id="600", summary="First version.")
    assert run_import([str(path)]).counts["imported"] == 1
    write_export(tmp_path, "a.txt", record_id="600", summary="Second version.",
                 body=f"{SEED_SCAN}\n\n{SEED_TRANSCRIPT}\n\n{MARKER}")
    summary = run_import([str(path)])
    assert summary.counts["failed"] == 1
    record = Record.objects.get(public_id="600")
    assert record.summary == "First version."
    assert [c.text for c in record.contents.all()] == [SEED_SCAN, SEED_TRANSCRIPT]
