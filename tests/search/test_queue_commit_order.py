"""The index queue when ids are not committed in order. On PostgreSQL a transaction takes a task id when it
inserts, so a slow transaction can commit a lower id after the writer read a higher one; the writer must
then keep the late task, never forget it with "every id up to the highest I saw". A real second
connection holds the slow transaction open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from readingroom.catalog.models import Record
from readingroom.search import queue, writer
from readingroom.search.models import IndexTask
from tests.conftest import on_postgresql

from .helpers import ids
from .test_writer import new_record

pytestmark = pytest.mark.skipif(
    not on_postgresql(),
    reason="SQLite has one writer at a time, so queue ids commit in the order they are taken: only "
           "PostgreSQL can commit a lower id late")


@pytest.fixture
def slow_transaction(transactional_db) -> Iterator:
    """A second connection to the test database; what it executes stays uncommitted until .commit()."""
    import psycopg

    params = connection.settings_dict
    other = psycopg.connect(dbname=params["NAME"], host=params["HOST"] or None, port=params["PORT"] or None,
                            user=params["USER"] or None, password=params["PASSWORD"] or None)
    try:
        yield other
    finally:
        other.rollback()
        other.close()


def queue_late_task(other, record_pk: int, title: str | None = None) -> None:
    if title is not None:
        other.execute("UPDATE catalog_record SET title = %s WHERE id = %s", [title, record_pk])
    other.execute("INSERT INTO search_indextask (record_pk, op, enqueued_at) VALUES (%s, 'update', now())",
                  [record_pk])


def test_done_forgets_only_the_tasks_it_read(slow_transaction):
    queue_late_task(slow_transaction, 1001)  # takes the lower id, not committed yet
    queue.enqueue([1002])  # a higher id, committed at once
    pks, task_ids = queue.next_batch(100)
    assert pks == [1002]
    slow_transaction.commit()  # the lower id appears now, after the writer read the batch

    queue.done(task_ids)
    assert list(IndexTask.objects.values_list("record_pk", flat=True)) == [1001]


def test_a_change_committed_during_a_rebuild_is_applied_after_it(slow_transaction):
    record = new_record("mu-late", "A telegram about the Dairen harbour master.")
    writer.rebuild()
    assert ids("title:arrival") == ["mu-late"]

    queue_late_task(slow_transaction, record.pk, title="Tsingtao harbour report")
    queue.enqueue([record.pk])  # a committed task with a higher id: the rebuild includes it
    # The rebuild reads the record's committed title; the rename commits while it is still indexing.
    writer.rebuild(on_progress=lambda _n: slow_transaction.commit())

    assert IndexTask.objects.count() == 0  # the drain that ends every rebuild applied the late task
    assert Record.objects.get(pk=record.pk).title == "Tsingtao harbour report"
    assert ids("title:tsingtao") == ["mu-late"]
    assert ids("title:arrival") == []
