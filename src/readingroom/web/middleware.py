"""Response rules that hold on every route, whatever the view: HEAD has no body, and what a signed-in
reader is served is never stored by a shared cache nor readable by other sites."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


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
