"""The one place the site's addresses are made: every page, record, authority, collection, theme, IIIF,
citation and sitemap address comes from `django.urls.reverse()` here, never from a formatted string, so an
address changes in the URL configuration alone.

Each function gives the path (with the script prefix, as `reverse` does); `json=True` the page's `.json`
twin; `absolute=True` the address on the site's public URL (`settings.READINGROOM_BASE_URL`), which is what
citations, the sitemap, OAI-PMH and IIIF hand to the world whichever host a request came in on.

It imports no web code: `reverse` reads the URL configuration when called, so the catalogue and the
standards may use it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import iri_to_uri


def absolute(path: str, request: HttpRequest | None = None) -> str:
    """A path (from the functions below) on the site's public URL, or on the host and scheme `request` came in
    on: what IIIF answers with (web/views/iiif.py says why)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.READINGROOM_BASE_URL + iri_to_uri(path)


_absolute = absolute  # inside the functions below, their keyword argument `absolute` hides this function


def url(name: str, *args: object, json: bool = False, absolute: bool = False, query: str = "") -> str:
    """The address of the URL named `name` (its `<name>-json` twin with `json`), with `?query` if given."""
    path = reverse(f"{name}-json" if json else name, args=args)
    if query:
        path = f"{path}?{query}"
    return _absolute(path) if absolute else path


def record(public_id: str, *, json: bool = False, absolute: bool = False) -> str:
    return url("document", public_id, json=json, absolute=absolute)


def related(public_id: str, key: str, *, json: bool = False, absolute: bool = False) -> str:
    """The page of every record related to a record in one way (`key` as catalog.relations.RelatedGroup.key)."""
    return url("document-related", public_id, key, json=json, absolute=absolute)


def collection(identifier: str, *, json: bool = False, absolute: bool = False) -> str:
    return url("collection", identifier, json=json, absolute=absolute)


def authority(kind: str, identifier: str, *, json: bool = False, absolute: bool = False) -> str:
    return url("authority", kind, identifier, json=json, absolute=absolute)


def theme(slug: str, *, json: bool = False, absolute: bool = False) -> str:
    return url("theme", slug, json=json, absolute=absolute)


def search(query: str = "", *, json: bool = False, absolute: bool = False) -> str:
    """The search page (or its twin) for an encoded query string."""
    return url("search", json=json, absolute=absolute, query=query)


def cite(public_id: str, fmt: str, *, absolute: bool = False) -> str:
    return url("cite", public_id, fmt, absolute=absolute)


def correct(public_id: str) -> str:
    return url("correct", public_id)


def iiif_manifest(public_id: str, *, absolute: bool = False) -> str:
    return url("iiif-manifest", public_id, absolute=absolute)


def iiif_service(page_id: int, *, absolute: bool = False) -> str:
    """The IIIF Image service of a page: the id its info.json and every image request start with."""
    return url("iiif-image-base", page_id, absolute=absolute)


def iiif_info(page_id: int, *, absolute: bool = False) -> str:
    return url("iiif-info", page_id, absolute=absolute)


def iiif_image(page_id: int, size: str = "max", *, region: str = "full", rotation: str = "0",
               quality_format: str = "default.jpg", absolute: bool = False) -> str:
    return url("iiif-image", page_id, region, size, rotation, quality_format, absolute=absolute)


def sitemap(*, absolute: bool = False) -> str:
    return url("sitemap", absolute=absolute)


def sitemap_part(section: str, number: int, *, absolute: bool = False) -> str:
    return url("sitemap-part", section, number, absolute=absolute)


def oai(*, absolute: bool = False) -> str:
    return url("oai", absolute=absolute)
