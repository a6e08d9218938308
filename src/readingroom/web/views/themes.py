"""Themes (curated collections): the list at /themes/ and each theme's page, with their JSON twins (a theme's
is built in web/theme_data.py)."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from readingroom.catalog.models import visible_q
from readingroom.catalog.themes import ThemeEntry
from readingroom.web import markdown
from readingroom.web.access import sees_restricted
from readingroom.web.interface_language import current
from readingroom.web.place_map import POPUP_RECORDS, feature_collection, for_records, map_labels
from readingroom.web.theme_data import cover_json, cover_of, theme_contents, theme_json, visible_themes


def index(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    staff = sees_restricted(request.user)
    themes = list(visible_themes(request))
    counts = dict(ThemeEntry.objects.filter(visible_q(request.user, "record__"), theme__in=[t.pk for t in themes])
                  .values_list("theme").annotate(n=Count("pk")).order_by())
    for theme in themes:
        theme.record_count = counts.get(theme.pk, 0)
        theme.cover = cover_of(theme, staff)
        theme.excerpt = markdown.first_words(theme.overview)
    if as_json:
        return JsonResponse({
            "count": len(themes),
            "themes": [{"slug": t.slug, "title": t.title, "url": t.get_absolute_url(), "excerpt": t.excerpt,
                        "records": t.record_count, "cover": cover_json(t.cover, t), "published": t.published}
                       for t in themes],
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/themes.html", {"themes": themes})


def theme(request: HttpRequest, slug: str, as_json: bool = False) -> HttpResponse:
    if as_json:
        return theme_json(request, slug)
    found = theme_contents(request, slug)
    # The small map draws the same visible records as the list of places beside it.
    geojson = feature_collection(for_records(e.record_id for e in found.entries), popup_records=POPUP_RECORDS)
    return render(request, "readingroom/theme.html", {
        "theme": found.theme, "cover": found.cover, "groups": found.groups, "timeline": found.timeline,
        "theme_places": found.places, "theme_map": geojson if geojson["features"] else None,
        "theme_map_labels": map_labels(geojson, current()), "record_count": len(found.entries), "staff": found.staff,
    })
