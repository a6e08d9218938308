from __future__ import annotations

from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from readingroom.catalog.dates import display_date
from readingroom.catalog.languages import language_name
from readingroom.catalog.models import Record
from readingroom.web.interface_language import current
from readingroom.web.serializers import record_summary
from readingroom.web.views.browse import collection_tree


def archive_languages(visible, locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the original languages of visible records, most common first; names in `locale`."""
    counts: dict[str, int] = {}
    # Distinct language lists are few (["en"], ["ru"], ["ru", "en"]...) even for a large archive.
    for langs, n in _language_lists(visible):
        for code in langs or []:
            counts[code] = counts.get(code, 0) + n
    return [(code, language_name(code, locale)) for code, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _language_lists(visible):
    from django.db.models import Count

    return visible.values_list("languages").annotate(n=Count("id")).order_by()


def home(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    visible = Record.objects.visible_to(request.user)
    roots = collection_tree(visible)
    span = visible.aggregate(first=Min("date_start"), last=Max("date_end"), last_start=Max("date_start"))
    last = max(d for d in (span["last"], span["last_start"]) if d) if (span["last"] or span["last_start"]) else None
    locale = current()
    languages = archive_languages(visible, locale)
    recent = visible.order_by("-created", "public_id").only("public_id", "title", "date_edtf")[:12]
    total = visible.count()
    if as_json:
        return JsonResponse({
            "records": total,
            "date_span": {"first": span["first"].isoformat() if span["first"] else None,
                          "last": last.isoformat() if last else None},
            "languages": [{"code": c, "name": n} for c, n in languages],
            "collections": [
                {"identifier": n.collection.identifier, "title": n.collection.title,
                 "url": n.collection.get_absolute_url(), "records": n.total}
                for n in roots
            ],
            "recent": [record_summary(r) for r in recent],
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/home.html", {
        "collections": roots, "recent": recent, "total": total, "languages": languages,
        "first": display_date(span["first"].isoformat(), locale) if span["first"] else None,
        "last": display_date(last.isoformat(), locale) if last else None,
    })
