"""Themes as readers and staff meet them: the list and a theme's page with their JSON twins, restricted
records and drafts kept from the public, and what happens after the records change (day two)."""

from __future__ import annotations

import json
import re

import pytest

from readingroom.catalog.models import AccessLevel, Record
from readingroom.catalog.themes import Theme, ThemeEntry
from tests.web import theme_fixtures
from tests.web.test_document_reading import sitemap_urls
from tests.web.test_interface_languages import left_in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(archive) -> theme_fixtures.Themes:
    return theme_fixtures.build(archive)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_list_shows_published_themes_with_their_public_count(client, archive, themes):
    html = client.get("/themes/").content.decode()
    assert "Stalin in the telegrams of 1944" in html
    assert "What Stalin told the Ambassador, and what followed." in _text(html)  # the overview's first words, as text
    assert "3 records" in html  # the seed and two FRUS telegrams; not the restricted or embargoed one
    assert f'src="/iiif/image/{archive.page.pk}/full/!600,400/0/default.jpg"' in html
    assert "A theme still being written" not in html and "draft-theme" not in html
    data = client.get("/themes.json").json()
    assert [(t["slug"], t["records"]) for t in data["themes"]] == [("stalin-1944", 3)]
    assert data["themes"][0]["cover"]["page"] == archive.page.pk


def test_a_theme_page_has_its_sections_records_timeline_and_places(client, archive, themes):
    response = client.get("/themes/stalin-1944/")
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    # Sections in order, each with its visible records in order, their dates, types, links and notes.
    assert text.index("Conversations in Moscow") < text.index(archive.seed.title) < text.index("Telegrams that followed")
    assert text.index(archive.frus[1].title) < text.index(archive.frus[0].title)
    assert '<div class="theme-intro" translate="no"><p>Reported by <em>Harriman</em>.</p>' in html
    assert "The <em>first</em> report of the conversation." in html
    assert f'href="{archive.seed.get_absolute_url()}"' in html and "February 2, 1944" in text and "telegram" in text
    assert '<strong>Stalin</strong>' in html and '<a href="/document/209771/">the telegram</a>' in html
    assert f'src="/iiif/image/{archive.page.pk}/full/!600,400/0/default.jpg"' in html
    assert 'alt="The first page of the telegram of February 2, 1944"' in html
    assert client.get(f"/iiif/image/{archive.page.pk}/full/!600,400/0/default.jpg").status_code == 200
    # The timeline: one stop per date, in date order (the seed and frus[1] share February 2, 1944).
    timeline = html[html.index('class="theme-timeline"'):html.index('class="theme-places"')]
    stops = re.findall(r'<span class="when">([^<]+)</span>', timeline)
    assert stops == ["January 1, 1944", "February 2, 1944"]
    assert timeline.count("<li><a href") == 3
    # The places of its public records, linked to the place pages.
    places = html[html.index('class="theme-places"'):]
    assert '<a href="/place/place-manchuria/" translate="no">Manchuria</a>' in places
    assert '<a href="/place/place-shandong/" translate="no">Shandong</a>' in places
    # Nothing of the restricted or embargoed record, nor of the place only the restricted one names.
    for hidden in (archive.restricted.title, archive.embargoed.title, "Staff only.", theme_fixtures.SECRET_PLACE,
                   "restricted-1", "embargoed-1"):
        assert hidden not in html


def test_the_json_twin_says_what_the_page_says(client, archive, themes):
    data = client.get("/themes/stalin-1944.json").json()
    assert data["title"] == "Stalin in the telegrams of 1944" and data["count"] == 3
    assert [(s["title"], [r["id"] for r in s["records"]]) for s in data["sections"]] == [
        ("Conversations in Moscow", ["209771"]),
        ("Telegrams that followed", [archive.frus[1].public_id, archive.frus[0].public_id])]
    first = data["sections"][0]["records"][0]
    assert first["note_html"] == "<p>The <em>first</em> report of the conversation.</p>\n"
    assert first["document_type"] == "telegram" and first["url"] == "/document/209771/"
    assert "access_level" not in first
    assert [s["date"] for s in data["timeline"]] == ["1944-01-01", "1944-02-02"]
    assert {p["id"]: p["records"] for p in data["places"]} == {"place-manchuria": 1, "place-shandong": 1}
    assert "restricted-1" not in str(data) and "embargoed-1" not in str(data) and theme_fixtures.SECRET_PLACE not in str(data)


def test_restricting_a_record_after_it_was_put_in_a_theme_hides_it_everywhere(client, editor, archive, themes):
    seed = archive.seed
    seed.access_level = AccessLevel.STAFF
    seed.save()
    html = client.get("/themes/stalin-1944/").content.decode()
    assert seed.title not in html and "The first report" not in html
    assert "Shandong" not in html and "Manchuria" not in html  # its places went with it
    assert "February 2, 1944" in html  # frus[1] is still on that day
    assert "2 records" in client.get("/themes/").content.decode()
    data = client.get("/themes/stalin-1944.json").json()
    assert data["count"] == 2 and data["places"] == []
    assert "209771" not in str([data["sections"], data["timeline"]])
    assert data["cover"] is None  # the cover was a page of its scan
    assert f"/iiif/image/{archive.page.pk}/" not in html
    assert client.get("/themes.json").json()["themes"][0]["records"] == 2
    # Staff see every record, the restricted ones marked.
    staff_html = editor.get("/themes/stalin-1944/").content.decode()
    assert seed.title in staff_html and archive.restricted.title in staff_html
    assert staff_html.count('class="restricted"') == 3  # seed, restricted-1, embargoed-1
    assert "Not public: only staff see it" in staff_html
    staff_data = editor.get("/themes/stalin-1944.json").json()
    assert staff_data["count"] == 5
    assert {r["id"]: r["access_level"] for s in staff_data["sections"] for r in s["records"]}["209771"] == "staff"


