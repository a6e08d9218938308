"""sitemap.xml (an index of parts: public records, collections and authorities with public records; see
web/sitemaps.py) and robots.txt."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse

from readingroom.catalog import addresses
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
    # Disallowed by prefix: the admin, and the IIIF images (each page's scan at any size and crop).
    images = addresses.iiif_service(0).removesuffix("0")
    text = (f"User-agent: *\nDisallow: {reverse('admin:index')}\nDisallow: {images}\n"
            f"Sitemap: {addresses.sitemap(absolute=True)}\n")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
