"""A collection's page (its children and visible records, in the collection's order, a box or folder at a time
if asked) and its JSON twin (web/listings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from readingroom.web import listings


def collection(request: HttpRequest, identifier: str, as_json: bool = False) -> HttpResponse:
    if as_json:
        return listings.collection_json(request, identifier)
    found = listings.collection_listing(request, identifier)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "readingroom/collection.html", {
        "collection": found.collection, "children": found.children, "page": found.page,
        "container": found.container, "folder": found.folder, "count": found.count,
    })
