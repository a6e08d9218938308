import datetime as dt

import pytest

from readingroom.catalog.dates import DateError, display_date, parse_display_date, parse_edtf


@pytest.mark.parametrize(
    ("value", "start", "end", "shown"),
    [
        ("1944-02-02", dt.date(1944, 2, 2), dt.date(1944, 2, 2), "February 2, 1944"),
        ("1944-02", dt.date(1944, 2, 1), dt.date(1944, 2, 29), "February 1944"),
        ("1944", dt.date(1944, 1, 1), dt.date(1944, 12, 31), "1944"),
        ("1944-02~", dt.date(1944, 2, 1), dt.date(1944, 2, 29), "circa February 1944"),
        ("1944-03/1944-09", dt.date(1944, 3, 1), dt.date(1944, 9, 30), "March 1944 – September 1944"),
        ("194X", dt.date(1940, 1, 1), dt.date(1949, 12, 31), "1940s"),
        ("", None, None, "undated"),
    ],
)
def test_edtf_spans_and_display(value, start, end, shown):
    span = parse_edtf(value)
    assert (span.start, span.end) == (start, end)
    assert display_date(value) == shown


def test_invalid_edtf_is_refused():
    with pytest.raises(DateError):
        parse_edtf("2nd of February")


@pytest.mark.parametrize(
    ("printed", "edtf"),
    [("February 2, 1944", "1944-02-02"), ("March 1944", "1944-03"), ("1944", "1944"),
     ("circa 1944", "1944~"), ("2 February 1944", "1944-02-02"), ("Sept. 5, 1944", "1944-09-05"), ("Smarch 5, 1944", None)],
)
def test_printed_dates(printed, edtf):
    if edtf is None:
        with pytest.raises(DateError):
            parse_display_date(printed)
    else:
        assert parse_display_date(printed) == edtf


def test_impossible_day_is_refused():
    with pytest.raises(DateError):
        parse_display_date("February 30, 1944")


@pytest.mark.parametrize(
    ("value", "ru", "zh"),
    [
        # "до", "после" and "около" take the genitive: the month's Django MONTHS_ALT form, the decade's "-х".
        ("/1944-03", "до марта 1944 г.", "1944年3月之前"),
        ("1944-03/", "после марта 1944 г.", "1944年3月之后"),
        ("../1944-02", "до февраля 1944 г.", "1944年2月之前"),
        ("1944-03~", "около марта 1944 г.", "约1944年3月"),
        ("/1944-03-02", "до 2 марта 1944 г.", "1944年3月2日之前"),
        ("194X/", "после 1940-х гг.", "1940年代之后"),
        ("/1944", "до 1944 г.", "1944年之前"),
        # On its own, a month keeps its nominative form, and English is unchanged.
        ("1944-03", "Март 1944 г.", "1944年3月"),
    ],
)
def test_before_and_after_in_russian_and_chinese(value, ru, zh):
    assert display_date(value, "ru") == ru
    assert display_date(value, "zh-Hans") == zh
    assert "марта" not in display_date(value) and "月" not in display_date(value)
