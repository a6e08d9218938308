"""A search's results to take away: /search/export.csv (.ris, .bib, .csl.json) with the search page's own
parameters (the page's download buttons submit its form there). The first EXPORT_LIMIT records in the page's order; the page says so when a search finds more,
and the response's headers give both numbers. Read-only, like the search page."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from readingroom import search as searching
from readingroom.catalog import addresses
from readingroom.catalog.models import Record
from readingroom.search import DIMENSIONS
from readingroom.standards import result_sets

log = logging.getLogger(__name__)
EXPORT_LIMIT = 1000  # at most search's page without snippets (MAX_PLAIN_PAGE): one search


def forms() -> list[tuple[str, str]]:
    """(format name, address) of the search page's download buttons: each submits the page's form to its
    address, so the query travels in the form once, not in four links."""
    return [(fmt.label, addresses.url("search-export", fmt.extension)) for fmt in result_sets.FORMATS.values()]


class Unavailable(Exception):
    pass


def matching_pks(request: HttpRequest, limit: int = EXPORT_LIMIT) -> tuple[list[int], int]:
    """The pks of the first `limit` results in the search's order, and how many records it found."""
    params = request.GET
    # The same query as the results page: `q` with the advanced form's fields (from/to included) compiled in.
    query = searching.compile_fields(params, params.get("q", "")).query
    selection = {d: params.getlist(f"f.{d}") for d in DIMENSIONS if params.getlist(f"f.{d}")}
    results = searching.search(
        query, user=request.user, selection=selection, sort=params.get("sort", "relevance"), per_page=limit,
        with_facets=False, with_snippets=False, approximate="always" if params.get("approx") == "all" else "auto")
    if not results.available:
        raise Unavailable(results.failure)
    return list(dict.fromkeys(hit.pk for hit in results.hits)), results.total


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    chosen = result_sets.FORMATS[fmt]
    try:
        pks, total = matching_pks(request)
    except Unavailable as exc:
        log.warning("export unavailable: %s", exc)
        return _plain(_("Search is not available right now; please try again in a minute."), 503,
                      {"Retry-After": "60"})
    except ValueError as exc:  # Tantivy refusing a query the parser let through
        log.warning("export failed for %r: %s", request.GET.get("q", "")[:200], exc)
        return _plain(_("This search could not be run; try fewer or simpler terms."), 400)
    # Looked up again with the reader's access: a record restricted since the index's last commit stays out.
    records = result_sets.load(pks, Record.objects.visible_to(request.user))
    response = HttpResponse(chosen.build(records), content_type=chosen.media_type)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="search-{stamp}.{chosen.extension}"'
    response["X-Records-Found"] = str(total)
    response["X-Records-Exported"] = str(len(records))
    return response


def _plain(message: str, status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8", headers=headers)
