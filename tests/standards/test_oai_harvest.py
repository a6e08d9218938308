"""A real OAI-PMH harvester (Sickle) harvests the archive from the app served on localhost: every public
record exactly once, with its metadata; restricted ones only as deleted headers. After a record is
restricted, an incremental harvest (`from`) reports it deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from readingroom.catalog.models import AccessLevel, Record
from tests import builders

PREFIX = "oai:testserver:"


@pytest.fixture
def served(transactional_db, live_server):
    archive = builders.sample_archive()
    # more than two pages of 100, so the harvester follows resumption tokens
    builders.import_lines([builders.record_line(f"letter-{n:03d}", f"Letter {n}", "1950",
                                                collection=builders.HARRIMAN_PAPERS) for n in range(210)])
    return archive, Sickle(live_server.url + "/oai", max_retries=0, timeout=30)


def _harvest(sickle: Sickle, **arguments) -> tuple[dict[str, dict], list[str]]:
    """Public records by public id (their Dublin Core as a dict) and the ids reported deleted."""
    public: dict[str, dict] = {}
    deleted: list[str] = []
    try:
        records = list(sickle.ListRecords(metadataPrefix="oai_dc", **arguments))
    except NoRecordsMatch:
        return public, deleted
    for record in records:
        public_id = record.header.identifier.removeprefix(PREFIX)
        if record.header.deleted:
            deleted.append(public_id)
        else:
            assert public_id not in public, f"{public_id} harvested twice"
            public[public_id] = record.metadata
    return public, deleted


def test_sickle_harvests_every_public_record_once_and_no_restricted_one(served):
    archive, sickle = served
    assert sickle.Identify().deletedRecord == "persistent"
    public, deleted = _harvest(sickle)
    expected = set(Record.objects.public().values_list("public_id", flat=True))
    assert set(public) == expected and len(public) == len(expected) > 200
    assert sorted(deleted) == sorted([archive.restricted.public_id, archive.embargoed.public_id])
    assert public["209771"]["title"] == [archive.seed.title]
    assert public["209771"]["identifier"] == ["http://testserver/document/209771/"]
    harvested_text = repr(public)
    assert archive.restricted.title not in harvested_text and archive.secret_person.preferred_name not in harvested_text
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="harriman-papers"))
    assert len({h.identifier for h in headers}) == len(headers) == Record.objects.filter(
        collection=archive.seed.collection).count()


def test_incremental_harvest_reports_a_restricted_record_deleted(served):
    archive, sickle = served
    Record.objects.update(updated=timezone.now() - dt.timedelta(days=3))
    since = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _harvest(sickle, **{"from": since}) == ({}, [])
    record = archive.frus[0]
    record.access_level = AccessLevel.EMBARGOED
    record.embargo_until = dt.date(2999, 1, 1)
    record.save()
    public, deleted = _harvest(sickle, **{"from": since})
    assert public == {} and deleted == [record.public_id]
    # day two: a full harvest now leaves it out of the public records too
    public, deleted = _harvest(sickle)
    assert record.public_id not in public and record.public_id in deleted
    # and made public again, the next incremental harvest brings it back with its metadata
    record.access_level = AccessLevel.PUBLIC
    record.save()
    public, deleted = _harvest(sickle, **{"from": since})
    assert list(public) == [record.public_id] and deleted == []
