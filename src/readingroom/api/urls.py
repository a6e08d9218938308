"""/api/: the NinjaAPI's routes, then a JSON 404 for every other address below /api/, so an API client
never gets the site's HTML error page (its description promises JSON)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from readingroom.web.middleware import answers_json

from .site import api


@answers_json
@csrf_exempt  # a write to an unknown address is a 404, not a CSRF page: the API uses no cookies
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": "Not Found"}, status=404)


def _json_refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """HEAD answered as GET (the server sends no body), and a method the address does not take refused in
    JSON with its Allow header, rather than django-ninja's plain-text 405."""

    @answers_json
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The view sees GET; the method is put back so the handler drops the body (a HEAD answer has none).
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            refusal = JsonResponse({"detail": f"Method {request.method} not allowed here"}, status=405)
            refusal["Allow"] = response.get("Allow", "")
            return refusal
        return response

    return wrapped


def _with_json_refusals(urls: tuple[list, str, str]) -> tuple[list, str, str]:
    for pattern in urls[0]:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_refusals(pattern.callback)
    return urls


urlpatterns = [
    path("", _with_json_refusals(api.urls)),
    re_path(r"^(?P<rest>(?s:.*))$", not_found),  # (?s): a newline in the address too
]
