"""sitemap.xml (an index of parts: public records, collections and authorities with public records; see
web/sitemaps.py) and robots.txt."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from readingroom.web import sitemaps

XML = "application/xml; charset=utf-8"


def sitemap(request: HttpRequest) -> HttpResponse:
    return FileResponse(sitemaps.cached_file().open("rb"), content_type=XML)


def sitemap_part(request: HttpRequest, section: str, number: str) -> HttpResponse:
    path = sitemaps.cached_file(section, int(number))
    if path is None:
        raise Http404("No such sitemap part")
    return FileResponse(path.open("rb"), content_type=XML)


def robots(request: HttpRequest) -> HttpResponse:
    base = settings.READINGROOM_BASE_URL
    text = f"User-agent: *\nDisallow: /admin/\nDisallow: /iiif/image/\nSitemap: {base}/sitemap.xml\n"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
