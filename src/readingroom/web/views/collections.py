from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from readingroom.catalog.models import Collection, Record
from readingroom.web.access import collections_with_records, sees_restricted
from readingroom.web.serializers import collection_summary, record_summary
from readingroom.web.views.documents import collection_order


def collection(request: HttpRequest, identifier: str, as_json: bool = False) -> HttpResponse:
    node = get_object_or_404(Collection.objects.select_related("parent", "repository"), identifier=identifier)
    visible = Record.objects.visible_to(request.user)
    staff = sees_restricted(request.user)
    shown = collections_with_records(node, visible)
    if node.pk not in shown and not staff:
        raise Http404("No such collection")
    records = collection_order(visible.filter(collection=node))
    container = (request.GET.get("container") or "").strip()
    folder = (request.GET.get("folder") or "").strip()
    if container:
        records = records.filter(container=container)
    if folder:
        records = records.filter(folder=folder)
    page = Paginator(records.only("public_id", "title", "date_edtf"), 50).get_page(request.GET.get("page"))
    if (container or folder) and not page.paginator.count and not staff:
        raise Http404("No such container or folder")  # a box of restricted records is not confirmed either
    children = [child for child in node.children.select_related("parent", "parent__parent", "parent__parent__parent")
                if staff or child.pk in shown]
    if as_json:
        return JsonResponse({
            "collection": collection_summary(node),
            "container": container or None,
            "folder": folder or None,
            "children": [collection_summary(c) for c in children],
            "records": [record_summary(r) for r in page.object_list],
            "page": page.number,
            "pages": page.paginator.num_pages,
        }, json_dumps_params={"ensure_ascii": False})
    page_query = urlencode({k: v for k, v in (("container", container), ("folder", folder)) if v})
    return render(request, "readingroom/collection.html", {
        "collection": node, "children": children, "page": page, "container": container, "folder": folder,
        "page_query": page_query,
    })
