"""The public searches an index of what the public may see: restricted records change neither its scores
nor its ranking nor more-like-this's choice of words; an embargo that ends puts the record there."""

from __future__ import annotations

import datetime as dt

import pytest

from readingroom.catalog.models import AccessLevel, Record
from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import ContentItem, ParsedRecord
from readingroom.search import writer
from readingroom.search.engine import search
from readingroom.search.index_dir import current_generation, read_meta, write_meta

from .conftest import STAFF

pytestmark = pytest.mark.django_db


def scores(q: str, user=None) -> dict[str, float]:
    return {h.public_id: h.score for h in search(q, user=user, per_page=100, with_facets=False).hits}


def restricted(public_id: str, text: str, **access) -> Record:
    record, _ = store_record(ParsedRecord(public_id=public_id, title="Closed file", date_edtf="1950",
                                          contents=[ContentItem("transcript", "en", text)]))
    Record.objects.filter(pk=record.pk).update(**(access or {"access_level": AccessLevel.STAFF}))
    record.refresh_from_db()
    record.save()  # announced, as a save in the admin would be
    return record


def test_restricted_records_change_no_public_score(made_up):
    before_public, before_staff = scores("Danzig"), scores("Danzig", STAFF)
    assert before_public
    for n in range(5):  # restricted text full of the query's word
        restricted(f"closed-{n}", "Danzig Danzig Danzig, the Danzig question, Danzig again.")
    writer.drain()
    assert scores("Danzig") == before_public  # the very same scores, to the last bit
    staff = scores("Danzig", STAFF)
    assert {f"closed-{n}" for n in range(5)} <= set(staff)
    # Staff search the withheld records' index beside the public one, each scored with its own statistics.
    assert {k: staff[k] for k in before_staff} == before_staff


def test_a_record_restricted_leaves_the_public_index_and_comes_back(made_up):
    record = Record.objects.get(public_id="mu-danzig")
    record.access_level = AccessLevel.STAFF
    record.save()
    writer.drain()
    assert "mu-danzig" not in scores("Danzig") and "mu-danzig" in scores("Danzig", STAFF)
    record.access_level = AccessLevel.PUBLIC
    record.save()
    writer.drain()
    assert "mu-danzig" in scores("Danzig")
    assert writer.check(repair=False).stale == []  # both indexes as the database says


def test_an_ended_embargo_joins_the_public_index(made_up):
    today = dt.date.today()
    record = restricted("embargo-ends", "The Lublin committee file.", access_level=AccessLevel.EMBARGOED,
                        embargo_until=today + dt.timedelta(days=3))
    writer.drain()
    assert "embargo-ends" not in scores("Lublin") and "embargo-ends" in scores("Lublin", STAFF)
    # Three days pass: nothing saves the record. The generation was brought up to date four days ago.
    Record.objects.filter(pk=record.pk).update(embargo_until=today - dt.timedelta(days=1))
    gen = current_generation()
    meta = read_meta(gen)
    write_meta(gen, **{**meta, "public_as_of": meta["public_as_of"] - 4})
    assert writer.queue_ended_embargoes() == 1
    writer.drain()
    assert "embargo-ends" in scores("Lublin")
    assert writer.queue_ended_embargoes() == 0  # once


def test_a_rebuild_puts_an_ended_embargo_in_at_once(made_up):
    restricted("embargo-over", "The Lublin committee file.", access_level=AccessLevel.EMBARGOED,
               embargo_until=dt.date.today() - dt.timedelta(days=1))
    writer.rebuild()
    assert "embargo-over" in scores("Lublin")
