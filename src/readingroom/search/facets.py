"""Facet counts for the current query, computed by Tantivy aggregations on fast fields.

Several values may be selected in a dimension (they are ORed); each dimension's counts are computed
with the other dimensions' selections applied but not its own, so the reader sees what adding another
value would bring ("multi-select" faceting)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from tantivy import Occur, Query

from readingroom.catalog.dates import decade_name, display_date
from readingroom.catalog.languages import language_name

from . import months
from .schema import FACET_FIELDS, INTEGER_FACETS, build_schema
from .searchers import Searchers

DIMENSIONS = ["collection", "repository", "decade", "year", "month", "type", "language", "classification", "person",
              "place", "subject", "organization"]
SIZES = {"collection": 200, "repository": 100, "decade": 100, "year": 300, "month": 240, "type": 50, "language": 50,
         "classification": 30, "person": 30, "place": 30, "subject": 30, "organization": 30}
LABELS = {"collection": _("Collection"), "repository": _("Repository"), "decade": _("Decade"), "year": _("Year"),
          "month": _("Month"), "type": _("Document type"),
          "language": _("Language"), "classification": _("Classification"), "person": _("People"),
          "place": _("Places"), "subject": _("Subjects"), "organization": _("Organizations")}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    children: list[FacetValue] = field(default_factory=list)
    url: str = ""  # the page's link that toggles this value (set by the web view)

    def as_dict(self) -> dict:
        data = {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected}
        if self.children:
            data["children"] = [c.as_dict() for c in self.children]
        return data


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "values": [v.as_dict() for v in self.values]}


def field_of(dimension: str) -> str:
    return FACET_FIELDS.get(dimension) or INTEGER_FACETS[dimension]


def clean_selection(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Known dimensions only; integer dimensions only with integer values."""
    selection: dict[str, list[str]] = {}
    for dimension, values in raw.items():
        if dimension not in DIMENSIONS:
            continue
        kept = [v for v in dict.fromkeys(values) if v and len(v) <= 300
                and (dimension not in INTEGER_FACETS or v.lstrip("-").isdigit())
                and (dimension != months.DIMENSION or months.parse(v))]
        if kept:
            selection[dimension] = kept[:20]
    return selection


def selection_filter(dimension: str, values: list[str]) -> Query:
    if dimension == months.DIMENSION:
        return months.month_filter(values)
    schema = build_schema()
    name = field_of(dimension)
    terms = [int(v) for v in values] if dimension in INTEGER_FACETS else values
    return Query.term_set_query(schema, name, terms)


def combine(base: Query, filters: list[Query]) -> Query:
    if not filters:
        return base
    return Query.boolean_query([(Occur.Must, base), *((Occur.Must, f) for f in filters)])


