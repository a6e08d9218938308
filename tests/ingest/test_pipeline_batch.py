"""The batched store (RecordStore.store_batch) keeps store_record's contract: the same rows, the same
outcomes, the same refusals; and a bad record in a batch costs only itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from readingroom.catalog.models import Authority, Collection, Record
from readingroom.ingest.frus_tei import FORMAT
from readingroom.ingest.pipeline import Outcome, RecordStore, store_record
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
        outcomes = RecordStore().store_batch(records, source="v.xml")
    assert outcomes == [Outcome.IMPORTED] * len(records)
    assert snapshot() == one_by_one
    stored = Record.objects.get(public_id="frus1944Test/d3")
    assert (str(stored.date_start), str(stored.date_end)) == ("1944-09-06", "1944-09-08")
    with transaction.atomic():
        assert RecordStore().store_batch(records, source="v.xml") == [Outcome.UNCHANGED] * len(records)


@pytest.mark.django_db
def test_changed_and_repeated_records_in_one_batch(tmp_path):
    records = parsed_records(tmp_path)
    with transaction.atomic():
        RecordStore().store_batch(records[:2])
    changed = ParsedRecord(**{**records[0].__dict__, "title": "A new title"})
    again = ParsedRecord(**{**records[2].__dict__, "title": "Second version"})
    with transaction.atomic():
        outcomes = RecordStore().store_batch([changed, records[1], records[2], again])
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
        RecordStore().store_batch([records[0], bad])
    with pytest.raises(ValidationError):
        store_record(bad)
    summary = ImportSummary()
    _store_batch([records[0], bad, records[2]], "v.xml", RecordStore(), summary, None)
    assert set(Record.objects.values_list("public_id", flat=True)) == {records[0].public_id, records[2].public_id}
    [problem] = summary.problems
    assert bad.public_id in problem.message and message in problem.message


@pytest.mark.django_db
def test_batch_sends_the_signals_saves_send(tmp_path):
    # The search index queue listens to post_save: records stored in bulk must be announced too, complete.
    from django.db.models.signals import post_save, pre_save

    from readingroom.catalog.models import Content

    seen: list[tuple] = []

    def saved(sender, instance, created, **kwargs):
        if sender is Record:
            content = Content.objects.get(record_id=instance.pk)
            seen.append(("record", instance.public_id, created, content.footnotes.count(),
                         instance.authority_links.count()))
        else:
            seen.append(("content", instance.record_id, created))

    def before(sender, instance, **kwargs):
        seen.append(("pre", sender.__name__, instance.pk))

    records = parsed_records(tmp_path)
    post_save.connect(saved, sender=Record, dispatch_uid="t-record")
    post_save.connect(saved, sender=Content, dispatch_uid="t-content")
    pre_save.connect(before, sender=Record, dispatch_uid="t-pre")
    try:
        with transaction.atomic():
            RecordStore().store_batch(records, source="v.xml")
    finally:
        post_save.disconnect(dispatch_uid="t-record", sender=Record)
        post_save.disconnect(dispatch_uid="t-content", sender=Content)
        pre_save.disconnect(dispatch_uid="t-pre", sender=Record)
    announced = [s for s in seen if s[0] == "record"]
    assert [s[1] for s in announced] == [r.public_id for r in records]
    d1 = next(s for s in announced if s[1] == "frus1944Test/d1")
    assert d1[2] is True and d1[3] == 2 and d1[4] == 6  # created, with its 2 footnotes and 6 links
    assert len([s for s in seen if s[0] == "content"]) == len(records)
    assert [s for s in seen if s[0] == "pre"] == [("pre", "Record", None)] * len(records)
