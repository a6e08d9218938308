"""A search as the search page and its JSON twin (which the API serves too) run it: the query and the
advanced form's fields compiled, run for this reader, and the search's stable address. Read-only: it never
writes the index and never waits for the writer (searching.search opens a fresh searcher on the live
generation).

A facet, sort or approximate-match button's `toggle=dimension:value` (or a second `sort`/`approx`) is turned
into the plain `f.<dimension>` address by a redirect; those addresses work as before, for links from
elsewhere and for the JSON twin."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.utils.translation import gettext as _

from readingroom import search as searching
from readingroom.catalog import addresses
from readingroom.search import ADVANCED_FIELDS, DIMENSIONS
from readingroom.standards.catalogue_json import collection_summary

log = logging.getLogger(__name__)
PER_PAGE = 20


@dataclass
class SearchRun:
    q: str  # the typed query, cut to what search reads (MAX_QUERY_CHARS)
    compiled: searching.Compiled
    built: str  # the whole query searched, cut likewise
    results: searching.SearchResults
    status: int
    link: str  # the permalink
    first: int  # the rank of the page's first hit
    approximate: str


def run(request: HttpRequest) -> SearchRun | HttpResponse:
    """The search the request asks for, or the redirect from a button's address to the plain one."""
    params = request.GET
    if _from_a_button(params):
        return HttpResponseRedirect(_plain_address(request, params))
    q = params.get("q", "")
    # approx=all: approximate matches (OCR misreadings) even when the exact ones are plenty.
    approximate = "always" if params.get("approx") == "all" else "auto"
    compiled = searching.compile_fields(params, q)
    results, status = _run(request, params, compiled.query, approximate)
    results.messages[:0] = compiled.errors.values()
    link = permalink(params, compiled, results)
    # Search reads only the first MAX_QUERY_CHARS characters and says so in its messages; the page and the
    # twin show no more than that, so their size is bounded whatever was sent.
    first = (results.page - 1) * results.per_page + 1
    return SearchRun(q[:searching.MAX_QUERY_CHARS], compiled, compiled.query[:searching.MAX_QUERY_CHARS], results,
                     status, link, first, approximate)


def json_twin(request: HttpRequest) -> HttpResponse:
    """/search.json, and the API's search."""
    found = run(request)
    if isinstance(found, HttpResponse):
        return found
    results = found.results
    return JsonResponse({
        "query": found.q,
        "compiled_query": found.built,
        "permalink": found.link,
        "available": results.available,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "per_page": results.per_page,
        "sort": results.sort,
        "selected": results.selection,
        "messages": results.messages,
        "approximate": results.approximate,
        "results": [_hit_json(found.first + i, h) for i, h in enumerate(results.hits)],
        "facets": [f.as_dict() for f in results.facets],
    }, status=found.status, json_dumps_params={"ensure_ascii": False}, headers=retry_headers(found.status))


def _selection(params: QueryDict) -> dict[str, list[str]]:
    return {d: params.getlist(f"f.{d}") for d in DIMENSIONS if params.getlist(f"f.{d}")}


def _page(params: QueryDict) -> int:
    try:
        return int(params.get("page", "1"))
    except ValueError:
        return 1


def _toggled(selection: dict[str, list[str]], toggles: list[str]) -> dict[str, list[str]]:
    """The selection after the form's `toggle=dimension:value` buttons: a selected value off, another on."""
    selection = {d: list(v) for d, v in selection.items()}
    for toggle in toggles:
        dimension, _, value = toggle.partition(":")
        if dimension not in DIMENSIONS or not value:
            continue
        values = selection.setdefault(dimension, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
    return {d: v for d, v in selection.items() if v}


def _plain_address(request: HttpRequest, params: QueryDict) -> str:
    """This search's own address: each parameter once, the facet buttons turned into f.<dimension>."""
    clean = QueryDict(mutable=True)
    clean["q"] = params.get("q", "")
    for key in ADVANCED_FIELDS:
        if params.get(key):
            clean[key] = params[key]
    for dimension, values in _toggled(_selection(params), params.getlist("toggle")).items():
        clean.setlist(f"f.{dimension}", values)
    if params.get("sort", "relevance") != "relevance":
        clean["sort"] = params["sort"]  # the last one: the button pressed comes after the form's field
    if params.get("approx") == "all":
        clean["approx"] = "all"
    return f"{request.path}?{clean.urlencode()}"


def permalink(params: QueryDict, compiled: searching.Compiled, results: searching.SearchResults) -> str:
    """The search's stable address: the typed query, the fields used, the selection (dimensions in their
    order, values sorted), then sort, approximate matches and page, each only when not the default."""
    clean = QueryDict(mutable=True)
    q = params.get("q", "").strip()[:searching.MAX_QUERY_CHARS]
    if q:
        clean["q"] = q
    for key in ADVANCED_FIELDS:
        if key in compiled.used:
            clean[key] = compiled.used[key]
    for dimension in DIMENSIONS:
        if results.selection.get(dimension):
            clean.setlist(f"f.{dimension}", sorted(results.selection[dimension]))
    if results.sort != "relevance":
        clean["sort"] = results.sort
    if params.get("approx") == "all":
        clean["approx"] = "all"
    if results.page > 1:
        clean["page"] = str(results.page)
    return addresses.search(clean.urlencode(), absolute=True)


def _from_a_button(params: QueryDict) -> bool:
    return "toggle" in params or len(params.getlist("sort")) > 1 or len(params.getlist("approx")) > 1


def _hit_json(rank: int, hit: searching.Hit) -> dict:
    record = hit.record
    return {
        "rank": rank,
        "id": hit.public_id,
        "title": record.title,
        "title_html": hit.title_html,
        "date": record.date_edtf,
        "date_display": record.date_display,
        "collection": collection_summary(record.collection),
        "url": record.get_absolute_url(),
        "score": round(hit.score, 4),
        "snippet": {"html": hit.snippet.html, "field": hit.snippet.field, "machine_read": hit.snippet.machine_read}
        if hit.snippet else None,
    }


def _run(request: HttpRequest, params: QueryDict, q: str, approximate: str) -> tuple[searching.SearchResults, int]:
    status = 200
    try:
        results = searching.search(
            q, user=request.user, selection=_selection(params), sort=params.get("sort", "relevance"),
            page=_page(params), per_page=PER_PAGE, approximate=approximate,
        )
        searching.attach_records(results, request.user)
    except ValueError as exc:  # Tantivy refusing a query the parser let through: say so, do not fail
        log.warning("search failed for %r: %s", q[:200], exc)
        results = searching.SearchResults(q, 0, [], [], [_("This search could not be run; try fewer or simpler terms.")],
                                       1, PER_PAGE, "relevance")
        status = 400
    if not results.available:
        # The index is missing or being repaired: the reader's query is not at fault, and a client or
        # crawler should come back rather than record an empty result.
        log.warning("search unavailable: %s", results.failure)
        status = 503
    return results, status


def retry_headers(status: int) -> dict[str, str]:
    return {"Retry-After": "60"} if status == 503 else {}
