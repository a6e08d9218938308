"""The page of every record related to a record in one way (the record's own page lists the first
catalog.relations.RELATED_LIMIT of them), as this reader may see them, a page at a time, and its JSON twin."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, JsonResponse

from readingroom.catalog import addresses
from readingroom.catalog.models import Record
from readingroom.catalog.relations import GROUP_KEYS, group_label, group_records, relation_notes
from readingroom.standards.catalogue_json import record_summary
from readingroom.web import keyset

# By date, undated last (as the record's page lists them), then id: unique, so pages never overlap.
ORDER = keyset.Order(("sort_date", "public_id"), (keyset.DATE, keyset.TEXT), lambda r: (r.sort_date, r.public_id))
PER_PAGE = 50


@dataclass
class RelatedListing:
    record: Record
    key: str
    label: str
    page: keyset.Page
    total: int


def related_listing(request: HttpRequest, public_id: str, key: str) -> RelatedListing:
    """One page of the records related to the record in the way `key` names, those this reader may see, with
    their total; a 404 for an unknown key or a record this reader may not see (its id is not confirmed)."""
    if key not in GROUP_KEYS:
        raise Http404("No such relation")
    record = (Record.objects.visible_to(request.user).only("pk", "public_id", "title", "date_edtf")
              .filter(public_id=public_id).first())
    if record is None:
        raise Http404(f"No record {public_id}")
    rows = group_records(record, key, request.user).only("public_id", "title", "date_edtf", "date_start")
    page = keyset.paginate(request, rows, ORDER, PER_PAGE)
    notes = relation_notes(record, key, [r.pk for r in page.object_list]) if page.object_list else {}
    for other in page.object_list:
        other.relation_note = notes.get(other.pk, "")
    whole = page.next_key is None and "after" not in request.GET and "before" not in request.GET
    total = len(page.object_list) if whole else rows.count()
    return RelatedListing(record, key, group_label(key), page, total)


def related_json(request: HttpRequest, public_id: str, key: str) -> JsonResponse:
    """/document/<id>/related/<key>.json"""
    found = related_listing(request, public_id, key)
    return JsonResponse({
        "record": record_summary(found.record),
        "relation": found.key,
        "label": found.label,
        "url": addresses.related(found.record.public_id, found.key),
        "total": found.total,
        "records": [{**record_summary(r), "note": r.relation_note} for r in found.page.object_list],
        "next": found.page.link_next, "previous": found.page.link_previous,
    }, json_dumps_params={"ensure_ascii": False})
