from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return HttpResponse(render_to_string("readingroom/404.html", {"path": request.path}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the failure may be in one of them.
    return HttpResponse(render_to_string("readingroom/500.html"), status=500)
