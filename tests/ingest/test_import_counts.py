"""The import's bulk path gives the public counts its new rows inside the batch's transaction (no recount
after the commit), and the counts stay exact: after an import, a re-import with changes, an unchanged
re-import, a batch that mixes new and repeated records, and a batch that rolls back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import transaction

from readingroom.catalog import counts, on_commit
from readingroom.catalog.models import AuthorityCount, CountedRecord, Record
from readingroom.ingest.pipeline import Outcome, RecordWriter
from readingroom.ingest.records import AuthorityRef, CollectionRef, ContentItem, FootnoteItem, ParsedRecord
from readingroom.ingest.runner import run_import

from .frus_fixtures import standard_volume, telegram, volume_xml, write

pytestmark = pytest.mark.django_db(transaction=True)  # the counts follow commits: commit for real


def _parsed(n: int, **fields) -> ParsedRecord:
    return ParsedRecord(
        public_id=f"c{n}", title=f"Record {n}", date_edtf=fields.pop("date", f"1944-0{1 + n % 9}-0{1 + n % 9}"),
        languages=["en", "ru"] if n % 2 else ["en"], container="171", folder=str(n % 3),
        collection=CollectionRef(identifier="box-papers", title="Papers"),
        contents=[ContentItem(kind="transcript", language="en", text=f"Text {n}",
                              footnotes=[FootnoteItem(number="1", text="A note")])],
        authorities=[AuthorityRef(kind="person", name="Harriman, W. Averell", role="author"),
                     AuthorityRef(kind="person", name="Harriman, W. Averell", role="mentioned"),
                     AuthorityRef(kind="place", name=f"Place {n % 2}")],
        **fields)


def test_new_records_are_counted_in_their_batch_transaction_and_never_recounted() -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    batch = [_parsed(1), _parsed(2), _parsed(3, access_level="staff"), _parsed(4, date=""),
             _parsed(5, access_level="embargoed", embargo_until=future),
             _parsed(6, access_level="embargoed", embargo_until="2000-01-01")]  # ended: public
    with transaction.atomic():
        assert RecordWriter().write_batch(batch) == [Outcome.IMPORTED] * len(batch)
        ids = list(Record.objects.values_list("pk", flat=True))
        # Counted already, inside the transaction, and nothing waits for the commit to be counted.
        assert not on_commit.gathered(counts.PENDING) & set(ids)
        counted = set(CountedRecord.objects.values_list("record_id", flat=True))
    assert counted == set(Record.objects.filter(public_id__in=["c1", "c2", "c4", "c6"]).values_list("pk", flat=True))
    assert counts.drift() == []
    assert counts.total() == 4 and counts.dimension("m")[""] == 1
    assert counts.dimension("l") == {"en": 4, "ru": 1}
    harriman = Record.objects.get(public_id="c1").authority_links.get(role="author").authority
    assert AuthorityCount.objects.get(authority=harriman).records == 4  # once a record, whatever its roles


def test_a_batch_with_new_and_repeated_records_and_a_rolled_back_one_leave_no_drift() -> None:
    first, again = _parsed(1), _parsed(1, date="1950-05-05", access_level="staff")
    with transaction.atomic():
        RecordWriter().write_batch([first, _parsed(2), again])  # the repeat goes the careful way after the insert
    assert counts.drift() == []
    assert counts.total() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        RecordWriter().write_batch([_parsed(7), _parsed(8)])
        raise RuntimeError
    assert counts.drift() == [] and counts.total() == 1


def test_import_reimport_changed_and_unchanged_keep_the_counts_exact(tmp_path: Path) -> None:
    volume = write(tmp_path / "v.xml", standard_volume())
    assert run_import([str(volume)]).counts["imported"] == 5
    assert counts.drift() == []
    assert counts.total() == 5
    restricted = Record.objects.get(public_id="frus1944Test/d2")
    restricted.access_level = "staff"
    restricted.save()
    # Changed: one telegram re-dated, one gone from the volume, one new.
    write(volume, volume_xml([telegram(1, 20), telegram(2, 6), telegram(4, 7), telegram(5, 8), telegram(6, 9)],
                             chapters=2))
    summary = run_import([str(volume)])
    assert summary.counts["imported"] == 1 and summary.counts["updated"] >= 1
    assert counts.drift() == []
    assert counts.total() == 5  # d2 restricted stays out; d6 new; d3 (no longer in the volume) still stored
    assert counts.dimension("m")["1944-09"] == 5
    assert run_import([str(volume)]).counts["unchanged"] == 5
    assert counts.drift() == []
