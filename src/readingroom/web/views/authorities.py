from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from readingroom.catalog.models import Authority, Record, RecordAuthority
from readingroom.web.serializers import authority_detail, record_summary


def authority(request: HttpRequest, kind: str, identifier: str, as_json: bool = False) -> HttpResponse:
    item = get_object_or_404(Authority.objects.prefetch_related("variants"), kind=kind, identifier=identifier)
    visible = Record.objects.visible_to(request.user)
    links = (
        RecordAuthority.objects.filter(authority=item, record__in=visible)
        .select_related("record")
        .order_by("record__date_start", "record__public_id")
    )
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    if as_json:
        data = authority_detail(item)
        data["records"] = [{**record_summary(link.record), "role": link.role} for link in page.object_list]
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/authority.html", {"authority": item, "page": page})
