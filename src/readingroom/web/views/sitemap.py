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

# The sitemap protocol allows 50,000 URLs per file; beyond that a sitemap index with ?part=N pages.
PART_SIZE = 45_000


def _urls(base: str):
    public = Record.objects.public()
    yield f"{base}/", None
    for public_id, updated in public.order_by("pk").values_list("public_id", "updated").iterator(chunk_size=2000):
        yield f"{base}/document/{public_id}/", updated
    for collection in Collection.objects.filter(Exists(public.filter(collection=OuterRef("pk")))).only("identifier"):
        yield f"{base}{collection.get_absolute_url()}", None
    linked = RecordAuthority.objects.filter(authority=OuterRef("pk"), record__in=public)
    for authority in Authority.objects.filter(Exists(linked)).only("kind", "identifier"):
        yield f"{base}{authority.get_absolute_url()}", None


def sitemap(request: HttpRequest) -> HttpResponse:
    base = settings.READINGROOM_BASE_URL
    try:
        part = max(0, int(request.GET.get("part", "0")))
    except ValueError:
        part = 0
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    xml = SimplerXMLGenerator(response, "utf-8")
    xml.startDocument()
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
