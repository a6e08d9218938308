"""Browsing without a query: the arrangement tree, a date timeline, and A-Z lists of authorities.

Every count is over the records this reader may see, so a restricted record never shows up even as a number.
The public's counts are read from the kept tables of catalog/counts.py (a few rows, whatever the size of
the archive); staff, who see restricted records too, get counts over the catalogue itself. Lists are
paginated by key (web/keyset.py).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractMonth, ExtractYear, Substr, Upper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from readingroom.catalog import counts as kept
from readingroom.catalog.dates import decade_name, display_date, month_name, year_name
from readingroom.catalog.models import (
    Authority,
    AuthorityCount,
    Collection,
    NameVariant,
    Record,
    RecordAuthority,
    Repository,
    sees_restricted,
)
from readingroom.standards.catalogue_json import record_summary
from readingroom.web import histogram, keyset
from readingroom.web.interface_language import current

PER_PAGE = 50
KINDS = {"people": "person", "places": "place", "organizations": "organization", "subjects": "subject"}
CAPTIONS = {"decades": (_("Records by decade"), _("Decade")), "years": (_("Records by year"), _("Year")),
            "months": (_("Records by month"), _("Month")), "records": (_("Records by month"), _("Month"))}
TITLES = {"people": _("People"), "places": _("Places"), "organizations": _("Organizations"), "subjects": _("Subjects")}


def index(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    if sees_restricted(request.user):
        visible = Record.objects.all()
        counts = authority_totals(visible)
        records, undated = visible.count(), visible.filter(date_start__isnull=True).count()
    else:
        kept.ensure_current()
        counts = public_authority_totals()
        months = kept.dimension("m")
        records, undated = sum(months.values()), months.get("", 0)
    data = {
        "records": records,
        "undated": undated,
        "authorities": {plural: counts.get(kind, 0) for plural, kind in KINDS.items()},
    }
    if as_json:
        return JsonResponse(data)
    return render(request, "readingroom/browse.html", {"counts": data, "titles": TITLES})


def authority_totals(visible) -> dict[str, int]:
    """How many authorities of each kind have at least one visible record (one query)."""
    linked = RecordAuthority.objects.filter(authority=OuterRef("pk"), record__in=visible)
    rows = Authority.objects.filter(Exists(linked), merged_into__isnull=True).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def public_authority_totals() -> dict[str, int]:
    rows = (AuthorityCount.objects.filter(records__gt=0, authority__merged_into__isnull=True)
            .values("authority__kind").annotate(n=Count("pk")).order_by())
    return {row["authority__kind"]: row["n"] for row in rows}


# ---- the arrangement tree ------------------------------------------------------------------------

@dataclass
class Node:
    collection: Collection
    direct: int = 0
    total: int = 0
    children: list[Node] = field(default_factory=list)
    # (container, records, [(folder, records), ...]) for the boxes and folders records of this node sit in
    containers: list[tuple[str, int, list[tuple[str, int]]]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "identifier": self.collection.identifier,
            "title": self.collection.title,
            "level": self.collection.level,
            "url": self.collection.get_absolute_url(),
            "records": self.total,
            "containers": [{"container": c, "records": n, "folders": [{"folder": f, "records": m} for f, m in folders]}
                           for c, n, folders in self.containers],
            "children": [child.as_dict() for child in self.children],
        }


def _direct_counts(visible) -> tuple[dict[int, int], list[dict]]:
    """Records filed directly in each collection, and per (collection, box, folder), sorted."""
    direct = {row["collection_id"]: row["n"] for row in
              visible.filter(collection__isnull=False).values("collection_id").annotate(n=Count("id"))}
    rows = list(visible.filter(collection__isnull=False).exclude(container="")
                .values("collection_id", "container", "folder").annotate(n=Count("id"))
                .order_by("collection_id", "container", "folder"))
    return direct, rows


def _public_direct_counts() -> tuple[dict[int, int], list[dict]]:
    direct = {int(key): n for key, n in kept.dimension("c").items()}
    rows = []
    for key, n in kept.dimension("b").items():
        collection, container, folder = key.split(kept.SEP, 2)
        rows.append({"collection_id": int(collection), "container": container, "folder": folder, "n": n})
    rows.sort(key=lambda r: (r["collection_id"], r["container"], r["folder"]))
    return direct, rows


def collection_tree(visible, public: bool = False) -> list[Node]:
    """Root nodes with visible-record totals (descendants included), and below them only the nodes holding
    visible records. Three queries in all; for the public (`public`), the counts are the kept ones."""
    nodes = {c.pk: Node(c) for c in Collection.objects.select_related("repository").order_by("position", "title")}
    direct, rows = _public_direct_counts() if public else _direct_counts(visible)
    for pk, n in direct.items():
        if pk in nodes:
            nodes[pk].direct = n
    for row in rows:
        if row["collection_id"] not in nodes:
            continue
        boxes = nodes[row["collection_id"]].containers
        if not boxes or boxes[-1][0] != row["container"]:
            boxes.append((row["container"], 0, []))
        container, total, folders = boxes[-1]
        if row["folder"]:
            folders.append((row["folder"], row["n"]))
        boxes[-1] = (container, total + row["n"], folders)
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.collection.parent_id) if node.collection.parent_id else None
        (parent.children if parent else roots).append(node)

    def total(node: Node, depth: int = 0) -> int:
        # depth guard: a (mis-imported) cycle in the tree must not hang the page
        node.total = node.direct + (sum(total(child, depth + 1) for child in node.children) if depth < 50 else 0)
        # A series without visible records is left out like an empty root: its title would tell of them.
        node.children = [child for child in node.children if child.total]
        return node.total

    for root in roots:
        total(root)
    return [root for root in roots if root.total]


def collections_tree(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    public = not sees_restricted(request.user)
    if public:
        kept.ensure_current()
    roots = collection_tree(Record.objects.visible_to(request.user), public)
    by_repository: dict[int | None, list[Node]] = {}
    for node in roots:
        by_repository.setdefault(node.collection.repository_id, []).append(node)
    repositories = {r.pk: r for r in Repository.objects.filter(pk__in=[k for k in by_repository if k])}
    groups = [(repositories.get(key) if key else None, nodes) for key, nodes in by_repository.items()]
    groups.sort(key=lambda g: (g[0] is None, g[0].name if g[0] else ""))
    page = Paginator(groups, 20).get_page(request.GET.get("page"))
    if as_json:
        return JsonResponse({
            "repositories": [
                {"name": repo.name if repo else None, "place": repo.place if repo else None,
                 "collections": [n.as_dict() for n in nodes]}
                for repo, nodes in page.object_list
            ],
            "page": page.number, "pages": page.paginator.num_pages,
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/browse_collections.html", {"page": page})


# ---- the date timeline ---------------------------------------------------------------------------

def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


DATE_ORDER = keyset.Order(("date_start", "public_id"), (keyset.DATE, keyset.TEXT),
                          lambda r: (r.date_start, r.public_id))


def _month_counts(visible, public: bool) -> dict[tuple[int, int], int]:
    """(year, month) -> records starting then; (0, 0) for the undated."""
    if public:
        return {(int(key[:4]), int(key[5:7])) if key else (0, 0): n for key, n in kept.dimension("m").items()}
    rows = (visible.annotate(y=ExtractYear("date_start"), m=ExtractMonth("date_start")).values("y", "m")
            .annotate(n=Count("id")).order_by())
    return {(row["y"] or 0, row["m"] or 0): row["n"] for row in rows}


def dates(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    """Decades, then years of a decade, then months of a year; records listed once narrowed to a year or month.

    A record counts under the day it starts (a span 1943-1945 is under 1943). The bars come from one
    count per month (kept for the public), summed here: a few hundred rows for any archive.
    """
    public = not sees_restricted(request.user)
    if public:
        kept.ensure_current()
    visible = Record.objects.visible_to(request.user)
    decade = _int(request.GET.get("decade"), 0, 9990)
    year = _int(request.GET.get("year"), 1, 9999)
    month = _int(request.GET.get("month"), 1, 12) if year else None
    if decade is not None:
        decade -= decade % 10
    if year is not None:
        decade = year - year % 10
    months = _month_counts(visible, public)
    undated = months.pop((0, 0), 0)
    locale = current()
    bars: list[dict] = []
    records = None
    if year is None and decade is None:
        level, heading = "decades", _("All dates")
        decades: dict[int, int] = {}
        for (y, _m), n in months.items():
            decades[y - y % 10] = decades.get(y - y % 10, 0) + n
        bars = [{"label": decade_name(d, locale), "count": n, "query": f"decade={d}"} for d, n in sorted(decades.items())]
    elif year is None:
        level, heading = "years", decade_name(decade, locale)
        years: dict[int, int] = {}
        for (y, _m), n in months.items():
            if decade <= y <= decade + 9:
                years[y] = years.get(y, 0) + n
        bars = [{"label": str(y), "count": n, "query": f"year={y}"} for y, n in sorted(years.items())]
    else:
        bars = [{"label": month_name(m, locale), "count": n, "query": f"year={year}&month={m}", "current": m == month}
                for (y, m), n in sorted(months.items()) if y == year]
        low = dt.date(year, month or 1, 1)
        high = dt.date(year + 1, 1, 1) if (month or 12) == 12 else dt.date(year, (month or 0) + 1, 1)
        records = visible.filter(date_start__gte=low, date_start__lt=high)  # a range the date index answers
        if month is None:
            level, heading = "months", year_name(year, locale)
        else:
            level, heading = "records", display_date(f"{year:04d}-{month:02d}", locale)
    page = None
    if records is not None:
        rows = records.only("public_id", "title", "date_edtf", "date_start")
        moved = keyset.old_page_redirect(request, rows, DATE_ORDER, PER_PAGE)
        if moved:
            return moved
        page = keyset.paginate(request, rows, DATE_ORDER, PER_PAGE)
    caption, unit = CAPTIONS[level]
    chart = histogram.build(caption, unit, [
        histogram.Bar(b["label"], b["count"], f"?{b['query']}", bool(b.get("current"))) for b in bars])
    context = {
        "level": level, "heading": heading, "bars": bars, "histogram": chart, "page": page, "decade": decade, "year": year,
        "month": month, "undated": undated if level == "decades" else None,
        "decade_label": decade_name(decade, locale) if decade is not None else "",
        "year_label": year_name(year, locale) if year else "",
    }
    if as_json:
        return JsonResponse({
            "level": level, "heading": heading, "bars": [{k: b[k] for k in ("label", "count", "query")} for b in bars],
            "undated": context["undated"],
            "records": [record_summary(r) for r in page.object_list] if page else [],
            **(_links(page) if page else {"next": None, "previous": None}),
        })
    return render(request, "readingroom/browse_dates.html", context)


def _links(page: keyset.Page) -> dict[str, str | None]:
    return {"next": page.link_next, "previous": page.link_previous}


def _page_query(request: HttpRequest) -> str:
    """The current query string without `page`, for pagination links that keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---- A-Z lists of authorities --------------------------------------------------------------------

