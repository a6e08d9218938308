"""Read endpoints. Records, search, authorities, collections and themes, each filtered by the same
visibility rules as the pages; details reuse the pages' `.json` twins, so the API and the twins cannot
drift apart."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from readingroom.catalog.models import Authority, Collection, Record, RecordAuthority, visible_q
from readingroom.catalog.themes import Theme
from readingroom.web import listings, record_data, search_run, theme_data
from readingroom.web.access import collections_holding, sees_restricted

from . import converters, cursors
from .auth import as_reader
from .schemas import (
    AuthorityPage,
    CollectionPage,
    Error,
    RecordDetail,
    RecordPage,
    SearchResults,
    ThemePage,
)

router = Router()
assert converters.RecordId  # registers the {record:...} path converter
NOT_FOUND = {404: Error, 401: Error}


class Paging(Schema):
    cursor: str | None = Field(None, max_length=100, description="next_cursor of the previous page")
    limit: int = Field(50, ge=1, le=cursors.MAX_LIMIT)


class RecordFilter(Paging):
    collection: str | None = Field(None, max_length=200, description="Only records directly in this collection")


class AuthorityFilter(Paging):
    kind: Authority.Kind | None = None


def record_api_url(record: Record) -> str:
    # Formatted, not reversed: an imported id need not fit the API's path converter (one ending "/pages").
    return f"{reverse('api-1:api-root')}records/{record.public_id}"


@router.get(tags=["read"], path="/records", response={200: RecordPage, 400: Error, 401: Error}, summary="Records, in the order they were added")
def records(request: HttpRequest, filters: Query[RecordFilter]):
    as_reader(request)
    rows = Record.objects.visible_to(request.user).only("public_id", "title", "date_edtf", "access_level")
    if filters.collection is not None:
        rows = rows.filter(collection__identifier=filters.collection)
    items, following = cursors.page(rows, filters.cursor, filters.limit)
    return {"items": [{"id": r.public_id, "title": r.title, "date": r.date_edtf, "date_display": r.date_display,
                       "access_level": r.access_level, "url": r.get_absolute_url(), "api_url": record_api_url(r)}
                      for r in items],
            "next_cursor": following}


@router.get(tags=["read"], path="/records/{record:public_id}", response={200: RecordDetail, **NOT_FOUND}, url_name="record",
            summary="A record with its contents, pages and authorities (its page's .json twin)")
def record(request: HttpRequest, public_id: str) -> HttpResponse:
    as_reader(request)
    return record_data.json_twin(request, public_id)


@router.get(tags=["read"], path="/search", response={200: SearchResults, 400: SearchResults, 401: Error, 503: SearchResults},
            summary="Search: the parameters and results of /search.json")
def search_records(
    request: HttpRequest,
    q: str = Query("", max_length=10_000, description="The search language: words, \"phrases\", person:, date:..."),
    page: int = Query(1, ge=1, le=10_000),
    sort: str = Query("relevance", pattern="^(relevance|date|-date)$"),
) -> HttpResponse:
    # /search.json reads the rest (f.<dimension>, from, to, all, person...) from the query string itself.
    as_reader(request)
    return search_run.json_twin(request)


@router.get(tags=["read"], path="/authorities", response={200: AuthorityPage, 400: Error, 401: Error},
            summary="People, places, organizations and subjects named by visible records")
def authority_list(request: HttpRequest, filters: Query[AuthorityFilter]):
    as_reader(request)
    kind, paging = filters.kind, filters
    rows = Authority.objects.filter(merged_into__isnull=True).only("kind", "identifier", "preferred_name")
    if kind:
        rows = rows.filter(kind=kind)
    if not sees_restricted(request.user):
        rows = rows.filter(pk__in=RecordAuthority.objects.filter(visible_q(request.user, "record__"))
                           .values("authority_id"))
    items, following = cursors.page(rows, paging.cursor, paging.limit)
    return {"items": [{"id": a.identifier, "kind": a.kind, "name": a.preferred_name, "url": a.get_absolute_url()}
                      for a in items], "next_cursor": following}


@router.get(tags=["read"], path="/authorities/{kind}/{identifier}", response={200: dict, **NOT_FOUND},
            summary="An authority with its visible records (its page's .json twin)")
def authority(request: HttpRequest, kind: Authority.Kind, identifier: str) -> HttpResponse:
    as_reader(request)
    return listings.authority_json(request, kind, identifier)


@router.get(tags=["read"], path="/collections", response={200: CollectionPage, 400: Error, 401: Error},
            summary="Collections and series that hold visible records")
def collection_list(request: HttpRequest, paging: Query[Paging]):
    as_reader(request)
    rows = Collection.objects.select_related("parent")
    if not sees_restricted(request.user):
        rows = rows.filter(pk__in=collections_holding(None))  # the public's, from the kept counts
    items, following = cursors.page(rows, paging.cursor, paging.limit)
    return {"items": [{"identifier": c.identifier, "title": c.title, "level": c.level,
                       "parent": c.parent.identifier if c.parent else None, "url": c.get_absolute_url()}
                      for c in items], "next_cursor": following}


@router.get(tags=["read"], path="/collections/{identifier}", response={200: dict, **NOT_FOUND},
            summary="A collection with its visible records (its page's .json twin)")
def collection(request: HttpRequest, identifier: str) -> HttpResponse:
    as_reader(request)
    return listings.collection_json(request, identifier)


@router.get(tags=["read"], path="/themes", response={200: ThemePage, 400: Error, 401: Error}, summary="Published themes")
def theme_list(request: HttpRequest, paging: Query[Paging]):
    as_reader(request)
    rows = Theme.objects.visible_to(request.user).filter(~Q(slug=""))
    items, following = cursors.page(rows, paging.cursor, paging.limit)
    return {"items": [{"slug": t.slug, "title": t.title, "published": t.published,
                       "url": t.get_absolute_url()} for t in items], "next_cursor": following}


@router.get(tags=["read"], path="/themes/{slug}", response={200: dict, **NOT_FOUND},
            summary="A theme with its visible records (its page's .json twin)")
def theme(request: HttpRequest, slug: str) -> HttpResponse:
    as_reader(request)
    return theme_data.theme_json(request, slug)
