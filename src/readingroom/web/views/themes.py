"""Themes (curated collections): the list at /themes/ and each theme's page, with their JSON twins.

What the public sees of a theme is built from `Record.objects.public()` only: a restricted record in a
published theme leaves no title, count, date or place behind. Staff see every record, marked, and can
open drafts (their preview); for everyone else a draft does not exist (a 404, like a missing slug)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from readingroom.catalog.models import Authority, Page, RecordAuthority, visible_q
from readingroom.catalog.themes import Theme, ThemeEntry, ThemeSection
from readingroom.web import markdown
from readingroom.web.access import sees_restricted
from readingroom.web.interface_language import current
from readingroom.web.place_map import POPUP_RECORDS, feature_collection, for_records, map_labels
from readingroom.web.serializers import record_summary
from readingroom.web.views.documents import UNDATED

COVER_BOX = (600, 400)  # the largest cover shown, in CSS pixels


@dataclass
class Cover:
    page_id: int
    width: int | None
    height: int | None

    @property
    def url(self) -> str:
        return f"/iiif/image/{self.page_id}/full/!{COVER_BOX[0]},{COVER_BOX[1]}/0/default.jpg"


@dataclass
class Group:
    """A section of a theme (or the records before any section) and its visible entries, in order."""

    section: ThemeSection | None
    entries: list[ThemeEntry] = field(default_factory=list)


def _cover(theme: Theme, staff: bool) -> Cover | None:
    page: Page | None = theme.cover_page
    if page is None or not (staff or page.content.record.is_public()):
        return None  # a restricted record's scan is no cover for the public (IIIF refuses it too)
    width, height = page.width, page.height
    if width and height:  # the size the image is served at, so the page does not jump while it loads
        scale = min(COVER_BOX[0] / width, COVER_BOX[1] / height, 1)
        width, height = round(width * scale), round(height * scale)
    return Cover(page.pk, width, height)


def _cover_json(cover: Cover | None, theme: Theme) -> dict | None:
    return None if cover is None else {"page": cover.page_id, "image": cover.url, "alt": theme.cover_alt}


def _themes(request: HttpRequest):
    return Theme.objects.visible_to(request.user).select_related("cover_page__content__record")


def index(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    staff = sees_restricted(request.user)
    themes = list(_themes(request))
    counts = dict(ThemeEntry.objects.filter(visible_q(request.user, "record__"), theme__in=[t.pk for t in themes])
                  .values_list("theme").annotate(n=Count("pk")).order_by())
    for theme in themes:
        theme.record_count = counts.get(theme.pk, 0)
        theme.cover = _cover(theme, staff)
        theme.excerpt = markdown.first_words(theme.overview)
    if as_json:
        return JsonResponse({
            "count": len(themes),
            "themes": [{"slug": t.slug, "title": t.title, "url": t.get_absolute_url(), "excerpt": t.excerpt,
                        "records": t.record_count, "cover": _cover_json(t.cover, t), "published": t.published}
                       for t in themes],
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/themes.html", {"themes": themes})


def _groups(theme: Theme, entries: list[ThemeEntry]) -> list[Group]:
    """Records without a section first, then each section in order; a section left without visible
    records (and no introduction) is left out rather than shown empty."""
    sections = list(theme.sections.all())
    groups = {None: Group(None)} | {s.pk: Group(s) for s in sections}
    for entry in entries:
        groups.get(entry.section_id, groups[None]).entries.append(entry)
    return [g for g in groups.values() if g.entries or (g.section is not None and g.section.intro.strip())]


def _timeline(entries: list[ThemeEntry]) -> list[dict]:
    """The theme's records by date, one stop per date (undated ones last)."""
    stops: dict[str, dict] = {}
    ordered = sorted(entries, key=lambda e: (e.record.date_start is None, e.record.date_start or UNDATED,
                                             e.record.date_edtf, e.position))
    for entry in ordered:
        record = entry.record
        stop = stops.setdefault(record.date_edtf, {"date": record.date_edtf, "records": []})
        stop["records"].append(record)
    return list(stops.values())


def _places(records: list[int]) -> list[Authority]:
    """Place authorities linked to these records, with `theme_records` (how many of them), by name."""
    counts = dict(RecordAuthority.objects.filter(record_id__in=records, authority__kind=Authority.Kind.PLACE)
                  .values_list("authority").annotate(n=Count("record", distinct=True)).order_by())
    places = list(Authority.objects.filter(pk__in=counts, merged_into__isnull=True).order_by("preferred_name"))
    for place in places:
        place.theme_records = counts[place.pk]
    return places


def theme(request: HttpRequest, slug: str, as_json: bool = False) -> HttpResponse:
    staff = sees_restricted(request.user)
    item = get_object_or_404(_themes(request), slug=slug)
    entries = list(item.entries.filter(visible_q(request.user, "record__"))
                   .select_related("record", "section").order_by("position", "pk"))
    for entry in entries:
        entry.restricted = not entry.record.is_public()  # only staff get this far with one
    groups = _groups(item, entries)
    timeline = _timeline(entries)
    places = _places([e.record_id for e in entries])
    cover = _cover(item, staff)
    if as_json:
        return JsonResponse(_theme_json(item, cover, groups, timeline, places, staff),
                            json_dumps_params={"ensure_ascii": False})
    # The small map draws the same visible records as the list of places beside it.
    geojson = feature_collection(for_records(e.record_id for e in entries), popup_records=POPUP_RECORDS)
    return render(request, "readingroom/theme.html", {
        "theme": item, "cover": cover, "groups": groups, "timeline": timeline, "theme_places": places,
        "theme_map": geojson if geojson["features"] else None, "theme_map_labels": map_labels(geojson, current()),
        "record_count": len(entries), "staff": staff,
    })


def _entry_json(entry: ThemeEntry, staff: bool) -> dict:
    record = entry.record
    data = {**record_summary(record), "document_type": record.document_type, "note": entry.note,
            "note_html": markdown.render(entry.note)}
    if staff:
        data["access_level"] = record.access_level
    return data


def _theme_json(item: Theme, cover: Cover | None, groups: list[Group], timeline: list[dict],
                places: list[Authority], staff: bool) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "url": item.get_absolute_url(),
        "published": item.published,
        "updated": item.updated.isoformat(),
        "overview": item.overview,
        "overview_html": markdown.render(item.overview),
        "cover": _cover_json(cover, item),
        "count": sum(len(g.entries) for g in groups),
        "sections": [{"title": g.section.title if g.section else None,
                      "intro": g.section.intro if g.section else "",
                      "intro_html": markdown.render(g.section.intro) if g.section else "",
                      "records": [_entry_json(e, staff) for e in g.entries]} for g in groups],
        "timeline": [{"date": stop["date"], "records": [r.public_id for r in stop["records"]]} for stop in timeline],
        "places": [{"id": p.identifier, "name": p.preferred_name, "url": p.get_absolute_url(),
                    "records": p.theme_records} for p in places],
    }
