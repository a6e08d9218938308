"""IIIF endpoints: Image API 3.0 for each scanned page, Presentation 3.0 manifest for each record.

A page of a record the reader may not see is a 404, exactly like a missing page: ids are not confirmed.

Their ids are on the host the request came in on, not the site's public URL: a IIIF client takes the images
from where the ids say, and the page's own viewer may only load images from the page's origin (its Content
Security Policy), so an id on another host would leave it blank.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from readingroom.catalog import addresses
from readingroom.catalog.models import Page, visible_q
from readingroom.standards import iiif_cache, iiif_image, iiif_limits, iiif_prepare, iiif_presentation
from readingroom.web.record_data import visible_record

IMAGE_INFO_TYPE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
MANIFEST_TYPE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def _cors(response: HttpResponse) -> HttpResponse:
    # IIIF clients on other sites (Mirador, Universal Viewer) fetch these cross-origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _visible_page(request: HttpRequest, page_id: int) -> tuple[Page, Path, int, int]:
    try:
        page = Page.objects.select_related("content").get(visible_q(request.user, "content__record__"), pk=page_id)
    except Page.DoesNotExist:
        raise Http404("No such image") from None
    if not page.image:
        raise Http404("This page has no image")
    path = Path(page.image.path)
    if not path.exists():
        raise Http404("The image file is missing")
    width, height = page.width, page.height
    if not width or not height:
        width, height = iiif_image.image_size(path)
    return page, path, width, height


@require_safe
def image_base(request: HttpRequest, page_id: int) -> HttpResponse:
    _visible_page(request, page_id)
    return _cors(redirect(addresses.iiif_info(page_id), permanent=False))


@require_safe
def image_info(request: HttpRequest, page_id: int) -> HttpResponse:
    _page, _path, width, height = _visible_page(request, page_id)
    data = iiif_image.info(addresses.absolute(addresses.iiif_service(page_id), request), width, height)
    response = HttpResponse(json.dumps(data), content_type=IMAGE_INFO_TYPE
                            if "ld+json" in request.headers.get("Accept", "") else "application/json")
    response["Cache-Control"] = "public, max-age=3600"
    return _cors(response)


@require_safe
def image(request: HttpRequest, page_id: int, region: str, size: str, rotation: str, quality_format: str) -> HttpResponse:
    page, path, width, height = _visible_page(request, page_id)
    try:
        wanted = iiif_image.parse_request(region, size, rotation, quality_format, width, height)
    except iiif_image.IIIFError as exc:
        return _cors(HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8"))
    try:
        derivative = iiif_cache.for_settings().open(path, wanted, iiif_prepare.version(page, path), (width, height))
    except iiif_limits.Busy as exc:
        busy = HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        busy["Retry-After"] = str(exc.retry_after)
        return _cors(busy)
    response = FileResponse(derivative, content_type=wanted.media_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["Link"] = f'<http://iiif.io/api/image/3/{iiif_image.PROFILE}.json>;rel="profile"'
    return _cors(response)


@require_safe
def manifest(request: HttpRequest, public_id: str) -> HttpResponse:
    record = visible_record(request, public_id)
    if not iiif_presentation.record_pages(record):
        raise Http404("This record has no scanned pages")
    data = iiif_presentation.manifest(record, lambda path: addresses.absolute(path, request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = MANIFEST_TYPE if "ld+json" in request.headers.get("Accept", "") else "application/json"
    return _cors(response)
