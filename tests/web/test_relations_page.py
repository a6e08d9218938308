"""The document page's "Related records" and "Same day", and the same in its .json twin: read from each
side, hidden where the reader may not see them, and after the records change (day two)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from readingroom.catalog.models import AccessLevel, Record
from readingroom.catalog.relations import Relation
from readingroom.web.nearby import SAME_DAY_LIMIT
from tests.builders import collection_data, import_lines, record_line, relation_data


@pytest.fixture
def exchange(db) -> dict[str, Record]:
    """Churchill's No. 779 and 780, Roosevelt's reply to both, and a memorandum of the same day in another
    collection (FRUS 1944 Quebec d119-d121 in outline)."""
    volume = [collection_data("frus-test", "Conference at Quebec, 1944")]
    papers = [collection_data("papers-test", "Harriman Papers")]
    lines = {
        "779": record_line("q/d119", "Churchill to Roosevelt, No. 779", "1944-09-04", collection=volume, position=1),
        "780": record_line("q/d120", "Churchill to Roosevelt, No. 780", "1944-09-04", collection=volume, position=2),
        "619": record_line("q/d121", "Roosevelt to Churchill, No. 619", "1944-09-05", collection=volume, position=3,
                           relations=[relation_data("q/d119", "replies_to", "Note 2: Ante, p. 188.", origin="frus"),
                                      relation_data("q/d120", "replies_to", origin="frus")]),
        "memo": record_line("h/memo", "Memorandum on Warsaw", "1944-09-04", collection=papers,
                            relations=[relation_data("q/d119", "mentions")]),
        "month": record_line("h/month", "Reports of September", "1944-09"),
    }
    import_lines(list(lines.values()))
    return {key: Record.objects.get(public_id=line["id"]) for key, line in lines.items()}


def section(html: str, css: str) -> str:
    start = html.find(f'<section class="{css}"')
    return html[start:html.index("</section>", start)] if start >= 0 else ""


def test_each_record_lists_its_relations_in_its_own_direction(client: Client, exchange):
    reply = section(client.get("/document/q/d121/").content.decode(), "related-records")
    assert "Replies to" in reply and "Churchill to Roosevelt, No. 779" in reply and "No. 780" in reply
    assert "Note 2: Ante, p. 188." in reply
    original = section(client.get("/document/q/d119/").content.decode(), "related-records")
    assert "Replied to by" in original and 'href="/document/q/d121/"' in original
    assert "Mentioned in" in original and "Memorandum on Warsaw" in original
    assert original.index("Replied to by") < original.index("Mentioned in")  # the closest tie first
    assert section(client.get("/document/h/month/").content.decode(), "related-records") == ""


def test_same_day_lists_that_days_records_across_collections(client: Client, exchange):
    same = section(client.get("/document/q/d119/").content.decode(), "same-day")
    assert "September 4, 1944" in same
    assert "Churchill to Roosevelt, No. 780" in same and "Memorandum on Warsaw" in same
    assert "No. 779" not in same  # not itself
    assert "Reports of September" not in same  # dated to the month: not that day
    # A record dated to a month has no day to share.
    assert section(client.get("/document/h/month/").content.decode(), "same-day") == ""


def test_the_json_twin(client: Client, exchange):
    data = client.get("/document/q/d119.json").json()
    assert data["related"] == [
        {"relation": "replied_to_by", "total": 1, "more": None,
         "records": [{"id": "q/d121", "title": "Roosevelt to Churchill, No. 619", "date": "1944-09-05",
                      "url": "/document/q/d121/", "note": "Note 2: Ante, p. 188."}]},
        {"relation": "mentioned_in", "total": 1, "more": None,
         "records": [{"id": "h/memo", "title": "Memorandum on Warsaw", "date": "1944-09-04",
                      "url": "/document/h/memo/", "note": ""}]},
    ]
    assert data["same_day"]["date"] == "1944-09-04" and data["same_day"]["total"] == 2
    # Grouped by collection (by title), then in each collection's order.
    assert [r["id"] for r in data["same_day"]["records"]] == ["q/d120", "h/memo"]
    assert data["same_day"]["more"] is None
    assert client.get("/document/h/month.json").json()["same_day"] is None


def test_day_two_restrict_delete_and_redate(client: Client, exchange, editor):
    # Restricted: gone for the public from both lists and the twin; staff still see it.
    memo = exchange["memo"]
    memo.access_level = AccessLevel.EMBARGOED
    memo.embargo_until = dt.date.today() + dt.timedelta(days=30)
    memo.save()
    page = client.get("/document/q/d119/").content.decode()
    assert "Memorandum on Warsaw" not in page and "h/memo" not in page
    assert "h/memo" not in client.get("/document/q/d119.json").content.decode()
    assert "Mentioned in" not in page
    staff_page = editor.get("/document/q/d119/").content.decode()
    assert "Mentioned in" in section(staff_page, "related-records")
    assert "Memorandum on Warsaw" in section(staff_page, "same-day")

    # Deleted: the relation goes with it and the page still works.
    exchange["780"].delete()
    reply = client.get("/document/q/d121/")
    assert reply.status_code == 200
    assert "No. 780" not in reply.content.decode() and "No. 779" in section(reply.content.decode(), "related-records")
    assert not Relation.objects.filter(target__public_id="q/d120").exists()

    # Re-dated: "Same day" follows the new date on both days' pages.
    original = exchange["779"]
    original.date_edtf = "1944-09-05"
    original.save()
    moved = section(client.get("/document/q/d119/").content.decode(), "same-day")
    assert "September 5, 1944" in moved and "Roosevelt to Churchill, No. 619" in moved
    assert "No. 779" in section(client.get("/document/q/d121/").content.decode(), "same-day")


def test_a_busy_day_is_capped_with_a_way_to_the_rest(client: Client, db):
    import_lines([*(record_line(f"busy-{n:03d}", f"Telegram {n}", "1945-02-11") for n in range(SAME_DAY_LIMIT + 5)),
                  record_line("busy-closed", "Closed telegram", "1945-02-11", access_level=AccessLevel.STAFF)])
    closed = Record.objects.get(public_id="busy-closed")
    html = client.get("/document/busy-000/").content.decode()
    same = section(html, "same-day")
    assert same.count("<li>") == SAME_DAY_LIMIT
    assert f"{SAME_DAY_LIMIT + 4} records of that day" in same  # the closed one is not counted
    assert 'href="/browse/dates/?year=1945&amp;month=2"' in same
    data = client.get("/document/busy-000.json").json()["same_day"]
    assert data["total"] == SAME_DAY_LIMIT + 4 and len(data["records"]) == SAME_DAY_LIMIT
    assert data["more"] == "/browse/dates/?year=1945&month=2"
    assert closed.public_id not in html


@pytest.mark.parametrize("language, heading, inverse, same_day", [
    ("ru", "Связанные документы", "Ответы на него", "В тот же день: 4 сентября 1944 г."),
    ("zh-hans", "相关记录", "答复本文件的", "同一天：1944年9月4日"),
])
def test_in_the_other_interface_languages(client: Client, exchange, language, heading, inverse, same_day):
    html = client.get("/document/q/d119/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    related, same = section(html, "related-records"), section(html, "same-day")
    assert heading in related and inverse in related
    assert same_day in same
    for english in ("Related records", "Replied to by", "Mentioned in", "Same day"):
        assert english not in related + same
