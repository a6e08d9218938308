"""The places of a set of records, for a map: GeoJSON for Leaflet and a list by region for readers without
JavaScript. Each function takes `where`: which record links count, as a condition on RecordAuthority rows
(`for_reader(user)`: the archive's records this reader may see, on /map/; `for_records(pks)`: a theme's
visible records), so the caller decides what the reader may see; restricted records never reach here.

At archive scale (100,000 records, 300,000 links) a GROUP BY over the place links costs about half a second,
so the public's map reads the kept counts instead (`public_place_counts`: records per place and per place
and decade, kept current by catalog/counts.py). Staff, who see every record, get the GROUP BY, joined to the
records: the access is a condition on that join, not `record__in=<every public record>`, which SQLite lists
for every request. A place's first records, for its popup, come inline only for a small
set (a theme); on /map/ the popup asks the place's own JSON (`/place/<id>.json`) when it opens."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import DenseRank, ExtractYear

from readingroom.catalog import addresses
from readingroom.catalog import counts as kept
from readingroom.catalog.count_tables import AuthorityCount
from readingroom.catalog.models import Authority, RecordAuthority, visible_q
from readingroom.catalog.regions import ORDER, continent_name, continent_of, country_name

POPUP_RECORDS = 5  # records listed per place in its popup; the place page lists them all


def for_reader(user) -> Q:
    return visible_q(user, "record__")


def for_records(pks) -> Q:
    return Q(record_id__in=list(pks))


def _place_links(where: Q):
    return RecordAuthority.objects.filter(where, authority__kind=Authority.Kind.PLACE,
                                          authority__merged_into__isnull=True)


@dataclass
class PlaceCounts:
    records: dict[int, int]  # authority pk -> records naming it (a record naming it twice counts once)
    decades: dict[int, dict[str, int]]  # authority pk -> {"1940": n}: dated records by decade of their start


def place_counts(where: Q) -> PlaceCounts:
    """Counts and decades of every place in one GROUP BY (place, year): a record has one start year, so the
    distinct records of a place's years add up to its distinct records."""
    rows = (_place_links(where).values("authority_id", year=ExtractYear("record__date_start"))
            .annotate(n=Count("record_id", distinct=True)).order_by())
    records: dict[int, int] = defaultdict(int)
    decades: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:  # (place, year) pairs: few beside the links
        records[row["authority_id"]] += row["n"]
        if row["year"] is not None:
            decades[row["authority_id"]][str(row["year"] - row["year"] % 10)] += row["n"]
    return PlaceCounts(dict(records), {pk: dict(d) for pk, d in decades.items()})


def public_place_counts() -> PlaceCounts:
    """What `place_counts(for_reader(<a reader without staff rights>))` counts, read off the kept counts."""
    kept.ensure_current()
    records = dict(AuthorityCount.objects.filter(records__gt=0, authority__kind=Authority.Kind.PLACE,
                                                 authority__merged_into__isnull=True)
                   .values_list("authority_id", "records"))
    decades = {pk: d for pk, d in kept.place_decades().items() if pk in records}
    return PlaceCounts(records, decades)


def _first_records(where: Q, located: list[int], limit: int) -> dict[int, list[dict]]:
    """The first `limit` records of each place by date, in one query (a window ranking each place's links):
    for a small set of records only (a theme), the window being over every link of the set."""
    rank = Window(DenseRank(), partition_by=[F("authority_id")],
                  order_by=[F("record__date_start").asc(nulls_last=True), F("record__public_id").asc()])
    rows = (_place_links(where).filter(authority_id__in=located).annotate(rank=rank).filter(rank__lte=limit)
            .values("authority_id", "rank", "record__public_id", "record__title", "record__date_edtf")
            .order_by("authority_id", "rank"))
    firsts: dict[int, list[dict]] = {}
    for row in rows:
        items = firsts.setdefault(row["authority_id"], [])
        if items and items[-1]["id"] == row["record__public_id"]:
            continue  # the same record linked to the place in two roles
        items.append({"id": row["record__public_id"], "title": row["record__title"],
                      "date": row["record__date_edtf"], "url": addresses.record(row["record__public_id"])})
    return firsts


def feature_collection(where: Q, popup_records: int = 0, counts: PlaceCounts | None = None) -> dict:
    """GeoJSON: one Point per place with coordinates that these records name. Properties: `id` (the
    authority's identifier), `name`, `records` (how many of these records), `url` (the place page),
    `decades` ({"1940": n}: records by decade of their start date; undated ones only in `records`) and,
    with `popup_records`, `first_records` (the first few by date, for the popup)."""
    counts = counts or place_counts(where)
    places = list(Authority.objects.filter(pk__in=list(counts.records), latitude__isnull=False,
                                           longitude__isnull=False)
                  .only("kind", "identifier", "preferred_name", "latitude", "longitude").order_by("preferred_name"))
    located = [place.pk for place in places]
    firsts = _first_records(where, located, popup_records) if located and popup_records else None
    features = []
    for place in places:
        properties = {"id": place.identifier, "name": place.preferred_name, "records": counts.records[place.pk],
                      "url": place.get_absolute_url(), "decades": counts.decades.get(place.pk, {})}
        if firsts is not None:
            properties["first_records"] = firsts.get(place.pk, [])
        # GeoJSON's order is longitude, latitude.
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [float(place.longitude), float(place.latitude)]}})
    return {"type": "FeatureCollection", "features": features}


@dataclass
class Region:
    code: str
    name: str
    places: list[tuple[Authority, int]] = field(default_factory=list)
    countries: list[Region] = field(default_factory=list)


def places_by_region(totals: PlaceCounts, locale: str) -> tuple[list[Region], list[tuple[Authority, int]]]:
    """Continents (in a fixed order), each with its countries (by name) and their places (by name) with their
    counts; and the places whose region is not known ("Unplaced")."""
    counts = totals.records
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
