"""Which catalogue pages a reader may open. A page about an authority or a collection speaks of its
records, so when none of them is visible to the reader the page does not exist for them (a 404, like a
missing one): its guessable address must not reveal a name, a title or a description."""

from __future__ import annotations

from readingroom.catalog.models import Collection


def sees_restricted(user) -> bool:
    """Staff see every record (Record.objects.visible_to), so every page about records."""
    return bool(user is not None and getattr(user, "is_staff", False))


def collections_with_records(node: Collection, visible) -> set[int]:
    """The pks of `node` and of the collections below it that hold visible records, directly or further
    down. Two queries whatever the depth: collections are few beside records, so the tree is read whole."""
    children: dict[int, list[int]] = {}
    for pk, parent in Collection.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    parents: dict[int, int | None] = {node.pk: None}
    stack = [node.pk]
    while stack:
        pk = stack.pop()
        for child in children.get(pk, []):
            if child not in parents:  # a (mis-imported) cycle is walked once
                parents[child] = pk
                stack.append(child)
    holding = visible.filter(collection_id__in=list(parents)).values_list("collection_id", flat=True).distinct()
    shown: set[int] = set()
    for pk in holding:
        current: int | None = pk
        while current is not None and current not in shown:  # the walk up stops at node, whose parent is None
            shown.add(current)
            current = parents[current]
    return shown
