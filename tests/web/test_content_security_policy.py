"""The Content-Security-Policy on every kind of response, and pages that need nothing it forbids: no inline
script, no inline event handler, no javascript: link, scripts only from this site. The browser's
own verdict is in tests/browser/test_content_security_policy.py."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

import readingroom.web
from readingroom.catalog.models import AccessLevel

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', 'unsafe-eval', nonce or hash
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]


class InlineCode(HTMLParser):
    """Collects whatever a policy without 'unsafe-inline' would block, or a script from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script":
            src = attributes.get("src")
            if src is not None and (not src.startswith("/") or src.startswith("//")):
                self.found.append(f"<script src={src}>")
            self._inline_script = src is None and attributes.get("type") != "application/json"

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.found.append(f"inline <script>{data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


PUBLIC_HTML = [
    "/", "/browse/", "/browse/collections/", "/browse/dates/", "/browse/dates/?year=1944", "/browse/people/",
    "/person/person-stalin-joseph/", "/place/place-shandong/", "/collection/frus1944v04-ch1/",
    "/document/209771/", "/document/209771/?q=Shantung", "/document/frus1944v04/d1/", "/search/?q=Stalin",
    "/search/", "/admin/login/", "/document/no-such-record/",
]
OTHER_KINDS = [
    "/.json", "/document/209771.json", "/search.json?q=Stalin", "/document/209771/cite.txt",
    "/document/209771/cite.bib", "/iiif/209771/manifest.json", "/sitemap.xml", "/robots.txt",
]


@pytest.mark.parametrize("url", PUBLIC_HTML)
def test_every_public_page_has_the_policy_and_nothing_it_blocks(client, indexed_archive, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert_strict(response)
    assert inline_code(response) == []


@pytest.mark.parametrize("url", OTHER_KINDS)
def test_twins_citations_and_feeds_carry_it_too(client, indexed_archive, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_strict(response)


def test_scans_and_iiif_carry_it(client, indexed_archive):
    for url in [f"/iiif/image/{indexed_archive.page.pk}/info.json", f"/iiif/image/{indexed_archive.page.pk}/full/200,/0/default.jpg",
                f"/scan/{indexed_archive.page.pk}/original"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_staff_pages_and_the_admin(client, indexed_archive, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("s", "s@example.org", "a-long-password"))
    for url in ["/admin/", "/admin/catalog/record/", f"/admin/catalog/record/{indexed_archive.seed.pk}/change/",
                "/admin/catalog/record/add/", "/document/209771/edit/", "/document/209771/history/",
                "/document/restricted-1/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        assert inline_code(response) == [], url


def test_after_a_restriction_the_not_found_page_carries_it(client, indexed_archive):
    assert client.get("/document/209771/").status_code == 200
    indexed_archive.seed.access_level = AccessLevel.STAFF
    indexed_archive.seed.save()
    response = client.get("/document/209771/")
    assert response.status_code == 404
    assert_strict(response)
    assert "Telegram re Stalin" not in response.content.decode()


def test_the_one_inline_style_allowed_is_the_vendored_openseadragons(settings):
    # If OpenSeadragon is upgraded and its rule changes, the hash in the policy must follow.
    vendored = Path(readingroom.web.__file__).parent / "static/readingroom/vendor/openseadragon/openseadragon.min.js"
    assert f'o.textContent="{settings.OPENSEADRAGON_STYLE}"' in vendored.read_text(encoding="utf-8")


def test_the_checker_finds_inline_code():
    # The parser above is what keeps the page tests from passing vacuously.
    class Page:
        content = (b'<a href="javascript:x()">a</a><button onclick="x()">b</button><script>x()</script>'
                   b'<script src="https://elsewhere.example/x.js"></script><script type="application/json">{}</script>')

    assert inline_code(Page()) == ["<a href=javascript:x()>", "<button onclick=...>", "inline <script>x()",
                                   "<script src=https://elsewhere.example/x.js>"]
