"""Lists paginated by key: a page's queries do not grow with the archive, walking the next (previous)
links visits every visible row once and never a restricted one, old numbered addresses move with a
301, absurd keys are a 400, and the sitemap's parts answer on both engines."""

from __future__ import annotations

import base64
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from readingroom.catalog import counts
from readingroom.catalog.models import AccessLevel, Authority, Collection, Record, RecordAuthority
from readingroom.web.sitemaps import PART_SIZE

LISTS = ["/browse/people/", "/browse/people/?letter=P", "/browse/subjects/?q=Subject", "/person/person-stalin-joseph/",
         "/collection/frus1944v04-ch1/", "/browse/dates/?year=1944", "/browse/dates/?year=1944&month=3",
         "/browse/", "/browse/dates/", "/", "/browse/collections/", "/sitemap.xml", "sitemap-records",
         "sitemap-authorities", "sitemap-collections"]


def _add(archive, start: int, count: int) -> None:
    chapter = Collection.objects.get(identifier="frus1944v04-ch1")
    for n in range(start, start + count):
        restricted = n % 10 == 9
        record = Record.objects.create(
            public_id=f"extra-{n:04d}", title=f"Extra {n}", date_edtf=f"1944-03-{1 + n % 28:02d}", collection=chapter,
            position=100 + n, languages=["en"], access_level=AccessLevel.STAFF if restricted else AccessLevel.PUBLIC)
        person = Authority.objects.create(kind="person", identifier=f"p-{n:04d}", preferred_name=f"Person {n:04d}")
        subject = Authority.objects.create(kind="subject", identifier=f"s-{n:04d}", preferred_name=f"Subject {n:04d}")
        RecordAuthority.objects.create(record=record, authority=person, role="author")
        RecordAuthority.objects.create(record=record, authority=subject, role="subject")
        RecordAuthority.objects.create(record=record, authority=archive.stalin, role="mentioned")


def _first_part(client, section: str) -> str:
    """The address of a section's first part, as the sitemap's index gives it: parts are numbered by
    primary-key range, and PostgreSQL's sequences do not start again after the previous tests."""
    index = b"".join(client.get("/sitemap.xml").streaming_content).decode()
    return re.search(rf"https?://[^/<]+(/{section}-\d+\.xml)", index).group(1)


