"""A hub's "Related records": the document page lists the first RELATED_LIMIT of a group with its total and a
link to the group's own page, which walks all of them a page at a time by key; the .json twins say the same;
restricted records never show, not even as a number; and all of it follows the catalogue's changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readingroom.catalog.models import AccessLevel, Record
from readingroom.catalog.relations import RELATED_LIMIT, Relation
from readingroom.web.related_listing import PER_PAGE
from tests.builders import import_lines, record_line, relation_data

MENTIONING = RELATED_LIMIT + 7
CLOSED = {3, 17, 40}  # staff only
EMBARGOED = 25  # until a day to come
UNDATED = {5, 30}  # no date: listed after every dated one
MORE = "/document/hub/related/mentioned_in/"


def _date(n: int) -> str:
    return "" if n in UNDATED else (dt.date(1944, 1, 1) + dt.timedelta(days=(n * 37) % 300)).isoformat()


def _access(n: int) -> dict:
    if n in CLOSED:
        return {"access_level": AccessLevel.STAFF}
    if n == EMBARGOED:
        return {"access_level": AccessLevel.EMBARGOED, "embargo_until": "2999-01-01"}
    return {}


@pytest.fixture
def hub(db) -> list[str]:
    """A conference record mentioned by RELATED_LIMIT + 7 telegrams (three staff-only, one embargoed, two
    undated); it replies to one other. Returns the public ids of the visible mentioning ones, in order."""
    lines = [record_line("hub", "Conference at Quebec", "1944-09-11",
                         relations=[relation_data("asked", "replies_to", "in reply")]),
             record_line("asked", "The question", "1944-09-01")]
    for n in range(MENTIONING):
        lines.append(record_line(f"m{n:03d}", f"Telegram {n}", _date(n), **_access(n),
                                 relations=[relation_data("hub", "mentions", f"footnote {n}")]))
    import_lines(lines)
    return _in_order([n for n in range(MENTIONING) if n not in CLOSED and n != EMBARGOED])


def _in_order(numbers: list[int]) -> list[str]:
    """Public ids as the lists order them: by date, undated last, then by id."""
    return [f"m{n:03d}" for n in sorted(numbers, key=lambda n: (n in UNDATED, _date(n), f"m{n:03d}"))]


def section(html: str, css: str) -> str:
    start = html.find(f'<section class="{css}"')
    return html[start:html.index("</section>", start)] if start >= 0 else ""


def mentioned_in(html: str) -> str:
    related = section(html, "related-records")
    start = related.find('<h3 id="related-mentioned_in">')
    return related[start:related.find("<h3", start + 1) if related.find("<h3", start + 1) > 0 else None]


def listed(html: str) -> list[str]:
    return re.findall(r'<a href="/document/(m\d{3}|new)/"', html)


def walk(client: Client, start: str) -> tuple[list[str], list[str]]:
    """Every id the group's pages list following "Next" from `start`, and back again following "Previous"
    from the last page."""
    forward, url, last = [], start, start
    for _ in range(100):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        forward += listed(html)
        found = re.search(r'<a href="\?(after=[^"]+)" rel="next"', html)
        if not found:
            break
        last = url = f"{start}?{found.group(1)}"
    backward, url = [], last
    for _ in range(100):
        html = client.get(url).content.decode()
        backward = listed(html) + backward
        found = re.search(r'<a href="\?(before=[^"]+)" rel="prev"', html)
        if not found:
            break
        url = f"{start}?{found.group(1)}"
    return forward, backward


def test_the_page_lists_the_first_of_a_group_and_links_to_the_rest(client: Client, hub):
    html = client.get("/document/hub/").content.decode()
    group = mentioned_in(html)
    assert listed(group) == hub[:RELATED_LIMIT]
    assert f'<a href="{MORE}">All {len(hub)} records: Mentioned in</a>' in group
    for n in (*CLOSED, EMBARGOED):
        assert f"m{n:03d}" not in html and f"Telegram {n}<" not in html
    # A group under the limit is listed whole, with no link.
    assert "The question" in section(html, "related-records") and "related/replies_to" not in html


def test_the_groups_pages_walk_every_visible_record_once(client: Client, editor, hub):
    forward, backward = walk(client, MORE)
    assert forward == hub and backward == hub  # each exactly once, in order, undated last
    first = client.get(MORE).content.decode()
    assert f"({len(hub)})" in first and "Mentioned in" in first and 'href="/document/hub/"' in first
    assert "(footnote 0)" in first  # the relation's note
    assert listed(first) == hub[:PER_PAGE]
    # Staff see the restricted and the embargoed too, counted.
    everyone = _in_order(list(range(MENTIONING)))
    assert walk(editor, MORE) == (everyone, everyone)
    assert f"({MENTIONING})" in editor.get(MORE).content.decode()
    assert f"All {MENTIONING} records: Mentioned in" in mentioned_in(editor.get("/document/hub/").content.decode())


def test_the_json_twins_agree(client: Client, hub):
    group = next(g for g in client.get("/document/hub.json").json()["related"] if g["relation"] == "mentioned_in")
    assert group["total"] == len(hub) and group["more"] == "/document/hub/related/mentioned_in.json"
    assert [r["id"] for r in group["records"]] == hub[:RELATED_LIMIT]
    small = next(g for g in client.get("/document/hub.json").json()["related"] if g["relation"] == "replies_to")
    assert small["total"] == 1 and small["more"] is None
    page = client.get(group["more"]).json()
    assert page["relation"] == "mentioned_in" and page["total"] == len(hub) and page["previous"] is None
    assert page["record"]["id"] == "hub" and page["url"] == MORE
    assert page["records"][0]["note"] == f"footnote {int(hub[0][1:])}"
    ids = [r["id"] for r in page["records"]]
    while page["next"]:
        page = client.get(group["more"] + page["next"]).json()
        assert page["total"] == len(hub)
        ids += [r["id"] for r in page["records"]]
    assert ids == hub


def test_what_is_not_there_or_not_visible_is_404(client: Client, editor, hub):
    for url in ("/document/hub/related/nonsense/", "/document/hub/related/nonsense.json",
                "/document/no-such/related/mentions/", "/document/m003/related/mentions/",
                "/document/m003/related/mentions.json", "/document/m025/related/mentions/"):
        assert client.get(url).status_code == 404, url
    # Staff reach the staff-only record's group; it names the hub.
    assert 'href="/document/hub/"' in editor.get("/document/m003/related/mentions/").content.decode()
    # A record with no such relations has an empty group page, not someone else's.
    assert listed(client.get("/document/asked/related/mentioned_in/").content.decode()) == []


@pytest.mark.parametrize("query", ["after=garbage", "before=%%%", "after=WzFd", "after=WyJ4IiwgMV0"])
def test_a_bad_page_key_is_a_400(client: Client, hub, query):
    assert client.get(f"{MORE}?{query}").status_code == 400
    assert client.get(f"/document/hub/related/mentioned_in.json?{query}").status_code == 400


def test_a_page_costs_the_same_queries_however_deep(client: Client, hub):
    with CaptureQueriesContext(connection) as first:
        client.get(MORE)
    after = re.search(r'href="\?(after=[^"]+)" rel="next"', client.get(MORE).content.decode()).group(1)
    with CaptureQueriesContext(connection) as second:
        client.get(f"{MORE}?{after}")
    # The record, its page of related records, their notes, the total: none per record listed.
    assert len(first) <= 4 and len(second) <= 4


def test_day_two_new_deleted_and_restricted_relations(client: Client, hub):
    def state() -> tuple[str, int]:
        group = mentioned_in(client.get("/document/hub/").content.decode())
        return group, client.get("/document/hub/related/mentioned_in.json").json()["total"]

    group, total = state()  # cached now
    assert total == len(hub) and f"All {total} records" in group
    # A new relation: counted and listed (it sorts first, by its date).
    import_lines([record_line("new", "A new telegram", "1900-01-01", relations=[relation_data("hub", "mentions")])])
    group, total = state()
    assert total == len(hub) + 1 and f"All {total} records" in group and 'href="/document/new/"' in group
    assert "new" in [r["id"] for r in client.get("/document/hub/related/mentioned_in.json").json()["records"]]
    # A deleted record takes its relation with it.
    Record.objects.get(public_id=hub[0]).delete()
    group, total = state()
    assert total == len(hub) and hub[0] not in listed(group)
    # A deleted relation, the records staying.
    Relation.objects.filter(source__public_id=hub[1], target__public_id="hub").delete()
    group, total = state()
    assert total == len(hub) - 1 and hub[1] not in listed(group)
    # A restricted record leaves the page, its count and the group's pages.
    restricted = Record.objects.get(public_id=hub[2])
    restricted.access_level = AccessLevel.STAFF
    restricted.save()
    group, total = state()
    assert total == len(hub) - 2 and hub[2] not in listed(group)
    forward, _ = walk(client, MORE)
    assert forward == ["new", *hub[3:]]
    # Down to the limit: the link goes, the json says there is no more.
    for public_id in hub[3:3 + total - RELATED_LIMIT]:
        Record.objects.filter(public_id=public_id).delete()
    group, total = state()
    assert total == RELATED_LIMIT and "All " not in group and len(listed(group)) == RELATED_LIMIT
    data = next(g for g in client.get("/document/hub.json").json()["related"] if g["relation"] == "mentioned_in")
    assert data["more"] is None and data["total"] == RELATED_LIMIT


@pytest.mark.parametrize("key", ["mentioned_in", "replies_to", "same_conversation"])
def test_a_groups_page_reads_the_relations_not_the_catalogue(hub, key):
    """The page's query starts from the record's relations (their indexes) and looks records up by key; as
    `pk IN (subquery)` beside the access condition, SQLite walked every public record (55 ms at 100,000)."""
    if connection.vendor != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL chooses by its statistics")
    from django.contrib.auth.models import AnonymousUser

    from readingroom.catalog.relations import group_records

    import_lines([record_line("talk", "Talk at Quebec", "1944-09-12",
                              relations=[relation_data("hub", "same_conversation")])])
    rows = group_records(Record.objects.get(public_id="hub"), key, AnonymousUser()).order_by("sort_date", "public_id")
    sql, params = rows[:PER_PAGE + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[3] for row in cursor.fetchall()]
    assert any("catalog_record USING INTEGER PRIMARY KEY" in step for step in plan), plan
    assert not any(step.startswith(("SCAN catalog_record", "SEARCH catalog_record USING INDEX")) for step in plan), plan


def test_a_conversation_reads_both_ways_on_its_page(client: Client, db):
    import_lines([record_line("c1", "First of the talks", "1945-02-04",
                              relations=[relation_data("c2", "same_conversation", "continued")]),
                  record_line("c2", "Second of the talks", "1945-02-05"),
                  record_line("c3", "Third of the talks", "1945-02-06",
                              relations=[relation_data("c2", "same_conversation", "and again")])])
    page = client.get("/document/c2/related/same_conversation.json").json()
    assert [(r["id"], r["note"]) for r in page["records"]] == [("c1", "continued"), ("c3", "and again")]
    assert page["total"] == 2 and page["label"] == "Same conversation"
    html = client.get("/document/c2/related/same_conversation/").content.decode()
    assert "(continued)" in html and "(and again)" in html


@pytest.mark.parametrize("language, link, heading", [
    ("ru", "Все 53 документа: Упоминается в", "Упоминается в"),
    ("zh-hans", "全部 53 条记录：被提及于", "被提及于"),
])
def test_in_the_other_interface_languages(client: Client, hub, language, link, heading):
    assert len(hub) == 53
    group = mentioned_in(client.get("/document/hub/", HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert f'<a href="{MORE}">{link}</a>' in group and "All " not in group
    page = client.get(MORE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{heading} " in page and "Mentioned in" not in page
