"""Archival dates as EDTF (Library of Congress Extended Date/Time Format).

We keep the EDTF string as the truth and derive a sortable [start, end] day range from it so that
queries ("everything in February 1944") run on plain indexed date columns.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import time
from dataclasses import dataclass

import edtf
from django.utils import dateformat, dates, formats, translation
from django.utils.translation import pgettext

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


class DateError(ValueError):
    pass


@dataclass(frozen=True)
class DateSpan:
    edtf: str
    start: dt.date | None
    end: dt.date | None


def _struct_to_date(value: time.struct_time) -> dt.date | None:
    try:
        return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    except (ValueError, OverflowError):
        return None


def parse_edtf(value: str) -> DateSpan:
    """Validate an EDTF string and compute its earliest and latest day ("" means undated)."""
    return _parse_edtf_cached((value or "").strip())


# The edtf library parses with pyparsing (about 5 ms a date): an importer storing thousands of records a
# second cannot afford that, so plain days, months, years and intervals of them (nearly every archival
# date) are read here, and anything else still goes through the library.
_SIMPLE = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%])?"
_SIMPLE_DATE = re.compile(rf"^{_SIMPLE}$")
_SIMPLE_INTERVAL = re.compile(rf"^{_SIMPLE}/{_SIMPLE}$")


def _simple_bounds(year: str, month: str | None, day: str | None) -> tuple[dt.date, dt.date] | None:
    y = int(year)
    if y < 1:
        return None
    try:
        if month is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        m = int(month)
        if day is None:
            return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        day_date = dt.date(y, m, int(day))
        return day_date, day_date
    except ValueError:
        return None  # month 13, February 30: the library gives the error message


def _parse_simple(value: str) -> DateSpan | None:
    if match := _SIMPLE_DATE.match(value):
        bounds = _simple_bounds(*match.groups()[:3])
        return DateSpan(value, *bounds) if bounds else None
    if match := _SIMPLE_INTERVAL.match(value):
        first, last = _simple_bounds(*match.groups()[:3]), _simple_bounds(*match.groups()[4:7])
        if first and last and first[0] <= last[1]:
            return DateSpan(value, first[0], last[1])
    return None


@functools.lru_cache(maxsize=65536)
def _parse_edtf_cached(value: str) -> DateSpan:
    if not value or value in {"..", "XXXX", "/"}:
        return DateSpan("", None, None)
    simple = _parse_simple(value)
    if simple is not None:
        return simple
    return _parse_with_library(value)


def _parse_with_library(value: str) -> DateSpan:
    try:
        parsed = edtf.parse_edtf(value)
    except Exception as exc:  # edtf raises its own EDTFParseException and sometimes plain errors
        raise DateError(f"not a valid EDTF date: {value!r}") from exc
    start = end = None
    try:
        start = _struct_to_date(parsed.lower_strict())
    except Exception:
        start = None
    try:
        end = _struct_to_date(parsed.upper_strict())
    except Exception:
        end = None
    # Open-ended intervals come back as far-past/far-future sentinels; they are not real bounds.
    if start and start.year < 1:
        start = None
    if end and end.year > 9000:
        end = None
    return DateSpan(str(parsed), start, end)


def _display_single(value: str) -> str:
    qualifier = ""
    core = value
    if core.endswith(("~", "?", "%")):
        qualifier = {"~": "circa ", "?": "", "%": "circa "}[core[-1]]
        suffix = "?" if core[-1] in "?%" else ""
        core = core[:-1]
    else:
        suffix = ""
    parts = core.split("-")
    try:
        if len(parts) == 3:
            text = f"{MONTHS[int(parts[1]) - 1]} {int(parts[2])}, {parts[0]}"
        elif len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            text = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        else:
            text = core.replace("X", "0") + ("s" if "X" in core else "")
    except (ValueError, IndexError):
        text = core
    return f"{qualifier}{text}{suffix}"


def display_date(value: str, locale: str | None = None) -> str:
    """Human form of an EDTF date as archives print it: "February 2, 1944", "circa 1944"; in another
    interface language (a BCP 47 tag: "ru", "zh-Hans") as that language writes dates: "2 февраля 1944 г.",
    "1944年2月2日". Without a locale, English: citations, exports and the command line use that."""
    value = (value or "").strip()
    if locale and not locale.lower().startswith("en"):
        with translation.override(locale.lower()):
            return _display_localised(value)
    if not value:
        return "undated"
    if "/" in value:
        first, last = value.split("/", 1)
        if first in {"", ".."}:
            return f"before {_display_single(last)}"
        if last in {"", ".."}:
            return f"after {_display_single(first)}"
        return f"{_display_single(first)} – {_display_single(last)}"
    return _display_single(value)


# ---- dates in the reader's interface language ---------------------------------------------------
# Day and month forms come from Django's locale formats (Russian's genitive "2 февраля 1944 г.", Chinese
# "1944年2月2日"); the rest from this project's catalogues. English keeps the form above unchanged.

def _display_localised(value: str) -> str:
    if not value:
        return pgettext("date", "undated")
    if "/" in value:
        first, last = value.split("/", 1)
        if first in {"", ".."}:
            return pgettext("date", "before %(date)s") % {"date": _single_localised(last, governed=True)}
        if last in {"", ".."}:
            return pgettext("date", "after %(date)s") % {"date": _single_localised(first, governed=True)}
        return pgettext("date", "%(first)s – %(last)s") % {"first": _single_localised(first),
                                                          "last": _single_localised(last)}
    return _single_localised(value)


def _single_localised(value: str, governed: bool = False) -> str:
    """`governed`: the date follows a word such as "before", "after" or "circa", which in Russian takes the
    genitive: "до марта 1944 г.", not "до Март 1944 г."."""
    core, mark = (value[:-1], value[-1]) if value.endswith(("~", "?", "%")) else (value, "")
    governed = governed or (bool(mark) and mark in "~%")
    parts = core.split("-")
    try:
        if len(parts) == 3:
            text = formats.date_format(dt.date(int(parts[0]), int(parts[1]), int(parts[2])), "DATE_FORMAT")
        elif len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            month = dt.date(int(parts[0]), int(parts[1]), 1)
            # A Django date format, translated: Russian's "E" is the month's genitive (Django's MONTHS_ALT).
            text = dateformat.format(month, pgettext("date format of a month after before/after/circa", "F Y")
                                     if governed else formats.get_format("YEAR_MONTH_FORMAT"))
        elif "X" in core and governed:
            text = pgettext("date after before/after/circa", "%(decade)ss") % {"decade": int(core.replace("X", "0"))}
        elif "X" in core:
            text = _decade_localised(int(core.replace("X", "0")))
        else:
            text = _year_localised(int(core))
    except (ValueError, IndexError):
        text = core
    if mark in "~%" and mark:
        text = pgettext("date", "circa %(date)s") % {"date": text}
    return text + ("?" if mark in "?%" and mark else "")


def _year_localised(year: int) -> str:
    return pgettext("date", "%(year)s") % {"year": year}


def _decade_localised(decade: int) -> str:
    return pgettext("date", "%(decade)ss") % {"decade": decade}


def year_name(year: int, locale: str | None = None) -> str:
    """'1944', '1944 г.', '1944年'."""
    if not locale or locale.lower().startswith("en"):
        return str(year)
    with translation.override(locale.lower()):
        return _year_localised(year)


def decade_name(decade: int, locale: str | None = None) -> str:
    """'1940s', '1940-е гг.', '1940年代'."""
    if not locale or locale.lower().startswith("en"):
        return f"{decade}s"
    with translation.override(locale.lower()):
        return _decade_localised(decade)


def month_name(month: int, locale: str | None = None) -> str:
    """The month on its own (a timeline's bar): 'February', 'Февраль', '二月'."""
    if not locale or locale.lower().startswith("en"):
        return MONTHS[month - 1]
    with translation.override(locale.lower()):
        return str(dates.MONTHS[month])


def parse_display_date(text: str) -> str:
    """Turn an archive's printed date ("February 2, 1944", "March 1944", "1944", "circa 1944") into EDTF."""
    raw = " ".join((text or "").replace(",", " ").split())
    if not raw:
        raise DateError("empty date")
    approx = False
    for prefix in ("circa ", "ca. ", "c. ", "about "):
        if raw.lower().startswith(prefix):
            approx, raw = True, raw[len(prefix):]
    tokens = raw.split(" ")
    months = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
    months.update({m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)})
    months["sept"] = 9
    result: str | None = None
    try:
        if len(tokens) == 3 and tokens[0].lower().rstrip(".") in months:
            result = f"{int(tokens[2]):04d}-{months[tokens[0].lower().rstrip('.')]:02d}-{int(tokens[1]):02d}"
        elif len(tokens) == 3 and tokens[1].lower().rstrip(".") in months:
            result = f"{int(tokens[2]):04d}-{months[tokens[1].lower().rstrip('.')]:02d}-{int(tokens[0]):02d}"
        elif len(tokens) == 2 and tokens[0].lower().rstrip(".") in months:
            result = f"{int(tokens[1]):04d}-{months[tokens[0].lower().rstrip('.')]:02d}"
        elif len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) == 4:
            result = tokens[0]
        elif len(tokens) == 1:
            result = parse_edtf(tokens[0]).edtf or None
    except (ValueError, DateError):
        result = None
    if not result:
        raise DateError(f"cannot read the date {text.strip()!r}")
    if approx:
        result += "~"
    parse_edtf(result)  # validates the day exists (February 30 fails here)
    return result
