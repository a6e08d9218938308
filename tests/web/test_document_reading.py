"""The document page: neighbours in the collection, highlights and hit boxes, downloads, sitemap."""

from __future__ import annotations

import re

import pytest

from readingroom.catalog.models import Record
from readingroom.search import words_to_mark
from readingroom.web.highlight import highlight_html, hit_boxes


def test_previous_and_next_skip_restricted_records(client, archive):
    # restricted-1 sits at position 3 in the same series: d3 -> d4 must not pass through it.
    d3 = client.get("/document/frus1944v04/d3.json").json()
    assert (d3["previous"], d3["next"]) == ("frus1944v04/d2", "frus1944v04/d4")
    first = client.get("/document/frus1944v04/d1.json").json()
    last = client.get("/document/frus1944v04/d6.json").json()
    assert first["previous"] is None and last["next"] is None
    html = client.get("/document/frus1944v04/d3/").content.decode()
    assert 'rel="prev" href="/document/frus1944v04/d2/"' in html and 'rel="next" href="/document/frus1944v04/d4/"' in html
    # The seed is alone among the public records of its collection (the embargoed one is hidden).
    seed = client.get("/document/209771.json").json()
    assert seed["previous"] is None and seed["next"] is None


def test_staff_walk_through_restricted_neighbours(client, archive, django_user_model):
    client.force_login(django_user_model.objects.create_user("s", password="x", is_staff=True))
    d3 = client.get("/document/frus1944v04/d3.json").json()
    assert d3["next"] == "restricted-1"
    html = client.get("/document/restricted-1/").content.decode()
    assert "Not public: Staff only" in html
    assert "Not public" not in client.get("/document/frus1944v04/d3/").content.decode()


def test_restricted_documents_are_404(client, archive):
    for url in ("/document/restricted-1/", "/document/restricted-1.json", "/document/embargoed-1/",
                "/document/restricted-1/searchable.pdf"):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_highlight_terms():
    assert words_to_mark('"Stalin" AND Shantung OR a the') == ["stalin", "shantung"]
    html = highlight_html('<p title="Stalin">Stalin\'s view; stalinism; STALIN.</p>', ["stalin"])
    assert html == ('<p title="Stalin"><mark class="hit">Stalin\'s</mark> view; stalinism; '
                    '<mark class="hit">STALIN</mark>.</p>')
    assert highlight_html("<p>Smith &amp; Co&#39;s amp 39</p>", ["amp", "39"]) == (
        '<p>Smith &amp; Co&#39;s <mark class="hit">amp</mark> <mark class="hit">39</mark></p>')
    words = [[10, 20, 30, 8, 90, "Stalin,"], [50, 20, 30, 8, 90, "Stalinism"], [90, 20, 30, 8, 90, "Stalin's"]]
    assert hit_boxes(words, ["stalin"]) == [[10, 20, 30, 8], [90, 20, 30, 8]]


