"""The document page: a record as the archive shows it, and its JSON twin."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from readingroom.catalog.citations import chicago, record_url
from readingroom.catalog.languages import language_name
from readingroom.catalog.models import Content, Record, RecordAuthority


def visible_record(request: HttpRequest, public_id: str) -> Record:
    """The record if this reader may see it; a 404 otherwise, so restricted ids are not even confirmed."""
    queryset = (
        Record.objects.visible_to(request.user)
        .select_related("repository", "collection", "collection__parent", "collection__parent__parent")
        .prefetch_related(
            Prefetch("contents", queryset=Content.objects.prefetch_related("footnotes", "pages")),
            Prefetch("authority_links", queryset=RecordAuthority.objects.select_related("authority")),
        )
    )
    try:
        return queryset.get(public_id=public_id)
    except Record.DoesNotExist:
        raise Http404(f"No record {public_id}") from None


def document(request: HttpRequest, public_id: str, as_json: bool = False) -> HttpResponse:
    record = visible_record(request, public_id)
    if as_json:
        from readingroom.web.serializers import record_detail

        return JsonResponse(record_detail(record), json_dumps_params={"ensure_ascii": False, "indent": 1})
    links = list(record.authority_links.all())
    groups: dict[str, list[RecordAuthority]] = {}
    for link in links:
        groups.setdefault(link.authority.kind, []).append(link)
    context = {
        "record": record,
        "contents": list(record.contents.all()),
        "citation": chicago(record),
        "permalink": record_url(record),
        "languages": [language_name(c) for c in record.languages],
        "people": groups.get("person", []),
        "places": groups.get("place", []),
        "organizations": groups.get("organization", []),
        "subjects": groups.get("subject", []),
    }
    return render(request, "readingroom/document.html", context)


def document_redirect(request: HttpRequest, public_id: str) -> HttpResponse:
    return redirect("document", public_id=public_id, permanent=True)
