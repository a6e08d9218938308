"""The search page and its JSON twin. Read-only: it never writes the index and never waits for the
writer (searching.search opens a fresh searcher on the live generation)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from readingroom import search as searching
from readingroom.search import DIMENSIONS, Facet, FacetValue
from readingroom.web.serializers import collection_summary

log = logging.getLogger(__name__)
PER_PAGE = 20


def _selection(params: QueryDict) -> dict[str, list[str]]:
    return {d: params.getlist(f"f.{d}") for d in DIMENSIONS if params.getlist(f"f.{d}")}


def _page(params: QueryDict) -> int:
    try:
        return int(params.get("page", "1"))
    except ValueError:
        return 1


def _url_with(params: QueryDict, key: str, values: list[str]) -> str:
    """This page's link with `key` set to `values` (none: left out), back on page 1."""
    copy = params.copy()
    copy.setlist(key, values)
    copy.pop("page", None)
    return "?" + copy.urlencode()


def _toggle_url(params: QueryDict, dimension: str, value: str) -> str:
    values = params.getlist(f"f.{dimension}")
    return _url_with(params, f"f.{dimension}", [v for v in values if v != value] if value in values else [*values, value])


def _link_facets(facets: list[Facet], params: QueryDict) -> None:
    def walk(dimension: str, values: list[FacetValue]) -> None:
        for value in values:
            value.url = _toggle_url(params, dimension, value.value)
            walk(dimension, value.children)

    for facet in facets:
        walk(facet.name, facet.values)


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


def _approximate_url(params: QueryDict, include: bool) -> str:
    return _url_with(params, "approx", ["all"] if include else [])


def search(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    params = request.GET
    q = params.get("q", "")
    status = 200
    # approx=all: approximate matches (OCR misreadings) even when the exact ones are plenty.
    approximate = "always" if params.get("approx") == "all" else "auto"
    try:
        results = searching.search(
            q, user=request.user, selection=_selection(params), sort=params.get("sort", "relevance"),
            page=_page(params), per_page=PER_PAGE, date_from=params.get("from"), date_to=params.get("to"),
            approximate=approximate,
        )
        searching.attach_records(results, request.user)
    except ValueError as exc:  # Tantivy refusing a query the parser let through: say so, do not fail
        log.warning("search failed for %r: %s", q[:200], exc)
        results = searching.SearchResults(q, 0, [], [], ["This search could not be run; try fewer or simpler terms."],
                                       1, PER_PAGE, "relevance")
        status = 400
    if not results.available:
        # The index is missing or being repaired: the reader's query is not at fault, and a client or
        # crawler should come back rather than record an empty result.
        log.warning("search unavailable: %s", results.failure)
        status = 503
    _link_facets(results.facets, params)
    first = (results.page - 1) * results.per_page + 1
    if as_json:
        return JsonResponse({
            "query": q,
            "available": results.available,
            "total": results.total,
            "page": results.page,
            "pages": results.pages,
            "per_page": results.per_page,
            "sort": results.sort,
            "selected": results.selection,
            "messages": results.messages,
            "approximate": results.approximate,
            "results": [_hit_json(first + i, h) for i, h in enumerate(results.hits)],
            "facets": [f.as_dict() for f in results.facets],
        }, status=status, json_dumps_params={"ensure_ascii": False}, headers=_retry(status))
    base = params.copy()
    base.pop("page", None)
    sort_links = []
    for key, label in (("relevance", "Relevance"), ("date", "Date ↑"), ("-date", "Date ↓")):
        copy = base.copy()
        copy["sort"] = key
        sort_links.append({"key": key, "label": label, "url": "?" + copy.urlencode(), "current": key == results.sort})
    context = {
        "query": q,
        "results": results,
        "first": first,
        "sort_links": sort_links,
        "date_from": params.get("from", ""),
        "date_to": params.get("to", ""),
        "page_query": base.urlencode(),
        "json_url": "/search.json?" + params.urlencode(),
        "approximate_asked": approximate == "always",
        "approximate_url": _approximate_url(params, approximate != "always"),
    }
    response = render(request, "readingroom/search.html", context, status=status)
    for key, value in _retry(status).items():
        response[key] = value
    return response


def _retry(status: int) -> dict[str, str]:
    return {"Retry-After": "60"} if status == 503 else {}
