"""No page runs a query per item: the count stays the same when the archive grows tenfold."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readingroom.catalog import counts
from readingroom.catalog.models import Authority, Collection, Content, Page, Record, RecordAuthority
from tests import builders

URLS = ["/", "/.json", "/browse/", "/browse/collections/", "/browse/dates/", "/browse/dates/?year=1944",
        "/browse/people/", "/browse/subjects/", "/person/person-stalin-joseph/", "/collection/frus1944v04-ch1/",
        "/document/209771/?q=stalin", "/document/209771.json", "/document/frus1944v04/d2/", "/sitemap.xml",
        "/iiif/209771/manifest.json"]


def _queries(client, url: str) -> int:
    # The test's own writes are counted first, as their commit would count them (catalog/counts.py): the
    # page's queries are measured alone.
    counts.flush()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def _grow(archive, extra: int) -> None:
    chapter = archive.collections["chapter"]
    series = [Collection.objects.create(identifier=f"extra-{n}", title=f"Extra series {n}", parent=chapter,
                                        level=Collection.Level.SUBSERIES) for n in range(extra // 10)]
    png, words = builders.render_scan(["Stalin extra page"], size=(400, 300))
    seed_scan = archive.seed.contents.get(kind="scan")
    for n in range(extra):
        record = Record.objects.create(public_id=f"extra-{n}", title=f"Extra {n}", date_edtf=f"1944-03-{1 + n % 28:02d}",
                                       collection=series[n % len(series)], languages=["en"], container=str(n % 7))
        Content.objects.create(record=record, kind="transcript", language="en", text="Stalin")
        person = Authority.objects.create(kind="person", identifier=f"p-{n}", preferred_name=f"Person {n}")
        subject = Authority.objects.create(kind="subject", identifier=f"s-{n}", preferred_name=f"Subject {n}")
        RecordAuthority.objects.create(record=record, authority=person, role="author")
        RecordAuthority.objects.create(record=record, authority=subject, role="subject")
        RecordAuthority.objects.create(record=record, authority=archive.stalin, role="mentioned")
        RecordAuthority.objects.create(record=archive.seed, authority=person, role="mentioned")
    for n in range(1, 6):  # the seed gets more scanned pages, each with words
        page = Page(content=seed_scan, position=n, width=400, height=300, words=words, text="Stalin extra page")
        page.image.save("p.png", ContentFile(png), save=False)
        page.save()


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_the_archive(client, archive, url):
    small = _queries(client, url)
    _grow(archive, 40)
    large = _queries(client, url)
    assert large <= small, f"{url}: {small} queries with a small archive, {large} with a larger one"
    assert large <= 16, f"{url} runs {large} queries"


def test_document_page_query_budget(client, archive, django_assert_max_num_queries):
    _grow(archive, 20)
    with django_assert_max_num_queries(12):
        client.get("/document/209771/?q=Stalin")


def test_word_boxes_are_loaded_only_for_highlighting(client, archive):
    with CaptureQueriesContext(connection) as plain:
        client.get("/document/209771/")
    assert not [q for q in plain.captured_queries if '"words"' in q["sql"]]
    with CaptureQueriesContext(connection) as searched:
        client.get("/document/209771/?q=Stalin")
    assert [q for q in searched.captured_queries if '"words"' in q["sql"]]
