from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from readingroom.catalog import counts as kept
from readingroom.catalog.models import Collection, Record
from readingroom.standards.catalogue_json import collection_summary, record_summary
from readingroom.web import keyset
from readingroom.web.access import collections_with_records, sees_restricted
from readingroom.web.views.documents import collection_order

ORDER = keyset.Order(("position", "sort_date", "public_id"), (keyset.INT, keyset.DATE, keyset.TEXT),
                     lambda r: (r.position, r.sort_date, r.public_id))
PER_PAGE = 50


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


def collection(request: HttpRequest, identifier: str, as_json: bool = False) -> HttpResponse:
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
    if as_json:
        return JsonResponse({
            "collection": collection_summary(node),
            "container": container or None,
            "folder": folder or None,
            "children": [collection_summary(c) for c in children],
            "records": [record_summary(r) for r in page.object_list],
            "count": count, "next": page.link_next, "previous": page.link_previous,
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/collection.html", {
        "collection": node, "children": children, "page": page, "container": container, "folder": folder,
        "count": count,
    })