def test_a_cover_from_a_restricted_record_is_not_shown_to_the_public(client, editor, archive, themes):
    Theme.objects.filter(pk=themes.theme.pk).update(cover_page=archive.restricted_page)
    url = f"/iiif/image/{archive.restricted_page.pk}/"
    assert url not in client.get("/themes/stalin-1944/").content.decode()
    assert url not in client.get("/themes/").content.decode()
    assert client.get("/themes/stalin-1944.json").json()["cover"] is None
    assert url in editor.get("/themes/stalin-1944/").content.decode()


def test_a_draft_is_missing_for_the_public_and_a_preview_for_staff(client, editor, archive, themes):
    for url in ("/themes/draft-theme/", "/themes/draft-theme.json"):
        assert client.get(url).status_code == 404
    page = editor.get("/themes/draft-theme/")
    assert page.status_code == 200 and "Draft: only staff see it" in page.content.decode()
    assert "A theme still being written" in editor.get("/themes/").content.decode()
    # Unpublishing a published theme: gone from the list, its page, its twin and the sitemap at once.
    assert "http://testserver/themes/stalin-1944/" in sitemap_urls(client)
    theme = themes.theme
    theme.published = False
    theme.save()
    assert client.get("/themes/stalin-1944/").status_code == 404
    assert client.get("/themes/stalin-1944.json").status_code == 404
    assert client.get("/themes.json").json()["themes"] == []
    locs = sitemap_urls(client)
    assert not any("/themes/" in loc for loc in locs)
    assert editor.get("/themes/stalin-1944/").status_code == 200
    # Published again, it is back in the sitemap (a staff member's session never decides what it lists).
    theme.published = True
    theme.save()
    assert "http://testserver/themes/stalin-1944/" in sitemap_urls(editor)
    assert "http://testserver/themes/draft-theme/" not in sitemap_urls(editor)


def test_day_two_a_record_renamed_then_deleted(client, archive, themes):
    seed = archive.seed
    seed.title = "Telegram re Stalin Harriman Conversation (title corrected)"
    seed.save()
    html = client.get("/themes/stalin-1944/").content.decode()
    assert "Telegram re Stalin Harriman Conversation (title corrected)" in html
    assert "Telegram re Stalin Harriman Conversation on Japanese Troops" not in html
    frus = archive.frus[1]
    Record.objects.filter(pk=frus.pk).delete()
    assert not ThemeEntry.objects.filter(record_id=frus.pk).exists()
    response = client.get("/themes/stalin-1944/")
    assert response.status_code == 200 and frus.title not in response.content.decode()
    assert client.get("/themes/stalin-1944.json").json()["count"] == 2


def test_a_deleted_cover_page_leaves_a_theme_without_cover(client, archive, themes):
    archive.page.delete()
    themes.theme.refresh_from_db()
    assert themes.theme.cover_page is None
    assert client.get("/themes/stalin-1944/").status_code == 200


def test_hostile_markdown_in_a_theme_comes_out_inert(client, archive, themes):
    theme = themes.theme
    theme.overview = ('<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)> '
                      '![tracker](https://evil.example/t.png) [data](data:text/html;base64,PHNjcmlwdD4=)')
    theme.save()
    html = client.get("/themes/stalin-1944/").content.decode()
    overview = html[html.index('class="theme-overview"'):html.index('class="count"')]
    assert "<script" not in overview and "<img" not in overview and "href=\"javascript" not in overview.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview
    assert "evil.example" not in overview and 'href="data:' not in overview
    listing = client.get("/themes/").content.decode()
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing  # the excerpt is text, escaped


@pytest.mark.parametrize("language", ["ru", "zh-hans"])
def test_theme_pages_in_every_interface_language(client, editor, archive, themes, language):
    for url in ("/themes/", "/themes/stalin-1944/"):
        assert left_in_english(client, url, language) == set(), url
    for url in ("/themes/", "/themes/draft-theme/", "/themes/stalin-1944/"):  # staff: drafts and marks
        assert left_in_english(editor, url, language) == set(), url


def test_no_themes_yet(client, archive):
    html = client.get("/themes/").content.decode()
    assert "No themes yet." in html
    assert client.get("/themes.json").json() == {"count": 0, "themes": []}
    assert client.get("/themes/no-such-theme/").status_code == 404


def _theme_map(html: str) -> list[str] | None:
    found = re.search(r'<script id="theme-map-data" type="application/json">(.*?)</script>', html, re.S)
    return None if found is None else [f["properties"]["name"] for f in json.loads(found.group(1))["features"]]


def test_the_theme_map_marks_the_places_of_visible_records_only(client, editor, archive, themes):
    assert _theme_map(client.get("/themes/stalin-1944/").content.decode()) is None  # no place has coordinates
    theme_fixtures.locate_places()
    public = _theme_map(client.get("/themes/stalin-1944/").content.decode())
    assert "Shandong" in public and theme_fixtures.SECRET_PLACE not in public
    assert theme_fixtures.SECRET_PLACE in _theme_map(editor.get("/themes/stalin-1944/").content.decode())
    # Day two: the record naming Shandong is restricted, and its place leaves the map with it.
    Record.objects.filter(pk=archive.seed.pk).update(access_level=AccessLevel.STAFF)
    after = _theme_map(client.get("/themes/stalin-1944/").content.decode()) or []
    assert "Shandong" not in after and theme_fixtures.SECRET_PLACE not in after
