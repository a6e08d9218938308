"""The date histogram on search results, drawn from the search's own decade, year and month facets, so it
counts exactly what the results hold (the query, the dates and the other facets applied; restricted records
never). Decades first; with one decade selected, its years; with one year selected, its months. Each bar is
a link to the results narrowed to it, keeping everything else of the search."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from readingroom.catalog.dates import decade_name, month_name, year_name
from readingroom.search import SearchResults
from readingroom.web.histogram import Bar, Histogram, build
from readingroom.web.interface_language import current

DATE_DIMENSIONS = ("decade", "year", "month")


def _address(request: HttpRequest, **dates: list[str]) -> str:
    """This search with the date facets set as given (the others kept as they are), from its first page."""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    for dimension in DATE_DIMENSIONS:
        params.setlist(f"f.{dimension}", dates.get(dimension, []))
    return f"{request.path}?{params.urlencode()}"


def histogram(request: HttpRequest, results: SearchResults) -> Histogram | None:
    """None when the results have no dated record (or the index could not answer)."""
    counts = {facet.name: facet.values for facet in results.facets if facet.name in DATE_DIMENSIONS}
    chosen = results.selection
    years, decades = chosen.get("year", []), chosen.get("decade", [])
    locale = current()
    everything = (_("All dates"), _address(request))
    if len(years) == 1:
        year = int(years[0])
        decade = str(year - year % 10)
        bars = [Bar(month_name(int(v.value[-2:]), locale), v.count, _address(
            request, decade=decades, year=years, month=[v.value]), v.selected)
            for v in counts.get("month", []) if v.value.startswith(f"{year:04d}-") and v.count]
        up = [everything, (decade_name(int(decade), locale), _address(request, decade=[decade]))]
        chart = build(_("Records by month"), _("Month"), bars, up)
    elif len(decades) == 1:
        decade = int(decades[0])
        bars = [Bar(year_name(int(v.value), locale), v.count, _address(request, decade=decades, year=[v.value]),
                    v.selected)
                for v in counts.get("year", []) if decade <= int(v.value) <= decade + 9 and v.count]
        chart = build(_("Records by year"), _("Year"), bars, [everything])
    else:
        bars = [Bar(decade_name(int(v.value), locale), v.count, _address(request, decade=[v.value]), v.selected)
                for v in counts.get("decade", []) if v.count]
        chart = build(_("Records by decade"), _("Decade"), bars)
    return chart if chart.bars else None
