"""The month dimension: records by the month they start in, for the timeline's third level.

Months need no field of their own: `date_start` is already a fast yyyymmdd integer, so a month is the
range yyyymm00..yyyymm99 of it, filtered by a range query and counted by a range aggregation. Only the
months of the selected years are counted (a year's twelve, not every month the archive holds).
Values read as EDTF months: "1944-02".
"""

from __future__ import annotations

import re

from tantivy import FieldType, Occur, Query

from .schema import build_schema

DIMENSION = "month"
FIELD = "date_start"
_VALUE = re.compile(r"^(\d{1,4})-(0[1-9]|1[0-2])$")


def parse(value: str) -> tuple[int, int] | None:
    match = _VALUE.match(value)
    return (int(match[1]), int(match[2])) if match else None


def value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _bounds(year: int, month: int) -> tuple[int, int]:
    start = year * 10000 + month * 100
    return start, start + 99


def month_filter(values: list[str]) -> Query:
    """Records starting in any of these months."""
    schema = build_schema()
    ranges = []
    for year, month in filter(None, map(parse, values)):
        low, high = _bounds(year, month)
        ranges.append((Occur.Should, Query.range_query(schema, FIELD, FieldType.Integer, lower_bound=low,
                                                        upper_bound=high)))
    return Query.boolean_query(ranges)


def years_to_count(selection: dict[str, list[str]]) -> list[int]:
    """The years whose months are counted: the selected years, and the years of selected months."""
    years = {int(y) for y in selection.get("year", []) if y.isdigit()}
    years.update(parsed[0] for parsed in map(parse, selection.get(DIMENSION, [])) if parsed)
    return sorted(years)


def aggregation(years: list[int]) -> dict:
    """A range aggregation with one bucket per month of these years, keyed by the month's value."""
    ranges = []
    for year in years:
        for month in range(1, 13):
            low, high = _bounds(year, month)
            ranges.append({"key": value(year, month), "from": low, "to": high + 1})
    return {"range": {"field": FIELD, "ranges": ranges}}


def buckets(result: dict) -> list[tuple[str, int]]:
    """(month, count) of the months that have records; the range aggregation's open-ended buckets dropped."""
    return [(str(b["key"]), int(b["doc_count"])) for b in result.get("buckets", [])
            if b.get("doc_count") and parse(str(b["key"]))]
