"""Each record is in exactly one index: the public one, or the withheld records'. Staff search both as
one: pages, totals, date order and facet counts across the two; the public never sees the second. Also
after the state changes: a record restricted, opened again, deleted, and an index put in the wrong state
behind the writer's back."""

from __future__ import annotations

import datetime as dt

import pytest
import tantivy

from readingroom.catalog.models import AccessLevel, Record
from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import ContentItem, ParsedRecord
from readingroom.search import writer
from readingroom.search.engine import search
from readingroom.search.index_dir import open_for_reading, open_for_writing
from readingroom.search.schema import build_schema

from .conftest import STAFF

pytestmark = pytest.mark.django_db

WORD = "Kwidzyn"


def make(n: int, access: str, date: str | None) -> Record:
    record, _ = store_record(ParsedRecord(
        public_id=f"kw-{access}-{n}", title=f"Kwidzyn file {n}", date_edtf=date or "", document_type="memorandum",
        contents=[ContentItem("transcript", "en", f"The {WORD} plebiscite, note {n}. " + "Marienwerder. " * (n % 4))]))
    if access != AccessLevel.PUBLIC:
        Record.objects.filter(pk=record.pk).update(access_level=access)
        record.refresh_from_db()
        record.save()  # announced, as the admin would
    return record


@pytest.fixture
def split(made_up):
    """25 public and 15 restricted records with the same word, some undated."""
    for n in range(25):
        make(n, AccessLevel.PUBLIC, None if n % 6 == 0 else f"1920-{n % 12 + 1:02d}-{n + 1:02d}")
    for n in range(15):
        make(n, AccessLevel.STAFF, None if n % 5 == 0 else f"1919-{n % 12 + 1:02d}-{n + 1:02d}")
    writer.drain()


def ids(results) -> list[str]:
    return [h.public_id for h in results.hits]


def indexed_pks(public: bool) -> set[int]:
    return set(writer.indexed_digests(public=public))


def test_each_record_is_in_one_index(split):
    public = set(Record.objects.public().values_list("pk", flat=True))
    every = set(Record.objects.values_list("pk", flat=True))
    assert indexed_pks(public=True) == public
    assert indexed_pks(public=False) == every - public
    assert open_for_reading(public=True).searcher().num_docs + open_for_reading(public=False).searcher().num_docs == len(every)


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
def test_staff_pages_run_through_both_indexes(split, sort):
    everything = search(WORD, user=STAFF, sort=sort, per_page=100, with_facets=False)
    assert everything.total == 40 and len(everything.hits) == 40
    assert len(set(ids(everything))) == 40
    paged = [h for page in (1, 2, 3) for h in search(WORD, user=STAFF, sort=sort, per_page=15, page=page,
                                                      with_facets=False).hits]
    assert [h.public_id for h in paged] == ids(everything)  # pages are slices of one order
    if sort == "relevance":
        assert [h.score for h in everything.hits] == sorted((h.score for h in everything.hits), reverse=True)
    else:
        days = [Record.objects.get(public_id=i).date_start for i in ids(everything)]
        assert days.count(None) == 8 and days[-8:] == [None] * 8  # undated last, either way
        assert days[:-8] == sorted(days[:-8], reverse=sort == "-date")


def test_the_public_sees_one_index_and_staff_counts_add_up(split):
    public = search(WORD)
    assert public.total == 25 and not any(i.startswith("kw-staff") for i in ids(search(WORD, per_page=100)))
    staff = search(WORD, user=STAFF)
    counts = {f.name: {v.value: v.count for v in f.values} for f in staff.facets}
    assert counts["type"]["memorandum"] == 40
    assert counts["year"] == {"1919": 12, "1920": 20}
    public_counts = {f.name: {v.value: v.count for v in f.values} for f in public.facets}
    assert public_counts["year"] == {"1920": 20}
    # A facet selection applies across both indexes.
    chosen = search(WORD, user=STAFF, selection={"year": ["1919"]}, per_page=100)
    assert chosen.total == 12 and all(i.startswith("kw-staff") for i in ids(chosen))


def test_more_like_this_for_staff_finds_records_in_either_index(split):
    from readingroom.search.engine import more_like_this

    closed = Record.objects.get(public_id="kw-staff-3")
    similar = [public_id for _pk, public_id in more_like_this(closed.pk, user=STAFF, limit=40)]
    assert similar and any(i.startswith("kw-public") for i in similar) and any(i.startswith("kw-staff") for i in similar)
    assert "kw-staff-3" not in similar
    opened = Record.objects.get(public_id="kw-public-3")
    assert not any(i.startswith("kw-staff") for _pk, i in more_like_this(opened.pk, limit=40))


def test_a_record_moves_between_the_indexes_and_check_agrees(split):
    record = Record.objects.get(public_id="kw-public-4")
    record.access_level = AccessLevel.STAFF
    record.save()
    writer.drain()
    assert record.pk in indexed_pks(public=False) and record.pk not in indexed_pks(public=True)
    assert "kw-public-4" in ids(search(WORD, user=STAFF, per_page=100))
    assert "kw-public-4" not in ids(search(WORD, per_page=100))
    record.access_level = AccessLevel.PUBLIC
    record.save()
    Record.objects.get(public_id="kw-staff-2").delete()
    writer.drain()
    assert record.pk in indexed_pks(public=True) and record.pk not in indexed_pks(public=False)
    assert search(WORD, user=STAFF).total == 39
    assert not writer.check(repair=False).stale


def test_check_finds_a_record_in_the_wrong_index(split):
    from readingroom.search.documents import CollectionPaths, build_document, record_batches
    from readingroom.search.variants import load as load_variants

    closed = Record.objects.get(public_id="kw-staff-7")
    [[data]] = record_batches([closed.pk])
    doc = build_document(data, CollectionPaths(), load_variants())
    # Behind the writer's back: a copy of the restricted record in the public index as well.
    writers = writer.Writers(open_for_writing(), 50_000_000)
    writers.public.add_document(tantivy.Document.from_dict(doc, build_schema()))
    writers.commit()
    writers.finish()
    assert writer.check(repair=False).stale == [closed.pk]
    # Until repaired, the access filter still keeps it from the public.
    assert "kw-staff-7" not in ids(search(WORD, per_page=100))
    report = writer.check()
    assert report.indexed == 1 and closed.pk not in indexed_pks(public=True)
    assert not writer.check(repair=False).stale


def test_an_embargo_set_in_the_future_keeps_the_record_out_of_the_public_index(split):
    record = Record.objects.get(public_id="kw-public-5")
    record.access_level = AccessLevel.EMBARGOED
    record.embargo_until = dt.date.today() + dt.timedelta(days=30)
    record.save()
    writer.drain()
    assert record.pk in indexed_pks(public=False) and record.pk not in indexed_pks(public=True)
    assert "kw-public-5" in ids(search(WORD, user=STAFF, per_page=100))
