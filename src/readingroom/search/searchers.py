"""The indexes one reader searches, used as one searcher: the public index alone for the public, and for
staff that and the index of withheld records (each record is in exactly one; see index_dir.py).

Across two indexes, hits are merged by score (or by date when sorted by date), counts add up and facet
buckets are summed. Each index scores with its own BM25 statistics, so for staff a withheld record's
score is comparable with a public one's only roughly; the public's results involve one index and are
exactly Tantivy's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import tantivy
from tantivy import Order, Query


@dataclass(frozen=True)
class Address:
    """A document's address in one of the indexes searched."""

    shelf: int  # which index: 0 is the public one
    doc: tantivy.DocAddress


@dataclass
class Found:
    hits: list[tuple[float | None, Address]]  # (score, or the date value when sorted by date; address)
    count: int | None


class Searchers:
    def __init__(self, searchers: list[tantivy.Searcher]) -> None:
        self.searchers = searchers

    def searcher(self, shelf: int) -> tantivy.Searcher:
        return self.searchers[shelf]

    @property
    def num_docs(self) -> int:
        return sum(s.num_docs for s in self.searchers)

    def doc_freq(self, field: str, term: str) -> int:
        return sum(s.doc_freq(field, term) for s in self.searchers)

    def doc(self, address: Address) -> tantivy.Document:
        return self.searchers[address.shelf].doc(address.doc)

    def fast_field_values(self, field: str, addresses: list[Address]) -> list:
        if len(self.searchers) == 1:
            return self.searchers[0].fast_field_values(field, [a.doc for a in addresses])
        values: list = [None] * len(addresses)
        for shelf, searcher in enumerate(self.searchers):
            where = [n for n, a in enumerate(addresses) if a.shelf == shelf]
            if where:
                found = searcher.fast_field_values(field, [addresses[n].doc for n in where])
                for n, value in zip(where, found, strict=True):
                    values[n] = value
        return values

    def search(self, query: Query, limit: int, offset: int = 0, count: bool = True,
               order_by_field: str | None = None, order: Order | None = None) -> Found:
        sorting = {} if order_by_field is None else {"order_by_field": order_by_field, "order": order}
        if len(self.searchers) == 1:
            result = self.searchers[0].search(query, limit=limit, offset=offset, count=count, **sorting)
            return Found([(score, Address(0, doc)) for score, doc in result.hits], result.count)
        # Each index's first offset + limit, merged: the page is among them.
        hits: list[tuple[float | None, Address]] = []
        total = 0
        for shelf, searcher in enumerate(self.searchers):
            result = searcher.search(query, limit=offset + limit, count=count, **sorting)
            hits.extend((score, Address(shelf, doc)) for score, doc in result.hits)
            total += result.count or 0
        if order_by_field is None:
            hits.sort(key=lambda hit: -hit[0])
        else:
            # As Tantivy orders a fast field: a document without a value comes last either way.
            sign = -1 if order == Order.Desc else 1
            hits.sort(key=lambda hit: (hit[0] is None, 0 if hit[0] is None else sign * hit[0]))
        return Found(hits[offset:offset + limit], total if count else None)

    def aggregate(self, query: Query, request: dict) -> dict:
        """Tantivy's aggregation result; across two indexes each bucket's count is the sum, and a terms
        aggregation keeps its `size` largest (as each index's top values are summed, a value just outside
        both tops may be missing, as with any sharded count)."""
        results = [s.aggregate(query, request) for s in self.searchers]
        if len(results) == 1:
            return results[0]
        merged: dict = {}
        for name, spec in request.items():
            counts: Counter = Counter()
            order: dict = {}
            for result in results:
                for bucket in result.get(name, {}).get("buckets", []):
                    counts[bucket["key"]] += int(bucket.get("doc_count", 0))
                    order.setdefault(bucket["key"], len(order))
            keys = list(order)
            if "terms" in spec:
                keys.sort(key=lambda k: (-counts[k], order[k]))
                keys = keys[:spec["terms"].get("size", len(keys))]
            merged[name] = {"buckets": [{"key": k, "doc_count": counts[k]} for k in keys]}
        return merged
