"""catalog/addresses.py is the one place addresses are made: every address it makes for a public record (and
its collection, authorities, theme, scans, citations, sitemap) is answered by the view its name says, with
no redirect; and the addresses the sitemap, the citations, OAI-PMH and the IIIF manifest hand out are its
(IIIF's on the host the request came in on, which is the site's here)."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import resolve
from lxml import etree

from readingroom import search
from readingroom.catalog import addresses
from readingroom.catalog.models import AccessLevel
from readingroom.standards import citations
from readingroom.standards.oai import dublin_core

from . import theme_fixtures
from .test_document_reading import sitemap_urls

BASE = "http://testserver"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def answered(client, address: str, name: str) -> bytes:
    """The body of the address, which must be the URL named `name`, answered 200 without a redirect."""
    path = urlsplit(address).path
    assert resolve(path).url_name == name, address
    response = client.get(address.removeprefix(BASE))
    assert response.status_code == 200, (address, response.status_code, response.get("Location"))
    return _body(response)


def both(make, *args) -> list[str]:
    """The path and the absolute address a function makes, checking the one is the other on the site's URL."""
    path, full = make(*args), make(*args, absolute=True)
    assert full == BASE + path
    return [path, full]


@pytest.fixture
def themes(archive) -> theme_fixtures.Themes:
    return theme_fixtures.build(archive)


@pytest.mark.parametrize("which", ["seed", "frus"])  # a plain id and one with a slash (frus1944v04/d6)
def test_every_address_of_a_public_record_answers_without_redirect(client, archive, themes, which):
    search.rebuild()  # the search page and its twin answer from the real index
    record = archive.seed if which == "seed" else archive.frus[0]
    rid = record.public_id
    for address in both(addresses.record, rid):
        assert f"<title>{record.title}".encode() in answered(client, address, "document")
    for address in both(lambda i, **kw: addresses.record(i, json=True, **kw), rid):
        assert b'"id": "' + rid.encode() in answered(client, address, "document-json")
    collection = record.collection.identifier
    answered(client, addresses.collection(collection), "collection")
    answered(client, addresses.collection(collection, json=True, absolute=True), "collection-json")
    for link in record.authority_links.select_related("authority"):
        kind, identifier = link.authority.kind, link.authority.identifier
        answered(client, addresses.authority(kind, identifier, absolute=True), "authority")
        answered(client, addresses.authority(kind, identifier, json=True), "authority-json")
    for fmt in citations.FORMATS:
        assert rid.encode() in answered(client, addresses.cite(rid, fmt), "cite")
    for address in both(addresses.related, rid, "mentioned_in"):
        answered(client, address, "document-related")
    for address in both(lambda *a, **kw: addresses.related(*a, json=True, **kw), rid, "replied_to_by"):
        assert b'"relation": "replied_to_by"' in answered(client, address, "document-related-json")
    answered(client, addresses.theme(themes.theme.slug), "theme")
    answered(client, addresses.theme(themes.theme.slug, json=True, absolute=True), "theme-json")
    query = urlencode({"q": "Stalin"})
    answered(client, addresses.search(query, absolute=True), "search")
    assert answered(client, addresses.search(query, json=True), "search-json").startswith(b"{")
    for name in ("home", "browse", "browse-collections", "browse-dates", "themes", "map", "advanced-search"):
        answered(client, addresses.url(name), name)
        answered(client, addresses.url(name, json=True, absolute=True), f"{name}-json")
    answered(client, addresses.url("browse-authorities", "people"), "browse-authorities")
    answered(client, addresses.sitemap(absolute=True), "sitemap")
    answered(client, addresses.oai(absolute=True) + "?verb=Identify", "oai")


def test_image_addresses_answer_and_the_service_leads_to_its_info(client, archive):
    page = archive.page.pk
    answered(client, addresses.iiif_manifest(archive.seed.public_id, absolute=True), "iiif-manifest")
    answered(client, addresses.iiif_info(page), "iiif-info")
    assert answered(client, addresses.iiif_image(page, "!300,300", absolute=True), "iiif-image")
    # The IIIF Image API asks the service's base address to redirect to its info.json.
    service = client.get(addresses.iiif_service(page))
    assert (service.status_code, service["Location"]) == (302, addresses.iiif_info(page))


def test_the_sitemap_lists_the_helpers_addresses_and_each_answers(client, archive, themes):
    locs = sitemap_urls(client)
    public = [r for r in [archive.seed, *archive.frus] if r.is_public()]
    assert {addresses.record(r.public_id, absolute=True) for r in public} <= set(locs)
    assert addresses.theme(themes.theme.slug, absolute=True) in locs
    assert addresses.collection(archive.seed.collection.identifier, absolute=True) in locs
    assert addresses.authority("place", "place-shandong", absolute=True) in locs
    for loc in locs:
        answered(client, loc, resolve(urlsplit(loc).path).url_name)
    index = _body(client.get(addresses.sitemap()))
    parts = re.findall(rb"<loc>(.*?)</loc>", index)
    assert parts and all(re.fullmatch(rb"http://testserver/sitemap-[a-z]+-\d+\.xml", p) for p in parts)
    assert addresses.sitemap_part("pages", 0, absolute=True).encode() in parts
    robots = client.get(addresses.url("robots")).content.decode()
    assert f"Sitemap: {addresses.sitemap(absolute=True)}\n" in robots


