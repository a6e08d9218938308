"""The date histogram: /browse/dates/ and the search results' bars count what the database holds for the
reader, at each level, and follow edits, restrictions and incremental index updates."""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter

import pytest

from readingroom.catalog.models import AccessLevel, Record
from readingroom.search import writer
from tests.builders import import_lines, record_line

# A bar is a link (href) or a button of the search form (toggle=dimension:value).
BAR = re.compile(r'<li>(?:<a href="([^"]+)"( aria-current="true" class="current")?|<button type="submit" '
                 r'name="toggle" value="([^"]+)" aria-pressed="(?:false|(true))"(?: class="current")?)>'
                 r'<span class="label">([^<]+)</span> <span class="count">(\d+)<span class="visually-hidden">[^<]*'
                 r'</span></span><span class="bar h(\d+)">')
ROW = re.compile(r'<tr><th scope="row">(?:<a href="([^"]+)">|<button class="link" type="submit" name="toggle" '
                 r'value="([^"]+)">)([^<]+)</(?:a|button)></th><td>(\d+)</td></tr>')
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def bars(page: str) -> list[dict]:
    found = [{"href": html_lib.unescape(m[1] or ""), "toggle": m[3] or "", "current": bool(m[2] or m[4]),
              "label": m[5], "count": int(m[6]), "step": int(m[7])} for m in BAR.finditer(page)]
    # The table under "As a table" holds the same data, row for bar.
    rows = [(html_lib.unescape(m[1] or ""), m[2] or "", m[3], int(m[4])) for m in ROW.finditer(page)]
    assert rows == [(b["href"], b["toggle"], b["label"], b["count"]) for b in found]
    return found


def database_counts(records, level: str, within: int | None = None) -> dict[str, int]:
    """What the bars must say, counted from the rows: decade/year/month of each record's start date."""
    counts: Counter[str] = Counter()
    for start in records.filter(date_start__isnull=False).values_list("date_start", flat=True):
        if level == "decades":
            counts[f"{start.year - start.year % 10}s"] += 1
        elif level == "years" and start.year - start.year % 10 == within:
            counts[str(start.year)] += 1
        elif level == "months" and start.year == within:
            counts[MONTHS[start.month - 1]] += 1
    return dict(counts)


def as_counts(found: list[dict]) -> dict[str, int]:
    return {b["label"]: b["count"] for b in found}


@pytest.fixture
def spread(archive):
    """The sample archive with records in three decades, indexed."""
    import_lines([record_line(public_id, f"Stalin memorandum {public_id}", date) for public_id, date in (
        ("spread-1", "1953-03-05"), ("spread-2", "1953-07-01"), ("spread-3", "1939-09-01"))])
    writer.rebuild()
    return archive


def test_browse_histogram_counts_equal_the_database_at_each_level(client, spread):
    public = Record.objects.public()
    decades = bars(client.get("/browse/dates/").content.decode())
    assert as_counts(decades) == database_counts(public, "decades") == {"1930s": 1, "1940s": 7, "1950s": 2}
    assert [b["step"] for b in decades] == [3, 20, 6]  # heights relative to the tallest; none invisible
    fifties = next(b["href"] for b in decades if b["label"] == "1950s")
    years = bars(client.get("/browse/dates/" + fifties).content.decode())
    assert as_counts(years) == database_counts(public, "years", 1950) == {"1953": 2}
    forties = bars(client.get("/browse/dates/?decade=1940").content.decode())
    months = bars(client.get("/browse/dates/" + forties[0]["href"]).content.decode())
    assert as_counts(months) == database_counts(public, "months", 1944)
    february = client.get("/browse/dates/?year=1944&month=2").content.decode()
    assert [b["label"] for b in bars(february) if b["current"]] == ["February"]
    assert "Telegram re Stalin Harriman" in february
    assert "style=" not in february.split('<figure class="date-histogram">')[1].split("</figure>")[0]


def test_browse_histogram_drops_a_restricted_record_and_follows_an_edited_date(client, spread):
    record = spread.frus[1]  # 1944-02-02
    record.access_level = AccessLevel.STAFF
    record.save()
    months = as_counts(bars(client.get("/browse/dates/?year=1944").content.decode()))
    assert months["February"] == 1 and months == database_counts(Record.objects.public(), "months", 1944)
    assert as_counts(bars(client.get("/browse/dates/").content.decode()))["1940s"] == 6
    edited = Record.objects.get(pk=spread.frus[0].pk)
    edited.date_edtf = "1958-11-27"
    edited.save()
    assert as_counts(bars(client.get("/browse/dates/").content.decode())) == {"1930s": 1, "1940s": 5, "1950s": 3}


