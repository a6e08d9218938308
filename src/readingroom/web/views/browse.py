"""Browsing without a query: the arrangement tree, a date timeline, and A-Z lists of authorities.

Every count is over the records this reader may see, so a restricted record never shows up even as a number.
Each page runs a fixed number of queries whatever the size of the archive (aggregates, not loops).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth, ExtractYear, Substr, Upper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from readingroom.catalog.dates import decade_name, display_date, month_name, year_name
from readingroom.catalog.models import Authority, Collection, NameVariant, Record, RecordAuthority, Repository
from readingroom.web import histogram
from readingroom.web.interface_language import current
from readingroom.web.serializers import record_summary

PER_PAGE = 50
KINDS = {"people": "person", "places": "place", "organizations": "organization", "subjects": "subject"}
CAPTIONS = {"decades": (_("Records by decade"), _("Decade")), "years": (_("Records by year"), _("Year")),
            "months": (_("Records by month"), _("Month")), "records": (_("Records by month"), _("Month"))}
TITLES = {"people": _("People"), "places": _("Places"), "organizations": _("Organizations"), "subjects": _("Subjects")}


def index(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    visible = Record.objects.visible_to(request.user)
    counts = authority_totals(visible)
    data = {
        "records": visible.count(),
        "undated": visible.filter(date_start__isnull=True).count(),
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


def collection_tree(visible) -> list[Node]:
    """Root nodes with visible-record totals (descendants included), and below them only the nodes holding
    visible records. Three queries in all."""
    nodes = {c.pk: Node(c) for c in Collection.objects.select_related("repository").order_by("position", "title")}
    for row in visible.filter(collection__isnull=False).values("collection_id").annotate(n=Count("id")):
        nodes[row["collection_id"]].direct = row["n"]
    rows = (visible.filter(collection__isnull=False).exclude(container="")
            .values("collection_id", "container", "folder").annotate(n=Count("id"))
            .order_by("collection_id", "container", "folder"))
    for row in rows:
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
    roots = collection_tree(Record.objects.visible_to(request.user))
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


def dates(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    """Decades, then years of a decade, then months of a year; records listed once narrowed to a year or month.

    A record counts under the day it starts (a span 1943-1945 is under 1943).
    """
    visible = Record.objects.visible_to(request.user)
    decade = _int(request.GET.get("decade"), 0, 9990)
    year = _int(request.GET.get("year"), 1, 9999)
    month = _int(request.GET.get("month"), 1, 12) if year else None
    if decade is not None:
        decade -= decade % 10
    if year is not None:
        decade = year - year % 10
    dated = visible.filter(date_start__isnull=False)
    locale = current()
    bars: list[dict] = []
    records = None
    if year is None and decade is None:
        level, heading = "decades", _("All dates")
        by_year = dated.annotate(y=ExtractYear("date_start")).values("y").annotate(n=Count("id")).order_by("y")
        decades: dict[int, int] = {}
        for row in by_year:
            decades[row["y"] - row["y"] % 10] = decades.get(row["y"] - row["y"] % 10, 0) + row["n"]
        bars = [{"label": decade_name(d, locale), "count": n, "query": f"decade={d}"} for d, n in sorted(decades.items())]
    elif year is None:
        level, heading = "years", decade_name(decade, locale)
        rows = (dated.filter(date_start__year__gte=decade, date_start__year__lte=decade + 9)
                .annotate(y=ExtractYear("date_start")).values("y").annotate(n=Count("id")).order_by("y"))
        bars = [{"label": str(r["y"]), "count": r["n"], "query": f"year={r['y']}"} for r in rows]
    else:
        in_year = dated.filter(date_start__year=year)
        rows = in_year.annotate(m=ExtractMonth("date_start")).values("m").annotate(n=Count("id")).order_by("m")
        bars = [{"label": month_name(r["m"], locale), "count": r["n"], "query": f"year={year}&month={r['m']}",
                 "current": r["m"] == month} for r in rows]
        if month is None:
            level, heading, records = "months", year_name(year, locale), in_year
        else:
            level, heading = "records", display_date(f"{year:04d}-{month:02d}", locale)
            records = in_year.filter(date_start__month=month)
    page = None
    if records is not None:
        page = Paginator(records.order_by("date_start", "public_id").only("public_id", "title", "date_edtf"),
                         PER_PAGE).get_page(request.GET.get("page"))
    caption, unit = CAPTIONS[level]
    chart = histogram.build(caption, unit, [
        histogram.Bar(b["label"], b["count"], f"?{b['query']}", bool(b.get("current"))) for b in bars])
    context = {
        "level": level, "heading": heading, "bars": bars, "histogram": chart, "page": page, "decade": decade, "year": year,
        "month": month, "undated": visible.filter(date_start__isnull=True).count() if level == "decades" else None,
        "page_query": _page_query(request),
        "decade_label": decade_name(decade, locale) if decade is not None else "",
        "year_label": year_name(year, locale) if year else "",
    }
    if as_json:
        return JsonResponse({
            "level": level, "heading": heading, "bars": [{k: b[k] for k in ("label", "count", "query")} for b in bars],
            "undated": context["undated"],
            "records": [record_summary(r) for r in page.object_list] if page else [],
            "page": page.number if page else None, "pages": page.paginator.num_pages if page else None,
        })
    return render(request, "readingroom/browse_dates.html", context)


def _page_query(request: HttpRequest) -> str:
    """The current query string without `page`, for pagination links that keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---- A-Z lists of authorities --------------------------------------------------------------------

def authorities(request: HttpRequest, plural: str, as_json: bool = False) -> HttpResponse:
    kind = KINDS[plural]
    visible = Record.objects.visible_to(request.user)
    text = (request.GET.get("q") or "").strip()[:100]
    letter = (request.GET.get("letter") or "").strip().upper()[:1]  # "#": names not starting with A-Z
    counted = Authority.objects.filter(kind=kind, merged_into__isnull=True).annotate(
        record_count=Count("record_links__record", filter=Q(record_links__record__in=visible), distinct=True),
    ).filter(record_count__gt=0)
    letters = {
        row["initial"]: row["n"]
        for row in counted.annotate(initial=Upper(Substr("preferred_name", 1, 1)))
        .values("initial").annotate(n=Count("id", distinct=True)).order_by()
    }
    items = counted
    if text:
        variant_match = NameVariant.objects.filter(authority=OuterRef("pk"), name__icontains=text)
        items = items.filter(Q(preferred_name__icontains=text) | Exists(variant_match))
    if letter == "#":
        items = items.filter(preferred_name__regex=r"^[^A-Za-z]")
    elif letter in string.ascii_uppercase and letter:
        items = items.filter(preferred_name__istartswith=letter)
    page = Paginator(items.order_by("preferred_name", "identifier"), PER_PAGE).get_page(request.GET.get("page"))
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
            "page": page.number, "pages": page.paginator.num_pages,
        }, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/browse_authorities.html", {
        "plural": plural, "title": TITLES[plural], "page": page, "filter": text, "letter": letter,
        "alphabet": alphabet, "others": others, "page_query": _page_query(request),
    })

