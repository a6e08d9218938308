"""Datestamps in the protocol's UTC forms, to the day or to the second (the repository's granularity)."""

from __future__ import annotations

import datetime as dt
import re

from .errors import bad_argument

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def datestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def parse(name: str, value: str) -> tuple[dt.datetime, bool]:
    """The moment a `from`/`until` argument names, and whether it was given to the day only."""
    try:
        if _DAY.match(value):
            return day_start(dt.date.fromisoformat(value)), True
        if _SECOND.match(value):
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC), False
    except ValueError:
        pass
    raise bad_argument(f"'{name}' must be a UTC date, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


class Window:
    """The from/until range of a selective harvest, both ends inclusive at the granularity given."""

    def __init__(self, start: str | None, end: str | None) -> None:
        self.start = self.end_exclusive = None
        by_day: set[bool] = set()
        if start:
            self.start, day = parse("from", start)
            by_day.add(day)
        if end:
            until, day = parse("until", end)
            by_day.add(day)
            # A datestamp is cut to the second, so "until 10:00:00" still takes 10:00:00.7.
            self.end_exclusive = until + (dt.timedelta(days=1) if day else dt.timedelta(seconds=1))
        if len(by_day) > 1:
            raise bad_argument("'from' and 'until' must have the same granularity.")
        if self.start and self.end_exclusive and self.start >= self.end_exclusive:
            raise bad_argument("'from' is later than 'until'.")
