"""Sets: the collection tree (a nested collection's setSpec is its path, `frus1944v04:ch1`) and the
published themes (`theme:<slug>`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from readingroom.catalog.models import Collection
from readingroom.catalog.themes import Theme, ThemeEntry

THEME_PREFIX = "theme:"
# The characters a setSpec segment may hold (the schema's setSpecType); others become "_".
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9\-_.!~*'()]")
SPEC_PATTERN = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    key: tuple[int, int]  # (0 collection | 1 theme, pk): the order of ListSets and of its tokens


class SetMap:
    """Every set of the archive, built once per response (one query for the collections, one for themes)."""

    def __init__(self) -> None:
        rows = {pk: (identifier, parent, title)
                for pk, identifier, parent, title in Collection.objects.values_list("pk", "identifier", "parent_id",
                                                                                     "title")}
        self.collection_specs: dict[int, str] = {pk: self._path(pk, rows) for pk in rows}
        self._titles = {pk: row[2] for pk, row in rows.items()}
        self.themes = {pk: (slug, title) for pk, slug, title in
                       Theme.objects.published().values_list("pk", "slug", "title")}

    @staticmethod
    def _path(pk: int, rows: dict) -> str:
        segments: list[str] = []
        seen: set[int] = set()
        node = pk
        while node is not None and node not in seen and node in rows:
            seen.add(node)
            identifier, parent, _title = rows[node]
            parent_id = rows[parent][0] if parent in rows else ""
            # A child named after its parent (frus1944v04-ch1 below frus1944v04) says only its own part.
            if parent_id and identifier.startswith(parent_id + "-") and len(identifier) > len(parent_id) + 1:
                identifier = identifier[len(parent_id) + 1:]
            segments.append(_NOT_ALLOWED.sub("_", identifier) or "_")
            node = parent
        return ":".join(reversed(segments))

    def all(self) -> list[OaiSet]:
        sets = [OaiSet(spec, self._titles[pk], (0, pk)) for pk, spec in self.collection_specs.items()]
        sets += [OaiSet(THEME_PREFIX + slug, title, (1, pk)) for pk, (slug, title) in self.themes.items()]
        return sorted(sets, key=lambda s: s.key)

    def record_specs(self, collection_id: int | None, theme_ids: list[int]) -> list[str]:
        specs = [self.collection_specs[collection_id]] if collection_id in self.collection_specs else []
        return specs + [THEME_PREFIX + self.themes[t][0] for t in theme_ids if t in self.themes]

    def filters(self, spec: str) -> tuple[Q, Q] | None:
        """(condition on records, condition on tombstones) of a set, or None when no set has that spec."""
        if spec.startswith(THEME_PREFIX):
            for pk, (slug, _title) in self.themes.items():
                if THEME_PREFIX + slug == spec:
                    records = ThemeEntry.objects.filter(theme_id=pk).values("record_id")
                    return Q(pk__in=records), Q(theme_ids__contains=f",{pk},")
            return None
        for pk, candidate in self.collection_specs.items():
            if candidate == spec:
                tree = Collection.subtree_pks(pk)
                return Q(collection_id__in=tree), Q(collection_id__in=tree)
        return None
