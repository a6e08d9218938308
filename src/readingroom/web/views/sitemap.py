"""sitemap.xml (public records, collections and authorities with public records only) and robots.txt.

Built from `Record.objects.public()`, never from the reader's session: a logged-in staff member
fetching the sitemap must not publish restricted ids.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.utils.xmlutils import SimplerXMLGenerator

from readingroom.catalog.models import Authority, Collection, Record, RecordAuthority
from readingroom.web.views.browse import collection_tree

# The sitemap protocol allows 50,000 URLs per file; beyond that a sitemap index with ?part=N pages.
PART_SIZE = 45_000


def public_collections() -> list[Collection]:
    """Collections holding public records, directly or in a series below them."""
    found: list[Collection] = []
    stack = collection_tree(Record.objects.public())
    while stack:
        node = stack.pop()
        if node.total:
            found.append(node.collection)
            stack.extend(node.children)
    return sorted(found, key=lambda c: c.pk)


def _urls(base: str):
    public = Record.objects.public()
    yield f"{base}/", None
    for public_id, updated in public.order_by("pk").values_list("public_id", "updated").iterator(chunk_size=2000):
        yield f"{base}/document/{public_id}/", updated
    for collection in public_collections():
        yield f"{base}{collection.get_absolute_url()}", None
    linked = RecordAuthority.objects.filter(authority=OuterRef("pk"), record__in=public)
    for authority in Authority.objects.filter(Exists(linked)).only("kind", "identifier"):
        yield f"{base}{authority.get_absolute_url()}", None


def _url_count() -> int:
    public = Record.objects.public()
    linked = RecordAuthority.objects.filter(authority=OuterRef("pk"), record__in=public)
    return (1 + public.count()
            + len(public_collections())
            + Authority.objects.filter(Exists(linked)).count())


def sitemap(request: HttpRequest) -> HttpResponse:
    """One urlset, or past PART_SIZE URLs a sitemap index whose parts are ?part=0, ?part=1..."""
    base = settings.READINGROOM_BASE_URL
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    xml = SimplerXMLGenerator(response, "utf-8")
    xml.startDocument()
    part_text = request.GET.get("part")
    if part_text is None:
        total = _url_count()
        if total > PART_SIZE:
            xml.startElement("sitemapindex", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"})
            for part in range((total + PART_SIZE - 1) // PART_SIZE):
                xml.startElement("sitemap", {})
                xml.addQuickElement("loc", f"{base}/sitemap.xml?part={part}")
                xml.endElement("sitemap")
            xml.endElement("sitemapindex")
            xml.endDocument()
            return response
    part = int(part_text) if part_text and part_text.isdigit() else 0
    xml.startElement("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    for n, (loc, updated) in enumerate(_urls(base)):
        if n < part * PART_SIZE:
            continue
        if n >= (part + 1) * PART_SIZE:
            break
        xml.startElement("url", {})
        xml.addQuickElement("loc", loc)
        if updated is not None:
            xml.addQuickElement("lastmod", updated.date().isoformat())
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return response


def robots(request: HttpRequest) -> HttpResponse:
    base = settings.READINGROOM_BASE_URL
    text = f"User-agent: *\nDisallow: /admin/\nDisallow: /iiif/image/\nSitemap: {base}/sitemap.xml\n"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
