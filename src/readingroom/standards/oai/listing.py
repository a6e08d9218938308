"""What a list request selects: records and tombstones by datestamp and set, a page at a time.

A record's datestamp is its last change (`Record.updated`: every save, an access change included). An
embargo that ends by itself changes no row, so an embargoed record that became public carries the later
of its last change and the embargo's end day. A record that readers may not see (staff only, embargoed)
is listed as deleted with its own datestamp; a deleted record as deleted with the time of its deletion
(catalog/withdrawn.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from readingroom.catalog.models import AccessLevel, Record
from readingroom.catalog.withdrawn import WithdrawnRecord

from .dates import Window, day_start

PAGE_SIZE = 100  # the most records or headers in one response


@dataclass
class Item:
    public_id: str
    datestamp: dt.datetime
    deleted: bool
    record: Record | None = None  # only for a record readers may see
    collection_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)


def _embargo_ended(today: dt.date) -> Q:
    return Q(access_level=AccessLevel.EMBARGOED, embargo_until__isnull=False, embargo_until__lte=today)


def _window_q(window: Window, today: dt.date) -> Q:
    ended = _embargo_ended(today)
    q = Q()
    if window.start is not None:
        start = window.start
        first_day = start.date() if start == day_start(start.date()) else start.date() + dt.timedelta(days=1)
        q &= Q(updated__gte=start) | (ended & Q(embargo_until__gte=first_day))
    if window.end_exclusive is not None:
        last_day = (window.end_exclusive - dt.timedelta(microseconds=1)).date()
        q &= Q(updated__lt=window.end_exclusive) & ~(ended & Q(embargo_until__gt=last_day))
    return q


def record_datestamp(record: Record, today: dt.date) -> dt.datetime:
    if record.is_public(today) and record.access_level == AccessLevel.EMBARGOED and record.embargo_until:
        return max(record.updated, day_start(record.embargo_until))
    return record.updated


def record_item(record: Record, today: dt.date, theme_ids: list[int]) -> Item:
    public = record.is_public(today)
    return Item(record.public_id, record_datestamp(record, today), not public, record if public else None,
                record.collection_id, theme_ids)


def tombstones() -> QuerySet[WithdrawnRecord]:
    """Deleted records not since created again (a bulk import makes no saves that would clear the stone)."""
    return WithdrawnRecord.objects.exclude(public_id__in=Record.objects.values("public_id"))


def tombstone_item(stone: WithdrawnRecord) -> Item:
    return Item(stone.public_id, stone.withdrawn, True)


class Selection:
    """Records then tombstones, each by primary key: a cursor ("r" | "w", last pk) resumes it exactly."""

    def __init__(self, window: Window, record_set: Q | None = None, stone_set: Q | None = None) -> None:
        self.today = timezone.localdate()
        self.records = Record.objects.filter(_window_q(window, self.today))
        stones = tombstones()
        if window.start is not None:
            stones = stones.filter(withdrawn__gte=window.start)
        if window.end_exclusive is not None:
            stones = stones.filter(withdrawn__lt=window.end_exclusive)
        if record_set is not None:
            self.records = self.records.filter(record_set)
            stones = stones.filter(stone_set)
        self.stones = stones

    def page(self, cursor: tuple[str, int], full: bool) -> tuple[list[Item], tuple[str, int] | None]:
        """Up to PAGE_SIZE items after the cursor, and the cursor of the next page (None: the list ends).
        `full`: with the public records' metadata (ListRecords), not only their headers."""
        phase, last = cursor
        items: list[Item] = []
        if phase == "r":
            records = self.records.filter(pk__gt=last).order_by("pk")
            records = records.select_related("collection", "repository").prefetch_related(
                "authority_links__authority") if full else records.only(
                "pk", "public_id", "updated", "access_level", "embargo_until", "collection_id")
            batch = list(records[:PAGE_SIZE + 1])
            if len(batch) > PAGE_SIZE:
                batch = batch[:PAGE_SIZE]
                return self._items(batch), ("r", batch[-1].pk)
            items = self._items(batch)
            last = 0
        room = PAGE_SIZE - len(items)
        stones = list(self.stones.filter(pk__gt=last).order_by("pk")[:room + 1])
        if len(stones) > room:
            taken = stones[:room]
            items += [tombstone_item(s) for s in taken]
            return items, ("w", taken[-1].pk if taken else last)
        return items + [tombstone_item(s) for s in stones], None

    def first_exists(self) -> bool:
        return self.records.exists() or self.stones.exists()

    def _items(self, records: list[Record]) -> list[Item]:
        themes = theme_ids_of([r.pk for r in records])
        return [record_item(r, self.today, themes.get(r.pk, [])) for r in records]


def theme_ids_of(record_pks: list[int]) -> dict[int, list[int]]:
    from readingroom.catalog.themes import ThemeEntry

    found: dict[int, list[int]] = {}
    for record_id, theme_id in ThemeEntry.objects.filter(record_id__in=record_pks).values_list("record_id",
                                                                                                "theme_id"):
        found.setdefault(record_id, []).append(theme_id)
    return found


def find(public_id: str) -> Item | None:
    """One record or tombstone by its public id (GetRecord, ListMetadataFormats)."""
    today = timezone.localdate()
    record = Record.objects.select_related("collection", "repository").filter(public_id=public_id).first()
    if record is not None:
        return record_item(record, today, theme_ids_of([record.pk]).get(record.pk, []))
    stone = tombstones().filter(public_id=public_id).first()
    return tombstone_item(stone) if stone is not None else None