def test_arriving_from_a_search(client, archive):
    html = client.get("/document/209771/?q=Shantung+Manchuria").content.decode()
    assert html.count('<mark class="hit">Shantung</mark>') == 2  # once in the OCR page text, once in the transcript
    assert "2 found on the scan" in html
    data = re.search(r'<script id="viewer-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    import json

    boxes = json.loads(data)["pages"][0]["hits"]
    drawn = {w[5].strip(".,"): w[:4] for w in archive.page.words}
    assert boxes == [drawn["Shantung"], drawn["Manchuria"]]
    # ?hl= works the same; a query with markup is escaped, not injected.
    assert '<mark class="hit">Shantung</mark>' in client.get("/document/209771/?hl=shantung").content.decode()
    absent = client.get("/document/209771/?q=Churchill").content.decode()
    assert "do not appear in this record" in absent and "Clear highlighting" not in absent
    nasty = client.get('/document/209771/?q=<script>alert(1)</script>').content.decode()
    assert "<script>alert(1)</script>" not in nasty


def test_downloads(client, archive):
    html = client.get("/document/209771/").content.decode()
    assert f'href="/scan/{archive.page.pk}/original"' in html
    original = client.get(f"/scan/{archive.page.pk}/original")
    assert original.status_code == 200
    assert original["Content-Disposition"] == 'attachment; filename="harriman-171-0001.png"'
    assert b"".join(original.streaming_content) == archive.page.image.open("rb").read()
    # No searchable PDF in this catalogue: no link, and a 404 for the URL.
    assert "searchable.pdf" not in html
    assert client.get("/document/209771/searchable.pdf").status_code == 404


def test_sitemap_lists_public_records_only(client, archive, django_user_model):
    # Even for a logged-in staff member the sitemap is the public one.
    client.force_login(django_user_model.objects.create_user("s", password="x", is_staff=True))
    index = client.get("/sitemap.xml")
    assert index["Content-Type"] == "application/xml; charset=utf-8"
    xml = b"".join(index.streaming_content).decode()
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    locs = sitemap_urls(client)
    assert "http://testserver/document/209771/" in locs and "http://testserver/document/frus1944v04/d6/" in locs
    assert not [loc for loc in locs if "restricted" in loc or "embargoed" in loc or "only-in-restricted" in loc]
    assert "http://testserver/person/person-stalin-joseph/" in locs
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_page_structure_follows_the_seed(client, archive):
    html = client.get("/document/209771/").content.decode()
    order = ["record-date", 'id="record-title"', 'id="citation-h"', 'id="summary-h"', 'id="lang-h"',
             'id="contents-h"', 'id="auth-h"']
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_highlights_from_the_search_page_the_reader_came_from(client, archive):
    came_from_search = client.get("/document/209771/", HTTP_REFERER="http://testserver/search/?q=Shantung&page=2")
    assert '<mark class="hit">Shantung</mark>' in came_from_search.content.decode()
    elsewhere = client.get("/document/209771/", HTTP_REFERER="http://elsewhere.example/search/?q=Shantung")
    assert '<mark class="hit">' not in elsewhere.content.decode()


def test_json_twin_links(client, archive):
    data = client.get("/document/209771.json").json()
    assert data["links"]["iiif_manifest"] == "/iiif/209771/manifest.json"
    assert data["links"]["cite"]["bib"] == "/document/209771/cite.bib"
    assert client.get("/document/frus1944v04/d1.json").json()["links"]["iiif_manifest"] is None
    html = client.get("/document/209771/").content.decode()
    assert 'href="https://digitalarchive.wilsoncenter.org/document/209771" rel="nofollow"' in html


def test_searchable_pdf_made_by_ocr_is_offered(client, archive):
    archival = pytest.importorskip("readingroom.ocr.archival", reason="OCR (issue 5) is not merged on this branch")
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    content = archive.page.content
    buffer = io.BytesIO()
    Image.new("L", (100, 130), 255).save(buffer, "PDF")
    default_storage.save(archival.archival_name(content, [archive.page]), ContentFile(buffer.getvalue()))
    html = client.get("/document/209771/").content.decode()
    assert 'href="/document/209771/searchable.pdf"' in html
    response = client.get("/document/209771/searchable.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # The restricted record's PDF is never served.
    restricted = archive.restricted_page.content
    default_storage.save(archival.archival_name(restricted, [archive.restricted_page]), ContentFile(buffer.getvalue()))
    assert client.get("/document/restricted-1/searchable.pdf").status_code == 404


def sitemap_urls(client) -> list[str]:
    """Every URL of every part the sitemap index lists."""
    index = b"".join(client.get("/sitemap.xml").streaming_content).decode()
    locs = []
    for url in re.findall(r"<loc>(.*?)</loc>", index):
        part = client.get(url.replace("http://testserver", ""))
        assert part.status_code == 200, url
        text = b"".join(part.streaming_content).decode()
        assert text.count("<url>") <= 10_000 and "<urlset" in text
        locs += re.findall(r"<loc>(.*?)</loc>", text)
    return locs


def test_sitemap_parts_by_primary_key_ranges(client, archive, monkeypatch):
    from readingroom.web import sitemaps

    monkeypatch.setattr(sitemaps, "PART_SIZE", 3)
    index = b"".join(client.get("/sitemap.xml").streaming_content).decode()
    parts = re.findall(r"<loc>(.*?)</loc>", index)
    assert parts[0] == "http://testserver/sitemap-pages-0.xml"
    assert len([p for p in parts if "-records-" in p]) >= 3
    assert re.search(r"<sitemap><loc>http://testserver/sitemap-records-\d+\.xml</loc><lastmod>\d{4}-\d\d-\d\d</lastmod>",
                     index)
    locs = sitemap_urls(client)
    assert len(locs) == len(set(locs)) == 1 + 7 + 3 + 5  # home, public records, collections, authorities
    assert "http://testserver/collection/frus1944v04/" in locs  # a volume whose records sit in a chapter
    assert not [loc for loc in locs if "restricted" in loc or "embargoed" in loc]
    # a part a record falls in holds exactly the public records of its primary key range
    seed_part = archive.seed.pk // 3
    text = b"".join(client.get(f"/sitemap-records-{seed_part}.xml").streaming_content).decode()
    expected = {f"http://testserver/document/{r.public_id}/" for r in Record.objects.public()
                if r.pk // 3 == seed_part}
    assert set(re.findall(r"<loc>(.*?)</loc>", text)) == expected
    for missing in ("/sitemap-records-999999.xml", "/sitemap-nothing-0.xml", "/sitemap-pages-1.xml"):
        assert client.get(missing).status_code == 404, missing


def test_highlights_include_the_name_variants_search_matched(client, archive):
    """Search finds "Shandong" in a record that says "Shantung" (the gazetteer); the page marks Shantung."""
    from readingroom.catalog.models import Authority, NameVariant
    from readingroom.search import variants

    place = Authority.objects.create(kind="place", identifier="place-shandong-test", preferred_name="Shandong")
    NameVariant.objects.create(authority=place, name="Shantung", note="postal romanization")
    variants.forget()
    html = client.get("/document/209771/?q=Shandong").content.decode()
    assert html.count('<mark class="hit">Shantung</mark>') == 2
    assert "1 found on the scan" in html
    assert "do not appear in this record" not in html
