"""/api/: the NinjaAPI's routes, then a JSON 404 for every other address below /api/, so an API client
never gets the site's HTML error page (its description promises JSON)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from .site import api


@csrf_exempt  # a write to an unknown address is a 404, not a CSRF page: the API uses no cookies
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": "Not Found"}, status=404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
