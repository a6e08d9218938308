from __future__ import annotations

from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from readingroom.catalog import counts as kept
from readingroom.catalog.dates import display_date
from readingroom.catalog.languages import language_name
from readingroom.catalog.models import CountedRecord, Record, sees_restricted
from readingroom.standards.catalogue_json import record_summary
from readingroom.web.interface_language import current
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


def _public_summary(locale: str) -> tuple[int, dict, list[tuple[str, str]], list]:
    """Total, date span, languages and recent records of the public archive, from the kept counts and the
    indexed dates of the counted records (no scan of the catalogue)."""
    kept.ensure_current()
    total = kept.total()
    dated = CountedRecord.objects.filter(date_start__isnull=False)
    first = dated.order_by("date_start").values_list("date_start", flat=True).first()
    ends = [dated.order_by("-date_start").values_list("date_start", flat=True).first(),
            CountedRecord.objects.filter(date_end__isnull=False).order_by("-date_end")
            .values_list("date_end", flat=True).first()]
    languages = kept.dimension("l")
    names = [(code, language_name(code, locale)) for code, _ in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))]
    newest = list(CountedRecord.objects.order_by("-created", "-record_id").values_list("record_id", flat=True)[:12])
    by_pk = Record.objects.only("public_id", "title", "date_edtf").in_bulk(newest)
    recent = [by_pk[pk] for pk in newest if pk in by_pk]
    return total, {"first": first, "last": max((d for d in ends if d), default=None)}, names, recent


def home(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    visible = Record.objects.visible_to(request.user)
    locale = current()
    if sees_restricted(request.user):
        roots = collection_tree(visible)
        span = visible.aggregate(first=Min("date_start"), last_end=Max("date_end"), last_start=Max("date_start"))
        span["last"] = max((d for d in (span["last_end"], span["last_start"]) if d), default=None)
        languages = archive_languages(visible, locale)
        recent = visible.order_by("-created", "public_id").only("public_id", "title", "date_edtf")[:12]
        total = visible.count()
    else:
        total, span, languages, recent = _public_summary(locale)
        roots = collection_tree(visible, public=True)
    last = span["last"]
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
