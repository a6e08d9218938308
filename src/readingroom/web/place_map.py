"""The places of a set of records, for a map: GeoJSON for Leaflet and a list by region for readers without
JavaScript. `feature_collection(records)` takes any record queryset (the archive's visible records on /map/,
a theme's on its page), so the caller decides what the reader may see; restricted records never reach here.

A fixed number of queries whatever the size of the archive: counts, decades and the first records of each
place are aggregates over the record links, not loops per record or per place."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import DenseRank, ExtractYear

from readingroom.catalog.models import Authority, RecordAuthority
from readingroom.catalog.regions import ORDER, continent_name, continent_of, country_name

POPUP_RECORDS = 5  # records listed per place in its popup; the place page lists them all


def _place_links(records):
    return RecordAuthority.objects.filter(record__in=records, authority__kind=Authority.Kind.PLACE,
                                          authority__merged_into__isnull=True)


def place_counts(records) -> dict[int, int]:
    """Authority pk -> how many of these records name the place (a record naming it twice counts once)."""
    rows = _place_links(records).values("authority_id").annotate(n=Count("record_id", distinct=True)).order_by()
    return {row["authority_id"]: row["n"] for row in rows}


def _decades(records, located: list[int]) -> dict[int, dict[str, int]]:
    by_year = (_place_links(records).filter(authority_id__in=located, record__date_start__isnull=False)
               .annotate(year=ExtractYear("record__date_start")).values("authority_id", "year")
               .annotate(n=Count("record_id", distinct=True)).order_by())
    decades: dict[int, dict[str, int]] = {}
    for row in by_year:  # rows are (place, year) pairs: few beside records
        per_place = decades.setdefault(row["authority_id"], {})
        decade = str(row["year"] - row["year"] % 10)
        per_place[decade] = per_place.get(decade, 0) + row["n"]
    return decades


def _first_records(records, located: list[int], limit: int) -> dict[int, list[dict]]:
    """The first `limit` records of each place by date, in one query (a window ranking each place's links)."""
    rank = Window(DenseRank(), partition_by=[F("authority_id")],
                  order_by=[F("record__date_start").asc(nulls_last=True), F("record__public_id").asc()])
    rows = (_place_links(records).filter(authority_id__in=located).annotate(rank=rank).filter(rank__lte=limit)
            .values("authority_id", "rank", "record__public_id", "record__title", "record__date_edtf")
            .order_by("authority_id", "rank"))
    from django.urls import reverse

    firsts: dict[int, list[dict]] = {}
    for row in rows:
        items = firsts.setdefault(row["authority_id"], [])
        if items and items[-1]["id"] == row["record__public_id"]:
            continue  # the same record linked to the place in two roles
        items.append({"id": row["record__public_id"], "title": row["record__title"],
                      "date": row["record__date_edtf"], "url": reverse("document", args=[row["record__public_id"]])})
    return firsts


def feature_collection(records, popup_records: int = POPUP_RECORDS) -> dict:
    """GeoJSON: one Point per place with coordinates that these records name. Properties: `id` (the
    authority's identifier), `name`, `records` (how many of these records), `url` (the place page),
    `decades` ({"1940": n}: records by decade of their start date; undated ones only in `records`) and
    `first_records` (the first few by date, for the popup)."""
    counts = place_counts(records)
    places = list(Authority.objects.filter(pk__in=list(counts), latitude__isnull=False, longitude__isnull=False)
                  .only("kind", "identifier", "preferred_name", "latitude", "longitude").order_by("preferred_name"))
    located = [place.pk for place in places]
    decades = _decades(records, located) if located else {}
    firsts = _first_records(records, located, popup_records) if located else {}
    return {
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            # GeoJSON's order is longitude, latitude.
            "geometry": {"type": "Point", "coordinates": [float(place.longitude), float(place.latitude)]},
            "properties": {
                "id": place.identifier, "name": place.preferred_name, "records": counts[place.pk],
                "url": place.get_absolute_url(), "decades": decades.get(place.pk, {}),
                "first_records": firsts.get(place.pk, []),
            },
        } for place in places],
    }


@dataclass
class Region:
    code: str
    name: str
    places: list[tuple[Authority, int]] = field(default_factory=list)
    countries: list[Region] = field(default_factory=list)


def places_by_region(records, locale: str) -> tuple[list[Region], list[tuple[Authority, int]]]:
    """Continents (in a fixed order), each with its countries (by name) and their places (by name) with their
    counts; and the places whose region is not known ("Unplaced")."""
    counts = place_counts(records)
    places = (Authority.objects.filter(pk__in=list(counts))
              .only("kind", "identifier", "preferred_name", "country_code", "geonames").order_by("preferred_name"))
    continents: dict[str, Region] = {}
    countries: dict[str, Region] = {}
    unplaced: list[tuple[Authority, int]] = []
    for place in places:
        continent = continent_of(place.country_code, place.geonames)
        if not continent:
            unplaced.append((place, counts[place.pk]))
            continue
        region = continents.setdefault(continent, Region(continent, continent_name(continent)))
        if not place.country_code:  # the continent itself
            region.places.append((place, counts[place.pk]))
            continue
        code = place.country_code.upper()
        if code not in countries:
            countries[code] = Region(code, country_name(code, locale))
            region.countries.append(countries[code])
        countries[code].places.append((place, counts[place.pk]))
    for region in continents.values():
        region.countries.sort(key=lambda c: c.name)
    ordered = sorted(continents.values(), key=lambda r: ORDER.index(r.code) if r.code in ORDER else len(ORDER))
    return ordered, unplaced


def map_labels(places: dict, locale: str) -> dict:
    """What the map's script writes, in the reader's language: the decades its slider steps through and the
    popup's words (scripts have no gettext here)."""
    from django.utils.translation import gettext

    from readingroom.catalog.dates import decade_name

    decades = sorted({int(d) for f in places["features"] for d in f["properties"]["decades"]})
    return {
        "decades": [[str(d), decade_name(d, locale)] for d in decades],
        # %(n)s is replaced by the script; Russian and Chinese need no plural forms beyond these for a label.
        "records": gettext("Records: %(n)s"),
        "all_records": gettext("All records of this place"),
        "place_page": gettext("Place page"),
        "shown": gettext("Places shown: %(n)s"),
    }