NAME_ORDER = keyset.Order(("preferred_name", "identifier"), (keyset.TEXT, keyset.TEXT),
                          lambda a: (a.preferred_name, a.identifier))


def _counted(kind: str, user) -> object:
    """The authorities of a kind with visible records, each with `record_count`."""
    names = Authority.objects.filter(kind=kind, merged_into__isnull=True)
    if not sees_restricted(user):
        kept.ensure_current()
        return names.filter(public_count__records__gt=0).annotate(record_count=F("public_count__records"))
    return names.annotate(record_count=Count("record_links__record", distinct=True)).filter(record_count__gt=0)


def authorities(request: HttpRequest, plural: str, as_json: bool = False) -> HttpResponse:
    kind = KINDS[plural]
    text = (request.GET.get("q") or "").strip()[:100]
    letter = (request.GET.get("letter") or "").strip().upper()[:1]  # "#": names not starting with A-Z
    counted = _counted(kind, request.user)
    items = counted
    if text:
        variant_match = NameVariant.objects.filter(authority=OuterRef("pk"), name__icontains=text)
        items = items.filter(Q(preferred_name__icontains=text) | Exists(variant_match))
    if letter == "#":
        items = items.filter(preferred_name__regex=r"^[^A-Za-z]")
    elif letter in string.ascii_uppercase and letter:
        items = items.filter(preferred_name__istartswith=letter)
    moved = keyset.old_page_redirect(request, items, NAME_ORDER, PER_PAGE)
    if moved:
        return moved
    page = keyset.paginate(request, items, NAME_ORDER, PER_PAGE)
    letters = {
        row["initial"]: row["n"]
        for row in counted.annotate(initial=Upper(Substr("preferred_name", 1, 1)))
        .values("initial").annotate(n=Count("id", distinct=True)).order_by()
    }
    alphabet = [(ch, letters.get(ch, 0)) for ch in string.ascii_uppercase]
    others = sum(n for ch, n in letters.items() if ch not in string.ascii_uppercase)
    if as_json:
        return JsonResponse({
            "kind": kind, "filter": text, "letter": letter,
            "letters": {**dict(alphabet), "#": others},
            "items": [
                {"id": a.identifier, "name": a.preferred_name, "dates": a.dates, "records": a.record_count,
                 "url": a.get_absolute_url()}
                for a in page.object_list
            ],
            **_links(page),
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/browse_authorities.html", {
        "plural": plural, "title": TITLES[plural], "page": page, "filter": text, "letter": letter,
        "alphabet": alphabet, "others": others,
    })
