"""Response rules that hold on every route, whatever the view: HEAD has no body, what a signed-in
reader is served is never stored by a shared cache nor readable by other sites, a page in one
interface language is never served from a cache to a reader of another, and no NUL character reaches
the database."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, JsonResponse, QueryDict
from django.utils.cache import cc_delim_re, patch_vary_headers


class HeadWithoutBody:
    """Answer HEAD with the GET's headers and no body.

    Django leaves this to the WSGI server, and waitress sends a HEAD response's body (a file wrapper's
    whole file, even): the client, expecting none, then reads those bytes as the next response on the
    kept-alive connection. Placed first in MIDDLEWARE, so it sees every response, static files included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            # The file a FileResponse opened stays registered for closing when the server closes the
            # response; replacing the content also stops Django handing it to wsgi.file_wrapper.
            response.streaming_content = []
            if not response.has_header("Content-Length"):
                # Without a length waitress would frame the empty body as chunked and send its final chunk.
                response["Content-Length"] = "0"
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class PrivateWhenSignedIn:
    """Responses to a signed-in reader may hold what the public must not see (staff see restricted
    records), so no cache may keep them and no other origin may read them. Public responses keep their
    own headers: public IIIF images stay cacheable and readable cross-origin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # absent when a middleware before auth answered (static files)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            for header in ("Access-Control-Allow-Origin", "Expires"):
                if response.has_header(header):
                    del response[header]
        return response


class VaryOnLanguage:
    """Pages and their JSON twins are in the reader's interface language, chosen by the picker's cookie or
    else by Accept-Language: a shared cache must key them on both, or it would serve one reader's Russian
    to another's English. Placed before LocaleMiddleware, so it sees the Vary that one adds. Images,
    scans and other files say the same in every language, so they keep their cacheability."""

    LANGUAGE_TYPES = ("text/html", "application/json")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith(self.LANGUAGE_TYPES):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        else:
            vary = [v for v in cc_delim_re.split(response.get("Vary", "")) if v and v.lower() != "accept-language"]
            if vary:
                response["Vary"] = ", ".join(vary)
            elif response.has_header("Vary"):
                del response["Vary"]
            if response.has_header("Content-Language"):
                del response["Content-Language"]
        return response


def takes_nul_characters(view: Callable) -> Callable:
    """Mark a view that refuses NUL characters in its own words (OAI-PMH answers badArgument)."""
    view.takes_nul_characters = True
    return view


def answers_json(view: Callable) -> Callable:
    """Mark a view whose refusals are JSON (the API's), whatever its address ends in."""
    view.answers_json = True
    return view


class RefuseNulCharacters:
    """No NUL character reaches a view's database queries: PostgreSQL's text cannot hold one (SQLite's
    can), so an identifier or parameter carrying one failed there as a server error.

    An address holding one is refused as 400 (it names nothing). In query parameters a NUL is dropped, as
    the search language already treats it as a gap: a search, a facet or a `next` stays answerable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> HttpResponseBase | None:
        if getattr(view, "takes_nul_characters", False):
            return None
        if "\x00" in request.path:
            message = "Bad request: the address holds a NUL character."
            if request.path.endswith(".json") or getattr(view, "answers_json", False):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            request.GET = _without_nul(request.GET)
        return None


def _without_nul(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned
