"""The batched store (RecordWriter.write_batch) keeps store_record's contract: the same rows, the same
outcomes, the same refusals; and a bad record in a batch costs only itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from readingroom.catalog.models import Authority, Collection, Record
from readingroom.ingest.frus_tei import FORMAT
from readingroom.ingest.pipeline import Outcome, RecordWriter, store_record
from readingroom.ingest.records import ParsedRecord
from readingroom.ingest.runner import ImportSummary, _store_batch

from .frus_fixtures import standard_volume, write
from .frus_snapshot import snapshot


def parsed_records(tmp_path: Path) -> list[ParsedRecord]:
    path = write(tmp_path / "v.xml", standard_volume())
    return [item for item in FORMAT.parse(path) if isinstance(item, ParsedRecord)]


def wipe() -> None:
    Record.objects.all().delete()
    Collection.objects.all().delete()
    Authority.objects.all().delete()


@pytest.mark.django_db
def test_batch_stores_what_store_record_stores(tmp_path):
    records = parsed_records(tmp_path)
    for record in records:
        store_record(record, source="v.xml")
    one_by_one = snapshot()
    wipe()
    with transaction.atomic():
        outcomes = RecordWriter().write_batch(records, source="v.xml")
    assert outcomes == [Outcome.IMPORTED] * len(records)
    assert snapshot() == one_by_one
    stored = Record.objects.get(public_id="frus1944Test/d3")
    assert (str(stored.date_start), str(stored.date_end)) == ("1944-09-06", "1944-09-08")
    with transaction.atomic():
        assert RecordWriter().write_batch(records, source="v.xml") == [Outcome.UNCHANGED] * len(records)


@pytest.mark.django_db
def test_changed_and_repeated_records_in_one_batch(tmp_path):
    records = parsed_records(tmp_path)
    with transaction.atomic():
        RecordWriter().write_batch(records[:2])
    changed = ParsedRecord(**{**records[0].__dict__, "title": "A new title"})
    again = ParsedRecord(**{**records[2].__dict__, "title": "Second version"})
    with transaction.atomic():
        outcomes = RecordWriter().write_batch([changed, records[1], records[2], again])
    assert outcomes == [Outcome.UPDATED, Outcome.UNCHANGED, Outcome.IMPORTED, Outcome.UPDATED]
    assert Record.objects.get(public_id=records[0].public_id).title == "A new title"
    assert Record.objects.get(public_id=records[2].public_id).title == "Second version"
    assert Record.objects.get(public_id=records[2].public_id).contents.get().footnotes.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field, value, message", [
    ("title", "x" * 1001, "title"),
    ("title", "", "title"),
    ("source_url", "not a url", "source_url"),
    ("access_level", "secret-club", "access_level"),
])
def test_bad_record_is_refused_like_store_record_and_costs_only_itself(tmp_path, field, value, message):
    records = parsed_records(tmp_path)
    bad = ParsedRecord(**{**records[1].__dict__, field: value})
    with pytest.raises(ValidationError), transaction.atomic():
        RecordWriter().write_batch([records[0], bad])
    with pytest.raises(ValidationError):
        store_record(bad)
    summary = ImportSummary()
    _store_batch([records[0], bad, records[2]], "v.xml", RecordWriter(), summary, None)
    assert set(Record.objects.values_list("public_id", flat=True)) == {records[0].public_id, records[2].public_id}
    [problem] = summary.problems
    assert bad.public_id in problem.message and message in problem.message


@pytest.mark.django_db(transaction=True)
def test_batch_announces_its_records_once_each_is_complete(tmp_path):
    # Search learns of changes through records_changed alone: the bulk path makes no model saves, so it
    # must announce the records itself, after their contents, footnotes and links are in.
    from readingroom.catalog.models import Content
    from readingroom.catalog.signals import records_changed
    from readingroom.search.models import IndexTask

    seen: list[tuple] = []

    def changed(sender, pks, **kwargs):
        for pk in pks:
            record = Record.objects.get(pk=pk)
            content = Content.objects.get(record_id=pk)
            seen.append((record.public_id, content.footnotes.count(), record.authority_links.count()))

    records = parsed_records(tmp_path)
    records_changed.connect(changed, dispatch_uid="t-changed")
    try:
        with transaction.atomic():
            RecordWriter().write_batch(records, source="v.xml")
    finally:
        records_changed.disconnect(dispatch_uid="t-changed")
    assert sorted(s[0] for s in seen) == sorted(r.public_id for r in records)
    assert len(seen) == len(records)  # once each
    d1 = next(s for s in seen if s[0] == "frus1944Test/d1")
    assert d1[1:] == (2, 6)  # complete: its 2 footnotes and 6 links
    # and search, the listener, queued each of them
    queued = set(IndexTask.objects.values_list("record_pk", flat=True))
    assert queued == set(Record.objects.values_list("pk", flat=True))
