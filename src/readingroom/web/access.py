"""Which catalogue pages a reader may open. A page about an authority or a collection speaks of its
records, so when none of them is visible to the reader the page does not exist for them (a 404, like a
missing one): its guessable address must not reveal a name, a title or a description."""

from __future__ import annotations

from collections.abc import Iterable

from readingroom.catalog import counts
from readingroom.catalog.models import Collection, sees_restricted

__all__ = ["collections_holding", "collections_with_records", "sees_restricted"]


def _parents() -> dict[int, int | None]:
    # Collections are few beside records: the whole tree is one small query.
    return dict(Collection.objects.values_list("pk", "parent_id"))


def _with_ancestors(holding: Iterable[int], parents: dict[int, int | None]) -> set[int]:
    shown: set[int] = set()
    for pk in holding:
        current: int | None = pk
        while current is not None and current in parents and current not in shown:  # a cycle is walked once
            shown.add(current)
            current = parents[current]
    return shown


def _holding(visible, among: Iterable[int] | None = None) -> Iterable[int]:
    """Collections holding visible records directly; for the public (`visible` None), read off the kept
    counts rather than a scan of the records."""
    if visible is None:
        counts.ensure_current()
        holding = [int(pk) for pk in counts.dimension("c")]
        return holding if among is None else [pk for pk in holding if pk in set(among)]
    rows = visible.filter(collection__isnull=False)
    if among is not None:
        rows = visible.filter(collection_id__in=list(among))
    return rows.values_list("collection_id", flat=True).distinct().order_by()


def collections_holding(visible) -> set[int]:
    """The pks of every collection holding visible records, directly or in a series below it (two queries);
    `visible` None for the public's."""
    return _with_ancestors(_holding(visible), _parents())


def collections_with_records(node: Collection, visible) -> set[int]:
    """The pks of `node` and of the collections below it that hold visible records (two queries); `visible`
    None for the public's."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pk, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    subtree: dict[int, int | None] = {node.pk: None}  # node's own parent is left out: the walk up stops at node
    stack = [node.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in subtree:  # a (mis-imported) cycle is walked once
                subtree[child] = parents[child]
                stack.append(child)
    return _with_ancestors(_holding(visible, subtree), subtree)
