"""The records shown around a record: the previous and next in its collection's order, and those of the
same day, each as this reader may see them (document_parts caches them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from readingroom.catalog import addresses, prepared_sql
from readingroom.catalog.models import Record, sees_restricted, visible_q

# A collection's records sort by position, then date, then id. Undated records take a fixed stand-in date so
# they come first on SQLite and PostgreSQL alike (the two disagree on where NULLs sort). Prev/next and the
# collection page use this same order.
UNDATED = dt.date(1, 1, 1)


def collection_order(queryset):
    return queryset.annotate(sort_date=Coalesce("date_start", Value(UNDATED))).order_by(
        "position", "sort_date", "public_id")


def _brief_records(rows: list[tuple]) -> list[Record]:
    return [Record(pk=pk, public_id=public_id, title=title, date_edtf=date_edtf) for pk, public_id, title, date_edtf in rows]


def neighbours(request: HttpRequest, record: Record) -> tuple[Record | None, Record | None]:
    """The previous and next visible records in the record's collection (two indexed queries, their SQL built
    once per side and day)."""
    if record.collection_id is None:
        return None, None
    user, today = request.user, timezone.localdate()

    def build(after: bool):
        def query(collection: int, position: int, day: dt.date, public_id: str):
            siblings = collection_order(Record.objects.filter(visible_q(user, today=today), collection_id=collection))
            p, d, i = position, day, public_id
            if after:
                return (siblings.filter(Q(position__gt=p) | Q(position=p, sort_date__gt=d)
                                        | Q(position=p, sort_date=d, public_id__gt=i))
                        .values_list("pk", "public_id", "title", "date_edtf")[:1])
            return (siblings.filter(Q(position__lt=p) | Q(position=p, sort_date__lt=d)
                                    | Q(position=p, sort_date=d, public_id__lt=i))
                    .order_by("-position", "-sort_date", "-public_id")
                    .values_list("pk", "public_id", "title", "date_edtf")[:1])
        return query

    values = {"collection": record.collection_id, "position": record.position,
              "day": record.date_start or UNDATED, "public_id": record.public_id}
    key = (sees_restricted(user), today)
    previous = _brief_records(prepared_sql.rows("document-previous", key, build(False), **values))
    following = _brief_records(prepared_sql.rows("document-next", key, build(True), **values))
    return (previous[0] if previous else None), (following[0] if following else None)


# "Same day" lists at most this many records; the date timeline has the rest.
SAME_DAY_LIMIT = 50


@dataclass
class SameDay:
    day: dt.date
    records: list[Record]
    total: int
    more_url: str


def same_day(request: HttpRequest, record: Record) -> SameDay | None:
    """Every visible record dated exactly the record's day (a single day both start and end), across all
    collections; none for a record dated to a month, a year or a span, whose "day" is not one day."""
    if record.date_start is None or record.date_start != record.date_end:
        return None
    day, user, today = record.date_start, request.user, timezone.localdate()

    def others(day: dt.date, pk: int):
        return (Record.objects.filter(visible_q(user, today=today), date_start=day, date_end=day).exclude(pk=pk)
                .annotate(collection_title=Coalesce("collection__title", Value("")))
                .order_by("collection_title", "position", "public_id"))

    rows = prepared_sql.rows("document-same-day", (sees_restricted(user), today), lambda day, pk: others(day, pk)
                             .values_list("pk", "public_id", "title", "date_edtf")[:SAME_DAY_LIMIT], day=day, pk=record.pk)
    shown = _brief_records(rows)
    total = len(shown) if len(shown) < SAME_DAY_LIMIT else others(day, record.pk).count()
    more = addresses.url("browse-dates", query=urlencode({"year": day.year, "month": day.month}))
    return SameDay(day, shown, total, more)
