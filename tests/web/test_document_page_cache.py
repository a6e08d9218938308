"""The document page and its JSON twin served from the cache (the record's bundle, the rendered page, the
JSON data): one access query per cached visit, and never stale or leaking on day two, after an edit, an
authority rename or merge, a published correction, an OCR failure, a restriction (even one written without a
save), a deletion, an embargo's end, or an incremental index update (real database, real index)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readingroom.catalog import corrections, merging
from readingroom.catalog.models import (
    AccessLevel,
    Authority,
    Content,
    Footnote,
    Page,
    Record,
    RecordAuthority,
)
from readingroom.search import writer

from .conftest import forget_cached_pages

MARK = "<mark"


@pytest.fixture
def indexed(archive):
    writer.rebuild()
    return archive


def _get(client, url: str, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return response, [q["sql"] for q in captured.captured_queries]


def _html(client, record: Record, **params) -> str:
    response = client.get(record.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def _json(client, record: Record) -> dict:
    response = client.get(f"/document/{record.public_id}.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_a_cached_visit_is_one_query_and_the_same_page(client, indexed):
    record = indexed.seed
    first, first_queries = _get(client, record.get_absolute_url())
    second, second_queries = _get(client, record.get_absolute_url())
    assert len(first_queries) > 5
    assert len(second_queries) == 1 and "catalog_record" in second_queries[0], second_queries
    assert first.content == second.content
    data, data_queries = _get(client, f"/document/{record.public_id}.json")
    again, again_queries = _get(client, f"/document/{record.public_id}.json")
    assert len(again_queries) == 1 and data.json() == again.json()
    # Highlighted visits are rendered for each query, from the bundle (with OCR word boxes) in the cache.
    _get(client, record.get_absolute_url(), q="Stalin")
    _response, highlighted = _get(client, record.get_absolute_url(), q="Shanghai")
    assert not [q for q in highlighted if any(t in q for t in ("catalog_content", "catalog_page", "catalog_footnote"))]


def _grow(record: Record, count: int) -> None:
    """`count` more authorities, footnotes and scan pages on `record`."""
    transcript = record.contents.filter(kind=Content.Kind.TRANSCRIPT).first()
    scan = record.contents.filter(kind=Content.Kind.SCAN).first()
    for n in range(count):
        person = Authority.objects.create(kind="person", identifier=f"grow-{record.pk}-{n}", preferred_name=f"Grown {n}")
        RecordAuthority.objects.create(record=record, authority=person, role="mentioned")
        Footnote.objects.create(content=transcript, number=str(n + 1), text=f"Footnote number {n}", position=n)
        Page.objects.create(content=scan, position=10 + n, image=f"scans/grown-{n}.png", width=10, height=10,
                            text=f"page {n}", ocr_status=Page.OcrStatus.DONE)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_links_footnotes_and_pages(client, indexed):
    record, url = indexed.seed, indexed.seed.get_absolute_url()
    forget_cached_pages()
    cold_small = len(_get(client, url)[1])
    _grow(record, 25)
    writer.drain()
    forget_cached_pages()
    cold, cold_queries = _get(client, url)
    warm, warm_queries = _get(client, url)
    html = cold.content.decode()
    assert "Grown 24" in html and "Footnote number 24" in html and "Original scan, page 26" in html
    assert warm.content == cold.content
    assert len(cold_queries) <= cold_small <= 13, cold_queries
    assert len(warm_queries) == 1
    staff = get_user_model().objects.create_user("counter", password="x", is_staff=True)
    client.force_login(staff)
    _get(client, url)
    assert len(_get(client, url)[1]) <= 3  # the access query, the session and the user


@pytest.mark.django_db
def test_an_edited_title_and_transcript_show_at_once(client, indexed):
    record = indexed.frus[0]
    _html(client, record), _json(client, record)
    record.title = "A title corrected on day two"
    record.save()
    content = record.contents.get(kind=Content.Kind.TRANSCRIPT)
    content.text, content.markup = "A transcript rewritten on day two.", ""
    content.save()
    html = _html(client, record)
    assert "A title corrected on day two" in html and "A transcript rewritten on day two." in html
    data = _json(client, record)
    assert data["title"] == "A title corrected on day two"
    assert "A transcript rewritten on day two." in str(data)


@pytest.mark.django_db
def test_an_authority_renamed_and_merged_shows_at_once(client, indexed):
    record, stalin = indexed.seed, indexed.stalin
    twin = Authority.objects.create(kind="person", identifier="person-koba", preferred_name="Koba")
    other = Record.objects.create(public_id="koba-1", title="A note naming Koba", date_edtf="1944-03-03")
    RecordAuthority.objects.create(record=other, authority=twin, role="mentioned")
    assert "Stalin, Joseph" in _html(client, record) and "Stalin, Joseph" in str(_json(client, record))
    assert ">Koba<" in _html(client, other) and _json(client, other)["authorities"][0]["name"] == "Koba"
    stalin.preferred_name = "Stalin, Iosif"
    stalin.save()
    assert "Stalin, Iosif" in _html(client, record) and "Stalin, Iosif" in str(_json(client, record))
    merging.merge(stalin.pk, twin.pk)
    html = _html(client, other)
    assert ">Koba<" not in html and "Stalin, Iosif" in html
    assert [(a["id"], a["name"]) for a in _json(client, other)["authorities"]] == [
        ("person-stalin-joseph", "Stalin, Iosif")]


@pytest.mark.django_db
def test_a_published_correction_and_an_ocr_failure_show_at_once(client, editor, indexed):
    record, page = indexed.seed, indexed.page
    before = _html(client, record)
    assert "Corrected" not in before.split('class="contents')[1].split("</section>")[0]
    user = get_user_model().objects.get(username="editor")
    content = record.contents.get(kind=Content.Kind.TRANSCRIPT)
    t = corrections.Target(record, content)
    draft = corrections.save_text(t, "The transcript as staff corrected it.", 0, user)
    reviewed = corrections.review(t, draft.revision, user)
    assert "The transcript as staff corrected it." not in _html(client, record)  # a draft is not public
    corrections.publish(t, reviewed.revision, user)
    html = _html(client, record)
    assert "The transcript as staff corrected it." in html and 'class="corrected"' in html
    # A failed reading saves the page alone (its content's text is unchanged): the page says so at once.
    page.text, page.ocr_status = "", Page.OcrStatus.FAILED
    page.save(update_fields=["text", "ocr_status"])
    assert "No text has been read from this page yet (failed)" in _html(client, record)
    assert "1 failed" in _html(editor, record)


@pytest.mark.django_db
def test_a_restricted_or_deleted_record_is_never_served_from_the_cache(client, admin_client, indexed):
    record = indexed.frus[2]
    for reader in (client, admin_client):
        _html(reader, record), _json(reader, record)
    # Restricted with a bare update (no save, no signal): the access query still asks the database.
    Record.objects.filter(pk=record.pk).update(access_level=AccessLevel.STAFF)
    for url in (record.get_absolute_url(), f"/document/{record.public_id}.json",
                f"{record.get_absolute_url()}?translation=ru"):
        response = client.get(url)
        assert response.status_code == 404 and record.title not in response.content.decode(), url
    assert "Not public: Staff only" in _html(admin_client, record)  # staff still see it, and are told
    Record.objects.filter(pk=record.pk).update(access_level=AccessLevel.PUBLIC)
    assert "Not public" not in _html(client, record)
    record.delete()
    for reader in (client, admin_client):
        assert reader.get(record.get_absolute_url()).status_code == 404
        assert reader.get(f"/document/{record.public_id}.json").status_code == 404


@pytest.mark.django_db
def test_an_embargo_ends_at_midnight_for_the_record_itself(client, indexed, monkeypatch):
    record = indexed.frus[3]
    record.access_level, record.embargo_until = AccessLevel.EMBARGOED, dt.date.today() + dt.timedelta(days=1)
    record.save()
    assert client.get(record.get_absolute_url()).status_code == 404
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: tomorrow)
    assert record.title in _html(client, record)


@pytest.mark.django_db
def test_staff_language_and_search_words_are_never_mixed(client, admin_client, indexed):
    record = indexed.seed
    staff_html = _html(admin_client, record)
    assert "Correct the text" in staff_html
    public_html = _html(client, record)
    assert "Correct the text" not in public_html and "Copy citation" in public_html
    russian = client.get(record.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Copy citation" not in russian and '<html lang="ru">' in russian
    assert "Copy citation" in _html(client, record)
    # Highlighting follows each query, and a later visit without words has none.
    stalin, shanghai = _html(client, record, q="Stalin"), _html(client, record, q="Shanghai")
    assert re.search(r"<mark[^>]*>Stalin", stalin) and not re.search(r"<mark[^>]*>Stalin", shanghai)
    assert re.search(r"<mark[^>]*>Shanghai", shanghai) and not re.search(r"<mark[^>]*>Shanghai", stalin)
    assert 'value="Shanghai"' in shanghai and 'value="Stalin"' not in shanghai
    assert MARK not in _html(client, record) and 'value="Shanghai"' not in _html(client, record)


@pytest.mark.django_db
def test_an_incremental_index_update_refreshes_the_cached_page(client, indexed):
    record = indexed.frus[1]
    text = record.contents.first().text
    before = _html(client, record)
    twin = Record.objects.create(public_id="twin-2", title="A telegram much like another", date_edtf="1950-05-05")
    Content.objects.create(record=twin, kind=Content.Kind.TRANSCRIPT, language="en", text=text * 3)
    assert 'href="/document/twin-2/"' not in before
    writer.drain()
    assert 'href="/document/twin-2/"' in _html(client, record)
    twin.access_level = AccessLevel.STAFF
    twin.save()  # before the index writer runs: the catalogue says it is hidden now
    assert 'href="/document/twin-2/"' not in _html(client, record)


@pytest.mark.django_db
def test_the_collection_path_and_its_repository_come_with_the_record_and_follow_renames(client, indexed):
    record = indexed.frus[0]
    chapter = indexed.collections["chapter"]
    volume = chapter.parent
    response, queries = _get(client, record.get_absolute_url())
    html = response.content.decode()
    facts = html.split('<dl class="facts">')[1].split("</dl>")[0]
    assert re.search(f">{re.escape(volume.title)}</a> › <a [^>]+>{re.escape(chapter.title)}</a>", facts)
    assert "Office of the Historian" in html  # the volume's repository, in the citation
    assert not [q for q in queries if '"catalog_collection"' in q and "catalog_record" not in q]  # no walk up
    volume.title = "FRUS 1944, volume IV (renamed)"
    volume.save()
    volume.repository.name = "Office of the Historian (renamed)"
    volume.repository.save()
    html = _html(client, record)
    assert "FRUS 1944, volume IV (renamed)" in html and "Office of the Historian (renamed)" in html
