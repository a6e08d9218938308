"""The date histogram on search results, drawn from the search's own decade, year and month facets, so it
counts exactly what the results hold (the query, the dates and the other facets applied; restricted records
never). Decades first; with one decade selected, its years; with one year selected, its months. Each bar is
a button of the search form toggling its decade, year or month, like a facet value: the results narrow to
it and keep everything else, and the query is not repeated in every bar (tests/search/test_page_size.py).
Unselecting a value in the facet column goes back up."""

from __future__ import annotations

from django.utils.translation import gettext as _

from readingroom.catalog.dates import decade_name, month_name, year_name
from readingroom.search import SearchResults
from readingroom.web.histogram import Bar, Histogram, build
from readingroom.web.interface_language import current


def histogram(results: SearchResults) -> Histogram | None:
    """None when the results have no dated record (or the index could not answer)."""
    counts = {facet.name: facet.values for facet in results.facets}
    years, decades = results.selection.get("year", []), results.selection.get("decade", [])
    locale = current()
    if len(years) == 1:
        year = years[0]
        bars = [Bar(month_name(int(v.value[-2:]), locale), v.count, current=v.selected, toggle=f"month:{v.value}")
                for v in counts.get("month", []) if v.value.startswith(f"{int(year):04d}-") and v.count]
        chart = build(_("Records by month"), _("Month"), bars)
    elif len(decades) == 1:
        decade = int(decades[0])
        bars = [Bar(year_name(int(v.value), locale), v.count, current=v.selected, toggle=f"year:{v.value}")
                for v in counts.get("year", []) if decade <= int(v.value) <= decade + 9 and v.count]
        chart = build(_("Records by year"), _("Year"), bars)
    else:
        bars = [Bar(decade_name(int(v.value), locale), v.count, current=v.selected, toggle=f"decade:{v.value}")
                for v in counts.get("decade", []) if v.count]
        chart = build(_("Records by decade"), _("Decade"), bars)
    return chart if chart.bars else None
