"""The page of every record related to a record in one way, and its JSON twin (web/related_listing.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from readingroom.web import related_listing


def related(request: HttpRequest, public_id: str, key: str, as_json: bool = False) -> HttpResponse:
    if as_json:
        return related_listing.related_json(request, public_id, key)
    found = related_listing.related_listing(request, public_id, key)
    return render(request, "readingroom/related.html", {"listing": found, "record": found.record,
                                                         "page": found.page})
