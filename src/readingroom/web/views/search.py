"""The search page (its search is run by web/search_run.py, which serves the JSON twin too).

The page is one GET form: the query, dates, the selected facet values and the sort travel once, in its
fields, and every facet value, sort and page is a submit button of that form, so a long query is not
repeated in every link.

The advanced form's fields (`all`, `person`, `from`...: search.ADVANCED_FIELDS) are accepted here too:
they are compiled into the query language after `q`, and the page shows the whole query it searched
("Your query") and a permalink with the search's parameters in a canonical order."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from readingroom import search as searching
from readingroom.catalog import addresses
from readingroom.search import ADVANCED_FIELDS
from readingroom.web import search_run, search_timeline
from readingroom.web.views import export

ALTERNATE_LINK_MAX = 500  # the JSON twin's <link> repeats the query: left out for longer ones
# "Your query" and "Link to this search" repeat the query too: shown up to these lengths, so the page
# grows by a long query once (the box holds it, the address bar is its link).
SHOWN_QUERY_MAX = 500
SHOWN_LINK_MAX = 2000


def search(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    if as_json:
        return search_run.json_twin(request)
    found = search_run.run(request)
    if isinstance(found, HttpResponse):
        return found
    params, results, compiled, built, link = request.GET, found.results, found.compiled, found.built, found.link
    twin = addresses.search(params.urlencode(), json=True)
    context = {
        # Not "query": base.html would repeat it in the header's box; this page has its own.
        "search_text": found.q,
        "results": results,
        "first": found.first,
        "sorts": [{"key": key, "label": label, "current": key == results.sort}
                  for key, label in (("relevance", _("Relevance")), ("date", _("Date ↑")), ("-date", _("Date ↓")))],
        "date_from": params.get("from", "")[:100],
        "date_to": params.get("to", "")[:100],
        # The advanced form's other fields travel as hidden fields of the page's one form.
        "carried": [(key, compiled.used[key]) for key in ADVANCED_FIELDS
                    if key in compiled.used and key not in {"from", "to"}],
        "compiled_query": built if len(built) <= SHOWN_QUERY_MAX and len(link) <= SHOWN_LINK_MAX else "",
        "permalink": link,
        "json_url": twin if len(twin) <= ALTERNATE_LINK_MAX else None,
        "approximate_asked": found.approximate == "always",
        "max_query": searching.MAX_QUERY_CHARS,
        # The date histogram and the downloads of this result set.
        "histogram": search_timeline.histogram(results),
        "exports": export.forms(), "export_limit": export.EXPORT_LIMIT,
    }
    response = render(request, "readingroom/search.html", context, status=found.status)
    for key, value in search_run.retry_headers(found.status).items():
        response[key] = value
    return response
