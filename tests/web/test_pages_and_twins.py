"""Every reading-room page answers, has a JSON twin, and shows what the archive holds."""

from __future__ import annotations

import re

import pytest

PAGES = [
    ("/", "/.json"),
    ("/browse/", "/browse.json"),
    ("/browse/collections/", "/browse/collections.json"),
    ("/browse/dates/", "/browse/dates.json"),
    ("/browse/dates/?year=1944", "/browse/dates.json?year=1944"),
    ("/browse/people/", "/browse/people.json"),
    ("/browse/places/", "/browse/places.json"),
    ("/browse/organizations/", "/browse/organizations.json"),
    ("/browse/subjects/", "/browse/subjects.json"),
    ("/person/person-stalin-joseph/", "/person/person-stalin-joseph.json"),
    ("/place/place-shandong/", "/place/place-shandong.json"),
    ("/collection/frus1944v04-ch1/", "/collection/frus1944v04-ch1.json"),
    ("/document/209771/", "/document/209771.json"),
    ("/document/frus1944v04/d2/", "/document/frus1944v04/d2.json"),
    ("/search/advanced/", "/search/advanced.json"),
]


@pytest.mark.parametrize(("html_url", "json_url"), PAGES)
def test_page_and_twin(client, archive, html_url, json_url):
    page = client.get(html_url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert '<main id="main" role="main"' in html and '<html lang="en">' in html
    twin = client.get(json_url)
    assert twin.status_code == 200 and twin["Content-Type"] == "application/json"
    twin.json()


def test_home_holdings(client, archive):
    data = client.get("/.json").json()
    assert data["records"] == 7  # the seed and six FRUS documents; the restricted two are not counted
    assert data["date_span"] == {"first": "1944-01-01", "last": "1944-06-06"}
    assert [lang["code"] for lang in data["languages"]] == ["en", "ru"]  # German is only on the restricted record
    assert {c["identifier"]: c["records"] for c in data["collections"]} == {"harriman-papers": 1, "frus1944v04": 6}
    html = client.get("/").content.decode()
    assert "January 1, 1944 – June 6, 1944" in html and 'role="search"' in html
    assert "Restricted memorandum" not in html and "Embargoed" not in html


def test_friendly_404(client, archive):
    response = client.get("/document/no-such-record/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode() and "home page" in response.content.decode()


def test_error_pages_link_home_under_the_address_the_site_is_served_at(client, archive, rf):
    """Served below /archive/ (as the WSGI handler sets the prefix from SCRIPT_NAME), the not-found page
    links there in every language, as does the server-error page: no link or form goes to the bare host."""
    from django.urls import set_script_prefix
    from django.utils import translation

    from readingroom.web.views.errors import server_error

    set_script_prefix("/archive/")
    try:
        for language in ("en", "ru", "zh-hans"):
            html = client.get("/document/no-such-record/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert '<a href="/archive/">' in html and 'action="/archive/search/"' in html, language
            assert not re.search(r'(href|src|action)="/(?!archive/|static/)', html), language  # static: STATIC_URL
        with translation.override("ru"):
            html = server_error(rf.get("/")).content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/archive/">главную страницу</a>' in html


def test_language_attributes_on_non_english_text(client, archive):
    html = client.get("/document/frus1944v04/d1/").content.decode()
    # Its Russian translation is read beside the English transcript: each side carries its language.
    assert '<div class="text translation plain" lang="ru" dir="ltr" translate="no">' in html
    assert '<div class="text original plain" lang="en" dir="ltr" translate="no">' in html
    html = client.get("/person/person-stalin-joseph/").content.decode()
    assert '<li lang="ru">Сталин, Иосиф Виссарионович' in html


def test_scan_images_have_alt_text(client, archive):
    html = client.get("/document/209771/").content.decode()
    assert 'alt="Page 1 of the original scan of “Telegram re Stalin Harriman Conversation on Japanese Troops”"' in html


def test_static_files_through_whitenoise(client, settings):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    for path in ("/static/readingroom/site.css", "/static/readingroom/viewer.js",
                 "/static/readingroom/vendor/openseadragon/openseadragon.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_friendly_500(rf):
    from readingroom.web.views.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode() and 'href="/"' in response.content.decode()
