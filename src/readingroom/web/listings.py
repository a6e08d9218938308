"""The records an authority's page and a collection's page list, as this reader may see them, a page at a
time, and the JSON twins of both pages (which the API serves too)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404

from readingroom.catalog import addresses
from readingroom.catalog import counts as kept
from readingroom.catalog.models import (
    Authority,
    AuthorityCount,
    Collection,
    Record,
    RecordAuthority,
    visible_q,
)
from readingroom.standards.catalogue_json import authority_detail, collection_summary, record_summary
from readingroom.web import keyset
from readingroom.web.access import collections_with_records, sees_restricted
from readingroom.web.nearby import UNDATED, collection_order

LINK_ORDER = keyset.Order(("sort_date", "record__public_id", "role"), (keyset.DATE, keyset.TEXT, keyset.TEXT),
                          lambda link: (link.sort_date, link.record.public_id, link.role))
ORDER = keyset.Order(("position", "sort_date", "public_id"), (keyset.INT, keyset.DATE, keyset.TEXT),
                     lambda r: (r.position, r.sort_date, r.public_id))
PER_PAGE = 50


@dataclass
class AuthorityListing:
    authority: Authority
    page: keyset.Page
    count: int


def authority_listing(request: HttpRequest, kind: str, identifier: str,
                      as_json: bool = False) -> AuthorityListing | HttpResponse:
    """A person, place, organization or subject and one page of its visible records by date; or the redirect
    to where it moved (its `.json` twin's address when `as_json`) or to the page's keyset address."""
    item = get_object_or_404(Authority.objects.prefetch_related("variants"), kind=kind, identifier=identifier)
    staff = sees_restricted(request.user)
    if item.merged_into_id is not None:  # merged by staff into another authority: its address moved there
        moved_to = item.current()
        if not staff and not _has_records(moved_to, request.user):
            raise Http404("No such authority")  # nor is the kept one's address revealed
        return HttpResponsePermanentRedirect(addresses.authority(moved_to.kind, moved_to.identifier, json=as_json))
    if not staff and not _has_records(item, request.user):
        raise Http404("No such authority")
    links = (
        RecordAuthority.objects.filter(visible_q(request.user, "record__"), authority=item)
        .select_related("record")
        .only("role", "record__public_id", "record__title", "record__date_edtf", "record__date_start")
        .annotate(sort_date=Coalesce("record__date_start", Value(UNDATED)))
        .order_by("sort_date", "record__public_id", "role")
    )
    moved = keyset.old_page_redirect(request, links, LINK_ORDER, PER_PAGE)
    if moved:
        return moved
    page = keyset.paginate(request, links, LINK_ORDER, PER_PAGE)
    if staff:
        count = links.values("record_id").distinct().count()
    else:
        kept.ensure_current()
        count = AuthorityCount.objects.filter(authority=item).values_list("records", flat=True).first() or 0
    return AuthorityListing(item, page, count)


def _has_records(item: Authority, user) -> bool:
    return RecordAuthority.objects.filter(visible_q(user, "record__"), authority=item).exists()


def authority_json(request: HttpRequest, kind: str, identifier: str) -> HttpResponse:
    """/<kind>/<identifier>.json, and the API's authority."""
    found = authority_listing(request, kind, identifier, as_json=True)
    if isinstance(found, HttpResponse):
        return found
    item, page = found.authority, found.page
    data = authority_detail(item)
    data["url"] = item.get_absolute_url()
    if item.kind == Authority.Kind.PLACE:
        data["coordinates"] = ({"latitude": float(item.latitude), "longitude": float(item.longitude),
                                "source": item.coordinates_source} if item.has_coordinates else None)
    data["records"] = [{**record_summary(link.record), "role": link.role} for link in page.object_list]
    data["count"], data["next"], data["previous"] = found.count, page.link_next, page.link_previous
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@dataclass
class CollectionListing:
    collection: Collection
    children: list[Collection]
    page: keyset.Page
    container: str
    folder: str
    count: int


def _public_count(node: Collection, container: str, folder: str) -> int:
    """Public records filed directly in `node` (in one box, one folder), from the kept counts."""
    if not (container or folder):
        return kept.dimension("c").get(str(node.pk), 0)
    total = 0
    for key, n in kept.dimension("b").items():
        pk, box, file = key.split(kept.SEP, 2)
        if pk == str(node.pk) and (not container or box == container) and (not folder or file == folder):
            total += n
    return total


def collection_listing(request: HttpRequest, identifier: str) -> CollectionListing | HttpResponse:
    """A collection (or one box or folder of it: ?container=, ?folder=), its visible children and one page of
    its visible records; or the redirect to the page's keyset address."""
    node = get_object_or_404(Collection.objects.select_related("parent", "repository"), identifier=identifier)
    visible = Record.objects.visible_to(request.user)
    staff = sees_restricted(request.user)
    shown = collections_with_records(node, None if not staff else visible)
    if node.pk not in shown and not staff:
        raise Http404("No such collection")
    records = collection_order(visible.filter(collection=node))
    container = (request.GET.get("container") or "").strip()
    folder = (request.GET.get("folder") or "").strip()
    if container:
        records = records.filter(container=container)
    if folder:
        records = records.filter(folder=folder)
    rows = records.only("public_id", "title", "date_edtf", "position", "date_start")
    if (container or folder) and not staff and not rows.exists():
        raise Http404("No such container or folder")  # a box of restricted records is not confirmed either
    moved = keyset.old_page_redirect(request, rows, ORDER, PER_PAGE)
    if moved:
        return moved
    page = keyset.paginate(request, rows, ORDER, PER_PAGE)
    if staff:
        count = rows.count()
    else:
        kept.ensure_current()
        count = _public_count(node, container, folder)
    children = [child for child in node.children.select_related("parent", "parent__parent", "parent__parent__parent")
                if staff or child.pk in shown]
    return CollectionListing(node, children, page, container, folder, count)


def collection_json(request: HttpRequest, identifier: str) -> HttpResponse:
    """/collection/<identifier>.json, and the API's collection."""
    found = collection_listing(request, identifier)
    if isinstance(found, HttpResponse):
        return found
    return JsonResponse({
        "collection": collection_summary(found.collection),
        "container": found.container or None,
        "folder": found.folder or None,
        "children": [collection_summary(c) for c in found.children],
        "records": [record_summary(r) for r in found.page.object_list],
        "count": found.count, "next": found.page.link_next, "previous": found.page.link_previous,
    }, json_dumps_params={"ensure_ascii": False})