def test_citations_and_oai_name_the_records_page_which_answers_without_redirect(client, archive):
    record = archive.seed
    page = addresses.record(record.public_id, absolute=True)
    assert page == "http://testserver/document/209771/"
    assert citations.csl_item(record)["URL"] == page
    assert citations.chicago(record).endswith(" " + page)
    assert f"url = {{{page}}}" in citations.bibtex(record)
    assert f"UR  - {page}\r\n" in citations.ris(record)
    assert ("citation_public_url", page) in citations.highwire_tags(record)
    assert ("identifier", page) in dublin_core.fields(record)
    assert ("relation", addresses.collection(record.collection.identifier, absolute=True)) in dublin_core.fields(record)
    answered(client, page, "document")
    html = client.get(addresses.record(record.public_id)).content.decode()
    assert f'<link rel="canonical" href="{page}">' in html
    identify = etree.fromstring(client.get(addresses.oai() + "?verb=Identify").content)
    assert identify.findtext(".//{*}baseURL") == addresses.oai(absolute=True)


def test_the_manifest_ids_are_the_helpers_and_each_answers(client, archive):
    record = archive.seed
    data = client.get(addresses.iiif_manifest(record.public_id)).json()
    assert data["id"] == addresses.iiif_manifest(record.public_id, absolute=True)
    assert data["homepage"][0]["id"] == addresses.record(record.public_id, absolute=True)
    assert data["seeAlso"][0]["id"] == addresses.record(record.public_id, json=True, absolute=True)
    body = data["items"][0]["items"][0]["items"][0]["body"]
    assert body["id"] == addresses.iiif_image(archive.page.pk, absolute=True)
    assert body["service"][0]["id"] == addresses.iiif_service(archive.page.pk, absolute=True)
    assert data["thumbnail"][0]["id"] == addresses.iiif_image(archive.page.pk, "!300,300", absolute=True)
    for address, name in ((data["homepage"][0]["id"], "document"), (data["seeAlso"][0]["id"], "document-json"),
                          (body["id"], "iiif-image"), (data["thumbnail"][0]["id"], "iiif-image"),
                          (body["service"][0]["id"] + "/info.json", "iiif-info")):
        answered(client, address, name)


def test_a_new_site_address_is_used_everywhere_at_once(client, archive, settings):
    """Day two: the site moves to a new address. The kept sitemap files are not served again; citations and
    OAI-PMH name the new one. IIIF ids stay on the host the request came in on (web/views/iiif.py)."""
    old = sitemap_urls(client)
    assert addresses.record(archive.seed.public_id, absolute=True) in old
    settings.READINGROOM_BASE_URL = "https://archive.example.org"
    moved = "https://archive.example.org/document/209771/"
    locs = sitemap_urls_on(client, "https://archive.example.org")
    assert moved in locs and not any(loc.startswith(BASE) for loc in locs)
    assert citations.csl_item(archive.seed)["URL"] == moved
    assert ("identifier", moved) in dublin_core.fields(archive.seed)
    manifest = client.get(addresses.iiif_manifest(archive.seed.public_id)).json()
    assert manifest["homepage"][0]["id"] == "http://testserver/document/209771/"


def test_a_restricted_record_gets_no_address_that_answers(client, archive):
    """Day two: restricted after it was listed, the record's addresses are all 404s and the sitemap drops it."""
    record = archive.seed
    assert addresses.record(record.public_id, absolute=True) in sitemap_urls(client)
    record.access_level = AccessLevel.STAFF
    record.save()
    for address in (addresses.record(record.public_id), addresses.record(record.public_id, json=True),
                    addresses.cite(record.public_id, "bib"), addresses.iiif_manifest(record.public_id),
                    addresses.related(record.public_id, "mentioned_in"),
                    addresses.related(record.public_id, "mentioned_in", json=True),
                    addresses.iiif_info(archive.page.pk)):
        assert client.get(address).status_code == 404, address
    assert addresses.record(record.public_id, absolute=True) not in sitemap_urls(client)


def sitemap_urls_on(client, base: str) -> list[str]:
    """Every URL of every part the sitemap index lists, the index's parts being on `base`."""
    index = _body(client.get(addresses.sitemap())).decode()
    locs = []
    for url in re.findall(r"<loc>(.*?)</loc>", index):
        assert url.startswith(base + "/"), url
        locs += re.findall(r"<loc>(.*?)</loc>", _body(client.get(url.removeprefix(base))).decode())
    return locs
