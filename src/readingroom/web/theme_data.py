"""What a theme (a curated collection) shows, shared by its page and its JSON twin, which the API serves too.

What the public sees of a theme is built from `Record.objects.public()` only: a restricted record in a
published theme leaves no title, count, date or place behind. Staff see every record, marked, and can
open drafts (their preview); for everyone else a draft does not exist (a 404, like a missing slug)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404

from readingroom.catalog import addresses
from readingroom.catalog.models import Authority, Page, RecordAuthority, visible_q
from readingroom.catalog.themes import Theme, ThemeEntry, ThemeSection
from readingroom.standards.catalogue_json import record_summary
from readingroom.web import markdown
from readingroom.web.access import sees_restricted
from readingroom.web.nearby import UNDATED

COVER_BOX = (600, 400)  # the largest cover shown, in CSS pixels

@dataclass
class Cover:
    page_id: int
    width: int | None
    height: int | None

    @property
    def url(self) -> str:
        return addresses.iiif_image(self.page_id, f"!{COVER_BOX[0]},{COVER_BOX[1]}")


@dataclass
class Group:
    """A section of a theme (or the records before any section) and its visible entries, in order."""

    section: ThemeSection | None
    entries: list[ThemeEntry] = field(default_factory=list)


def cover_of(theme: Theme, staff: bool) -> Cover | None:
    page: Page | None = theme.cover_page
    if page is None or not (staff or page.content.record.is_public()):
        return None  # a restricted record's scan is no cover for the public (IIIF refuses it too)
    width, height = page.width, page.height
    if width and height:  # the size the image is served at, so the page does not jump while it loads
        scale = min(COVER_BOX[0] / width, COVER_BOX[1] / height, 1)
        width, height = round(width * scale), round(height * scale)
    return Cover(page.pk, width, height)


def cover_json(cover: Cover | None, theme: Theme) -> dict | None:
    return None if cover is None else {"page": cover.page_id, "image": cover.url, "alt": theme.cover_alt}


def visible_themes(request: HttpRequest):
    return Theme.objects.visible_to(request.user).select_related("cover_page__content__record")


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
        "cover": cover_json(cover, item),
        "count": sum(len(g.entries) for g in groups),
        "sections": [{"title": g.section.title if g.section else None,
                      "intro": g.section.intro if g.section else "",
                      "intro_html": markdown.render(g.section.intro) if g.section else "",
                      "records": [_entry_json(e, staff) for e in g.entries]} for g in groups],
        "timeline": [{"date": stop["date"], "records": [r.public_id for r in stop["records"]]} for stop in timeline],
        "places": [{"id": p.identifier, "name": p.preferred_name, "url": p.get_absolute_url(),
                    "records": p.theme_records} for p in places],
    }


@dataclass
class ThemeContents:
    theme: Theme
    entries: list[ThemeEntry]  # the visible ones, each marked `restricted` or not
    groups: list[Group]
    timeline: list[dict]
    places: list[Authority]
    cover: Cover | None
    staff: bool


def theme_contents(request: HttpRequest, slug: str) -> ThemeContents:
    """The theme and what this reader may see of it; a 404 for a missing slug or another's draft."""
    staff = sees_restricted(request.user)
    item = get_object_or_404(visible_themes(request), slug=slug)
    entries = list(item.entries.filter(visible_q(request.user, "record__"))
                   .select_related("record", "section").order_by("position", "pk"))
    for entry in entries:
        entry.restricted = not entry.record.is_public()  # only staff get this far with one
    return ThemeContents(item, entries, _groups(item, entries), _timeline(entries),
                         _places([e.record_id for e in entries]), cover_of(item, staff), staff)


def theme_json(request: HttpRequest, slug: str) -> JsonResponse:
    """/themes/<slug>.json, and the API's theme."""
    found = theme_contents(request, slug)
    return JsonResponse(_theme_json(found.theme, found.cover, found.groups, found.timeline, found.places,
                                    found.staff), json_dumps_params={"ensure_ascii": False})