def count_facets(searcher: Searchers, base: Query, selection: dict[str, list[str]],
                 dimensions: list[str] = DIMENSIONS) -> dict[str, list[tuple[str, int]]]:
    """{dimension: [(value, count), ...]} for the base query under the current selection."""
    filters = {d: selection_filter(d, v) for d, v in selection.items()}
    unselected = [d for d in dimensions if d not in selection]
    counts: dict[str, list[tuple[str, int]]] = {}
    plans: list[tuple[Query, list[str]]] = []
    if unselected:
        plans.append((combine(base, list(filters.values())), unselected))
    for dimension in selection:
        if dimension in dimensions:
            others = [f for d, f in filters.items() if d != dimension]
            plans.append((combine(base, others), [dimension]))
    month_years = months.years_to_count(selection)[:SIZES[months.DIMENSION] // 12]
    for query, dims in plans:
        # Months are counted only within the selected years (see months.py); otherwise not at all.
        dims = [d for d in dims if d != months.DIMENSION or month_years]
        if not dims:
            continue
        request = {d: months.aggregation(month_years) if d == months.DIMENSION else
                   {"terms": {"field": field_of(d), "size": SIZES[d]}} for d in dims}
        result = searcher.aggregate(query, request)
        for d in dims:
            if d == months.DIMENSION:
                counts[d] = months.buckets(result.get(d, {}))
                continue
            buckets = result.get(d, {}).get("buckets", [])
            counts[d] = [(str(b["key"]), int(b["doc_count"])) for b in buckets if b.get("doc_count")]
    return counts


class Labels:
    """Display names for facet values (collection titles and tree, authority names), cached per process
    for a short while: a facet column must not cost a catalogue query per value on every search."""

    TTL = 60.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.loaded_at = 0.0
        self.collections: dict[str, tuple[str, str | None]] = {}
        self.authorities: dict[str, str] = {}

    def _fresh(self) -> None:
        if time.monotonic() - self.loaded_at > self.TTL:
            from readingroom.catalog.models import Collection

            rows = Collection.objects.values_list("identifier", "title", "parent__identifier")
            self.collections = {ident: (title, parent) for ident, title, parent in rows}
            self.authorities = {}
            self.loaded_at = time.monotonic()

    def collection(self, identifier: str) -> tuple[str, str | None]:
        with self.lock:
            self._fresh()
            return self.collections.get(identifier, (identifier, None))

    def authority_names(self, identifiers: list[str]) -> dict[str, str]:
        from readingroom.catalog.models import Authority

        with self.lock:
            self._fresh()
            missing = [i for i in identifiers if i not in self.authorities]
            if missing:
                found = dict(Authority.objects.filter(identifier__in=missing).values_list("identifier", "preferred_name"))
                for identifier in missing:
                    self.authorities[identifier] = found.get(identifier, identifier)
            return {i: self.authorities[i] for i in identifiers}


labels = Labels()


def present(counts: dict[str, list[tuple[str, int]]], selection: dict[str, list[str]]) -> list[Facet]:
    """Counts with labels a reader understands, in display order; collections as a tree."""
    authority_ids = [v for d in ("person", "place", "subject", "organization") for v, _ in counts.get(d, [])]
    names = labels.authority_names(authority_ids)
    facets: list[Facet] = []
    for dimension in DIMENSIONS:
        pairs = counts.get(dimension, [])
        chosen = set(selection.get(dimension, []))
        # A selected value the query no longer matches still shows, with 0, so it can be unselected.
        pairs = pairs + [(v, 0) for v in chosen if v not in {p for p, _ in pairs}]
        if dimension == "collection":
            values = _collection_tree(pairs, chosen)
        else:
            values = [FacetValue(v, _label(dimension, v, names), c, v in chosen) for v, c in pairs]
            if dimension in INTEGER_FACETS:
                values.sort(key=lambda fv: int(fv.value))
            elif dimension == months.DIMENSION:
                values.sort(key=lambda fv: months.parse(fv.value) or (0, 0))
        if values:
            facets.append(Facet(dimension, LABELS[dimension], values))
    return facets


def _label(dimension: str, value: str, names: dict[str, str]) -> str:
    if dimension in {"person", "place", "subject", "organization"}:
        return names.get(value, value)
    if dimension == "language":
        return language_name(value, get_language())  # in the reader's interface language
    if dimension == "decade":
        return decade_name(int(value), get_language()) if value.lstrip("-").isdigit() else value
    if dimension == months.DIMENSION:
        return display_date(value, get_language())
    if dimension == "type":
        return value.capitalize()
    return value


def _collection_tree(pairs: list[tuple[str, int]], chosen: set[str]) -> list[FacetValue]:
    items: dict[str, FacetValue] = {}
    parents: dict[str, str | None] = {}
    for ident, n in pairs:
        title, parent = labels.collection(ident)
        items[ident] = FacetValue(ident, title, n, ident in chosen)
        parents[ident] = parent
    roots: list[FacetValue] = []
    for ident, item in items.items():
        parent = parents[ident]
        if parent in items:
            items[parent].children.append(item)
        else:
            roots.append(item)
    return roots
