"""URL map: one include per concern, so each app owns its routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("readingroom.api.urls")),  # the JSON API and its OpenAPI description
    path("", include("readingroom.web.urls")),  # every reader's page, in the order web/urls.py gives
]

handler404 = "readingroom.web.views.errors.not_found"
handler500 = "readingroom.web.views.errors.server_error"
