"""The search page stays small whatever is asked: the query travels once (in the form's box), not in every
facet, sort and page link; of an over-long query the first 2,000 characters are searched and shown, with
one message; hostile facet parameters and page numbers are bounded."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from readingroom.catalog.models import AccessLevel, Record
from readingroom.search import MAX_QUERY_CHARS as MAX_QUERY
from readingroom.search import writer


def long_query() -> str:
    """Just under the limit, matching every made-up record (an OR of words they share), plain ASCII."""
    words = " OR ".join(["report", "memorandum", "telegram", "Shandong", "Danzig", "letter"])
    query = words
    n = 0
    while len(query) < MAX_QUERY - 40:
        query += f" OR filler{n:04d}"
        n += 1
    return query


def _page(client, **params) -> str:
    response = client.get("/search/?" + urlencode(params))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_long_query_appears_once_in_the_page(made_up, client):
    q = long_query()
    html = _page(client, q=q)
    assert html.count(q) == 1  # in the box, nowhere else
    assert html.count('name="toggle"') >= 5 and 'name="sort" value="date"' in html  # facets and sorts are there
    short = _page(client, q="report OR memorandum OR telegram OR Shandong OR Danzig OR letter")
    assert len(html) - len(short) < 2 * len(q)  # the page grows by the query once (and the truncated title)
    # with values selected and the date sort, still once
    selected = _page(client, q=q, **{"f.type": "report", "sort": "-date"})
    assert selected.count(q) == 1 and '<input type="hidden" name="f.type" value="report">' in selected


def test_pressing_a_facet_button_leads_to_the_plain_address(made_up, client):
    q = long_query()
    pressed = client.get("/search/?" + urlencode([("q", q), ("sort", "relevance"), ("toggle", "type:report")]))
    assert pressed.status_code == 302
    assert pressed["Location"] == "/search/?" + urlencode([("q", q), ("f.type", "report")])
    page = client.get(pressed["Location"]).content.decode()
    assert page.count(q) == 1 and 'value="type:report" aria-pressed="true"' in page
    # the sort buttons: the form's sort field, then the pressed button's
    resorted = client.get("/search/?" + urlencode([("q", "report"), ("sort", "relevance"), ("sort", "-date")]))
    assert resorted["Location"] == "/search/?q=report&sort=-date"
    # a toggle for an unknown dimension changes nothing; the JSON twin is redirected alike
    assert client.get("/search/?q=report&toggle=nope:x")["Location"] == "/search/?q=report"
    assert client.get("/search.json?q=report&toggle=type:report")["Location"] == "/search.json?q=report&f.type=report"


def test_an_over_long_query_is_cut_with_one_message_and_a_small_page(made_up, client):
    huge = "Shandong " * 12_000  # about 100 KB
    response = client.get("/search/", {"q": huge})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(html) < 40_000
    assert html.count("only its first 2000 characters were used") == 1
    assert "Shandong evacuation" not in html  # still searched, as the public: the staff record stays out
    assert 'value="type:' in html  # with its facets
    data = client.get("/search.json", {"q": huge})
    assert data.status_code == 200
    body = data.json()
    assert len(body["query"]) == MAX_QUERY and body["total"] >= 1
    assert sum("2000 characters" in m for m in body["messages"]) == 1
    assert len(data.content) < 20_000


def test_hostile_selection_and_pages_are_bounded(made_up, client):
    params = [("q", "report")] + [("f.type", f"{n}" + "x" * 1000) for n in range(200)] + [("page", "99999999999")]
    response = client.get("/search/?" + urlencode(params))
    assert response.status_code == 200
    assert len(response.content) < 40_000  # over-long facet values are dropped, the page number clamped
    data = client.get("/search.json?" + urlencode([("q", ""), ("page", "10")] + [("f.year", str(y)) for y in range(300)]))
    assert data.status_code == 200 and len(data.json()["selected"]["year"]) <= 20


def test_day_two_the_buttons_follow_a_restriction(made_up, client):
    before = _page(client, q="")
    assert 'value="type:report"' in before
    reports = Record.objects.filter(document_type="report")
    for record in reports:
        record.access_level = AccessLevel.STAFF
        record.save()
    writer.drain()
    after = client.get(client.get("/search/?q=&toggle=type:memorandum")["Location"]).content.decode()
    assert 'value="type:report"' not in after and 'value="type:memorandum" aria-pressed="true"' in after
    assert not re.search(r"Report on the situation|Railway report", after)
