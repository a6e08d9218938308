from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from readingroom.catalog.models import AccessLevel, Collection, Record
from readingroom.web.serializers import record_summary


def home(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    public = Q(records__access_level=AccessLevel.PUBLIC)
    collections = (
        Collection.objects.filter(parent__isnull=True)
        .annotate(record_count=Count("records", filter=public, distinct=True))
        .order_by("title")
    )
    recent = Record.objects.visible_to(request.user).order_by("-created", "public_id")[:12]
    if as_json:
        return JsonResponse({
            "collections": [
                {"identifier": c.identifier, "title": c.title, "url": c.get_absolute_url()} for c in collections
            ],
            "recent": [record_summary(r) for r in recent],
        })
    return render(request, "readingroom/home.html", {"collections": collections, "recent": recent})
