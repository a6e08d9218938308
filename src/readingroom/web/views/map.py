"""/map/: the places of the records this reader may see, on an offline world map (Leaflet over Natural
Earth outlines, web/static/readingroom/map.js) above a list of the places by region that works without
JavaScript; /map.json: the same places as a GeoJSON FeatureCollection."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from readingroom.catalog.models import sees_restricted
from readingroom.web.interface_language import current
from readingroom.web.place_map import (
    feature_collection,
    for_reader,
    map_labels,
    place_counts,
    places_by_region,
    public_place_counts,
)


def place_map(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    where = for_reader(request.user)
    # One reading of the counts, for the map and the list alike: the kept ones for the public.
    counts = place_counts(where) if sees_restricted(request.user) else public_place_counts()
    places = feature_collection(where, counts=counts)
    if as_json:
        return JsonResponse(places, json_dumps_params={"ensure_ascii": False})
    locale = current()
    regions, unplaced = places_by_region(counts, locale)
    return render(request, "readingroom/map.html", {
        "places": places, "map_labels": map_labels(places, locale), "regions": regions, "unplaced": unplaced,
        "located": len(places["features"]),
    })
