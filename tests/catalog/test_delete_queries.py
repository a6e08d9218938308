"""Deleting records asks for their contents, notes, pages and links by key, without a join to the records:
a model ordered by its record ("record", not "record_id") joined the records, and their ordering, into
every such query. PostgreSQL, without statistics just after a bulk import, planned the join over 1,200
records for more than 20 minutes."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readingroom.catalog.models import Content, Footnote, Record, RecordAuthority
from readingroom.catalog.relations import Relation
from readingroom.ingest.runner import run_import

from ..ingest.frus_fixtures import telegram, volume_xml, write

CHILD_TABLES = re.compile(r'FROM "catalog_(content|footnote|page|correction|recordauthority|relation)"')


@pytest.mark.django_db
def test_deleting_imported_records_joins_no_record_into_the_queries_for_their_rows(tmp_path, settings):
    settings.READINGROOM_READ_AHEAD = False
    path = write(tmp_path / "frus1944Delete.xml", volume_xml([telegram(n, 1 + n % 28) for n in range(1, 41)],
                                                             volume="frus1944Delete", chapters=2))
    assert run_import([str(path)]).counts["imported"] == 40
    assert Footnote.objects.exists() and RecordAuthority.objects.exists()
    first, second = Record.objects.order_by("public_id")[:2]
    Relation.objects.create(source=first, target=second, kind=Relation.Kind.REPLIES_TO)
    with CaptureQueriesContext(connection) as captured:
        Record.objects.filter(public_id__startswith="frus1944Delete/").delete()
    children = [q["sql"] for q in captured.captured_queries if CHILD_TABLES.search(q["sql"])]
    assert children  # the collector did ask for the rows of the related tables
    assert not [sql for sql in children if '"catalog_record"' in sql]
    assert not Record.objects.exists() and not Content.objects.exists() and not Footnote.objects.exists()
    assert not Relation.objects.exists()
    # Day two: the same volume imported again is new again, and its pages' rows are in order.
    assert run_import([str(path)]).counts["imported"] == 40
    record = Record.objects.get(public_id="frus1944Delete/d1")
    assert [c.position for c in record.contents.all()] == sorted(c.position for c in record.contents.all())
