"""Prepared queries: SQL built once with stand-ins, then run with other values, must give exactly the rows
the ORM gives for those values (real database: SQLite, and PostgreSQL in its run)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from readingroom.catalog import prepared_sql
from readingroom.catalog.models import AccessLevel, Content, Record, visible_q
from tests.builders import content_data, import_lines, record_line


@pytest.fixture
def records(db) -> list[Record]:
    lines = [record_line(f"prep-{n}", f"Record {n}", date, position=n % 3, languages=("en", "ru")[: n % 2 + 1],
                         contents=[content_data(0, Content.Kind.TRANSCRIPT, "", f"text {n}",
                                                page_breaks=[{"n": str(n), "offset": n}])],
                         **({"access_level": AccessLevel.EMBARGOED, "embargo_until": "2999-01-01"} if n == 2 else {}))
             for n, date in enumerate(["1944-09-04", "1944-09-05", "1944-09-05", "", "1950-01-01"])]
    import_lines(lines)
    return list(Record.objects.filter(public_id__in=[line["id"] for line in lines]).order_by("pk"))


def _query(position: int, day: dt.date, public_id: str, today: dt.date):
    return (Record.objects.filter(visible_q(None, today=today))
            .filter(Q(position__gte=position) | Q(date_start=day) | Q(public_id=public_id))
            .order_by("pk").values_list("pk", "public_id", "date_start", "updated", "languages"))


@pytest.mark.django_db
def test_rows_are_the_orms_for_every_value(records):
    today = dt.date(2026, 1, 1)
    cases = [(0, dt.date(1944, 9, 5), "prep-3"), (2, dt.date(1950, 1, 1), "none"), (1, dt.date(1, 1, 1), "prep-0"),
             (5, dt.date(1944, 9, 4), "prep-2")]
    for position, day, public_id in cases:
        got = prepared_sql.rows("test-query", (today,), lambda position, day, public_id: _query(
            position, day, public_id, today), position=position, day=day, public_id=public_id)
        assert got == list(_query(position, day, public_id, today)), (position, day, public_id)
    # Converted as the ORM converts: dates, aware datetimes, decoded JSON.
    assert isinstance(got[0][2], dt.date) and got[0][3].tzinfo is not None and isinstance(got[0][4], list)
    # The embargo ends: another key, another answer.
    later = dt.date(2999, 1, 2)
    got = prepared_sql.rows("test-query", (later,), lambda position, day, public_id: _query(
        position, day, public_id, later), position=0, day=dt.date(1944, 9, 5), public_id="x")
    assert "prep-2" in [row[1] for row in got]


@pytest.mark.django_db
def test_instances_are_the_orms(records):
    columns = prepared_sql.columns(Content)
    rows = prepared_sql.rows("test-contents", (), lambda pk: Content.objects.filter(record_id=pk)
                             .values_list(*columns), pk=records[1].pk)
    [built] = prepared_sql.instances(Content, rows)
    [orm] = Content.objects.filter(record_id=records[1].pk)
    assert [getattr(built, c) for c in columns] == [getattr(orm, c) for c in columns]
    assert built.page_breaks == [{"n": "1", "offset": 1}] and not built._state.adding


@pytest.mark.django_db
def test_a_value_the_sql_drops_is_refused(records):
    with pytest.raises(RuntimeError, match="lost its parameters"):
        prepared_sql.rows("test-lost", (), lambda pk, title: Record.objects.filter(pk=pk).values_list("pk"),
                          pk=1, title="unused")
