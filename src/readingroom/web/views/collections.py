from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from readingroom.catalog.models import Collection, Record
from readingroom.web.serializers import collection_summary, record_summary


def collection(request: HttpRequest, identifier: str, as_json: bool = False) -> HttpResponse:
    node = get_object_or_404(Collection.objects.select_related("parent", "repository"), identifier=identifier)
    records = Record.objects.visible_to(request.user).filter(collection=node).order_by("position", "date_start", "public_id")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    children = node.children.all()
    if as_json:
        return JsonResponse({
            "collection": collection_summary(node),
            "children": [collection_summary(c) for c in children],
            "records": [record_summary(r) for r in page.object_list],
            "page": page.number,
            "pages": page.paginator.num_pages,
        })
    return render(request, "readingroom/collection.html", {"collection": node, "children": children, "page": page})