def _queries(client, url: str) -> int:
    counts.flush()  # the test's own writes counted first, as their commit would count them
    if url.startswith("sitemap-"):
        url = _first_part(client, url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_queries_per_page_do_not_grow_from_20_to_200_records(client, archive):
    _add(archive, 0, 20)
    small = {url: _queries(client, url) for url in LISTS}
    _add(archive, 20, 180)
    large = {url: _queries(client, url) for url in LISTS}
    grown = {url: (small[url], large[url]) for url in LISTS if large[url] > small[url]}
    assert not grown, f"queries grew with the archive: {grown}"
    assert max(large.values()) <= 14, large


def _walk(client, url: str, items) -> tuple[list, list]:
    """Every page by its next links, then back by the previous links: (forward rows, backward rows)."""
    seen, pages = [], []
    address = url
    while address:
        data = client.get(address).json()
        pages.append(items(data))
        seen += items(data)
        address = url.split("?")[0] + data["next"] if data["next"] else None
        assert len(pages) < 50
    back = []
    address = url.split("?")[0] + data["previous"] if data["previous"] else None
    while address:
        data = client.get(address).json()
        back = items(data) + back
        address = url.split("?")[0] + data["previous"] if data["previous"] else None
    return seen, back + pages[-1]


def test_walking_the_links_visits_every_visible_row_once(client, archive):
    _add(archive, 0, 130)
    person = client.get("/person/person-stalin-joseph.json").json()
    forward, backward = _walk(client, "/person/person-stalin-joseph.json", lambda d: [r["id"] for r in d["records"]])
    public = set(Record.objects.public().filter(authority_links__authority=archive.stalin)
                 .values_list("public_id", flat=True))
    assert len(forward) == len(set(forward)) == len(public) == person["count"] and set(forward) == public
    assert backward == forward
    chapter, _ = _walk(client, "/collection/frus1944v04-ch1.json", lambda d: [r["id"] for r in d["records"]])
    assert "restricted-1" not in chapter and not any(r.endswith("9") for r in chapter if r.startswith("extra-"))
    assert len(chapter) == len(set(chapter)) == Record.objects.public().filter(collection__identifier="frus1944v04-ch1").count()
    month, _ = _walk(client, "/browse/dates.json?year=1944&month=3", lambda d: [r["id"] for r in d["records"]])
    assert len(month) == len(set(month)) == Record.objects.public().filter(date_start__year=1944,
                                                                           date_start__month=3).count()
    names, back = _walk(client, "/browse/people.json", lambda d: [i["name"] for i in d["items"]])
    assert names == sorted(names) and back == names and "Zed, Secret Person" not in names


def test_day_two_pages_follow_restrict_and_delete(client, archive):
    _add(archive, 0, 60)
    before = client.get("/person/person-stalin-joseph.json").json()["count"]
    Record.objects.get(public_id="extra-0000").delete()
    record = Record.objects.get(public_id="extra-0001")
    record.access_level = AccessLevel.STAFF
    record.save()
    after = client.get("/person/person-stalin-joseph.json").json()
    assert after["count"] == before - 2
    assert "extra-0001" not in {r["id"] for r in after["records"]}
    assert client.get("/person/p-0001/").status_code == 404  # its only record restricted
    assert "Person 0001" not in {i["name"] for i in client.get("/browse/people.json").json()["items"]}
    assert counts.drift() == []


def test_old_numbered_addresses_move_and_absurd_keys_are_a_400(client, archive):
    _add(archive, 0, 60)
    moved = client.get("/person/person-stalin-joseph/?page=2")
    assert moved.status_code == 301 and "after=" in moved["Location"]
    second = client.get(moved["Location"]).content.decode()
    assert 'rel="prev"' in second
    for url in ["/browse/people/?page=abc", "/browse/people/?page=0", "/browse/people/?page=999999",
                "/collection/frus1944v04-ch1/?page=1%00"]:
        response = client.get(url)
        assert response.status_code == 301 and "page=" not in response["Location"], url
    wrong_shape = base64.urlsafe_b64encode(b'["a", 1, {}]').decode()
    wrong_kind = base64.urlsafe_b64encode(b'["not a date", "x", "y"]').decode()
    for key in ["garbage!", "%00", wrong_shape, wrong_kind, "A" * 5000, base64.urlsafe_b64encode(b"\xff\xfe").decode()]:
        for url in ["/browse/people/", "/person/person-stalin-joseph/", "/collection/frus1944v04-ch1/",
                    "/browse/dates/?year=1944"]:
            for direction in ("after", "before"):
                joiner = "&" if "?" in url else "?"
                assert client.get(f"{url}{joiner}{direction}={key}").status_code == 400, (url, key)


def test_sitemap_parts_answer_and_list_only_public_rows(client, archive):
    _add(archive, 0, 30)
    counts.flush()
    index = b"".join(client.get("/sitemap.xml").streaming_content).decode()
    parts = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+-\d+\.xml)</loc>", index)
    assert {p.split("-")[1] for p in parts} == {"pages", "records", "collections", "authorities"}
    listed = ""
    for part in parts:
        response = client.get(part)
        assert response.status_code == 200, part
        listed += b"".join(response.streaming_content).decode()
    assert "/person/p-0000/" in listed and "/person/p-0009/" not in listed  # p-0009's one record is restricted
    assert "person-only-in-restricted" not in listed and "restricted-1" not in listed
    beyond = max(Record.objects.values_list("pk", flat=True)) // PART_SIZE + 1
    assert client.get(f"/sitemap-records-{beyond}.xml").status_code == 404