def search_bars(client, url: str, **params) -> list[dict]:
    response = client.get(url, params)
    assert response.status_code == 200
    return bars(response.content.decode())


def press(client, form: dict, bar: dict) -> str:
    """Submit the search form with a bar's button, as a browser does: the address it leads to."""
    response = client.get("/search/", {**form, "toggle": bar["toggle"]})
    assert response.status_code == 302
    return response["Location"]


def test_search_histogram_drills_down_keeping_the_query_and_counts_what_matches(client, spread):
    matching = Record.objects.public().filter(title__icontains="Stalin") | Record.objects.public().filter(
        authority_links__authority=spread.stalin)
    matching = Record.objects.filter(pk__in=matching.values("pk"))
    decades = search_bars(client, "/search/", q="Stalin")
    assert as_counts(decades) == database_counts(matching, "decades") == {"1930s": 1, "1940s": 7, "1950s": 2}
    forties = press(client, {"q": "Stalin"}, next(b for b in decades if b["label"] == "1940s"))
    assert forties == "/search/?q=Stalin&f.decade=1940"
    years = search_bars(client, forties)
    assert as_counts(years) == database_counts(matching, "years", 1940) == {"1944": 7}
    in_1944 = press(client, {"q": "Stalin", "f.decade": "1940"}, years[0])
    months = search_bars(client, in_1944)
    assert as_counts(months) == database_counts(matching, "months", 1944)
    february = next(b for b in months if b["label"] == "February")
    address = press(client, {"q": "Stalin", "f.decade": "1940", "f.year": "1944"}, february)
    assert address == "/search/?q=Stalin&f.decade=1940&f.year=1944&f.month=1944-02"
    data = client.get(address.replace("/search/", "/search.json")).json()
    assert data["total"] == february["count"] == 2
    assert {r["id"] for r in data["results"]} == {"209771", "frus1944v04/d2"}
    assert [b["label"] for b in search_bars(client, address) if b["current"]] == ["February"]
    # Other facets are kept: only the telegrams of the FRUS chapter.
    form = {"q": "Stalin", "f.collection": "frus1944v04-ch1"}
    narrowed = search_bars(client, "/search/", **form)
    assert as_counts(narrowed) == {"1940s": 6}
    assert press(client, form, narrowed[0]) == "/search/?q=Stalin&f.collection=frus1944v04-ch1&f.decade=1940"


def test_search_histogram_never_counts_restricted_records(client, spread):
    # The restricted record of 1951 and the embargoed one of 1962 mention Stalin: no 1960s bar, and 1950s
    # holds only the two public ones.
    assert as_counts(search_bars(client, "/search/", q="Stalin"))["1950s"] == 2
    assert "1960s" not in as_counts(search_bars(client, "/search/", q="Stalin"))
    # Restricted now, before the index writer has run: the bar drops at once.
    record = Record.objects.get(public_id="spread-1")
    record.access_level = AccessLevel.EMBARGOED
    record.save()
    assert as_counts(search_bars(client, "/search/", q="Stalin"))["1950s"] == 1
    writer.drain()
    assert as_counts(search_bars(client, "/search/", q="Stalin"))["1950s"] == 1
    assert as_counts(search_bars(client, "/search/", q="Stalin", **{"f.decade": "1950"})) == {"1953": 1}


def test_day_two_an_edited_date_moves_the_bar_after_an_incremental_update(client, spread):
    record = Record.objects.get(public_id="frus1944v04/d1")
    record.date_edtf = "1958-11-27"
    record.save()
    report = writer.drain()
    assert report.indexed >= 1
    after = as_counts(search_bars(client, "/search/", q="Stalin"))
    assert after == database_counts(Record.objects.public(), "decades") == {"1930s": 1, "1940s": 6, "1950s": 3}
    assert as_counts(search_bars(client, "/search/", q="Stalin", **{"f.year": "1958"})) == {"November": 1}
    assert as_counts(bars(client.get("/browse/dates/?decade=1950").content.decode())) == {"1953": 2, "1958": 1}


def test_month_values_are_checked(client, spread):
    for bad in ("1944-13", "1944-2", "abc", "1944-02-01"):
        data = client.get("/search.json", {"q": "Stalin", "f.month": bad}).json()
        assert data["total"] == 10 and "month" not in data["selected"]
    data = client.get("/search.json", {"q": "Stalin", "f.month": ["1944-02", "1953-03"]}).json()
    assert {r["id"] for r in data["results"]} == {"209771", "frus1944v04/d2", "spread-1"}
