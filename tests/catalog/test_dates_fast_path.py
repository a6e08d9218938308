"""The fast path for plain dates must agree exactly with the edtf library it stands in for."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readingroom.catalog.dates import DateError, _parse_simple, _parse_with_library, parse_edtf

QUALIFIERS = st.sampled_from(["", "?", "~", "%"])


@st.composite
def simple_dates(draw) -> str:
    year = draw(st.integers(1, 2999))
    text = f"{year:04d}"
    if draw(st.booleans()):
        text += f"-{draw(st.integers(1, 12)):02d}"
        if draw(st.booleans()):
            text += f"-{draw(st.integers(1, 31)):02d}"
    return text + draw(QUALIFIERS)


def _library(value: str):
    try:
        return _parse_with_library(value)
    except DateError:
        return None


@given(simple_dates())
def test_single_dates_match_the_library(value: str) -> None:
    assert _parse_simple(value) in (None, _library(value))
    if _parse_simple(value) is None:
        # Only impossible days (February 30, February 29 of a common year) fall through; the library
        # refuses them or, for some qualified ones, accepts them without computable bounds.
        library = _library(value)
        assert library is None or (library.start, library.end) == (None, None)


@given(simple_dates(), simple_dates())
def test_intervals_match_the_library(first: str, last: str) -> None:
    value = f"{first}/{last}"
    fast = _parse_simple(value)
    if fast is not None:
        assert fast == _library(value)


@pytest.mark.parametrize("value", ["1944-13", "1944-02-30", "1944-09-10/1944-09-01", "12"])
def test_bad_dates_still_fail_or_fall_through(value: str) -> None:
    assert _parse_simple(value) is None


def test_parse_edtf_keeps_its_results() -> None:
    span = parse_edtf("1944-09-01?/1944-09-10?")
    assert (span.edtf, span.start, span.end) == ("1944-09-01?/1944-09-10?", dt.date(1944, 9, 1), dt.date(1944, 9, 10))
    assert parse_edtf("1944-02").end == dt.date(1944, 2, 29)
    with pytest.raises(DateError):
        parse_edtf("1944-02-30")
