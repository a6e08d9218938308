"""An authority's page (a person, place, organization or subject: names, dates, links out, and its visible
records by date) and its JSON twin (web/listings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from readingroom.web import listings


def authority(request: HttpRequest, kind: str, identifier: str, as_json: bool = False) -> HttpResponse:
    if as_json:
        return listings.authority_json(request, kind, identifier)
    found = listings.authority_listing(request, kind, identifier)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "readingroom/authority.html",
                  {"authority": found.authority, "page": found.page, "count": found.count})
