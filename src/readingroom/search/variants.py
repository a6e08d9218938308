"""Name variants (Shantung/Shandong, Danzig/Gdańsk) from authority records, for query expansion and for
spotting places mentioned in text that no cataloguer linked.

The map is read from the database (Authority + NameVariant, which staff edit in the admin; the
shipped gazetteer is loaded there by a migration) and cached per process until a change is saved.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .schema import FOLDED, analyzers

MAX_NAME_TOKENS = 4


@dataclass(frozen=True)
class VariantGroup:
    identifier: str
    kind: str
    names: tuple[str, ...]  # preferred name first


@dataclass
class VariantMap:
    by_tokens: dict[tuple[str, ...], VariantGroup]

    def __post_init__(self) -> None:
        # Names by their first token: a document is scanned only for names whose first word it contains.
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in self.by_tokens:
            self._by_first.setdefault(key[0], []).append(key)

    def group_for(self, tokens: tuple[str, ...]) -> VariantGroup | None:
        return self.by_tokens.get(tokens)

    def mentions(self, text: str, kind: str = "place") -> list[VariantGroup]:
        """Groups whose names occur in `text` (folded, whole words)."""
        if not self.by_tokens or not text:
            return []
        return self.mentions_in_words(fold_tokens(text), kind, folded=True)

    def mentions_in_words(self, words: list[str], kind: str = "place", folded: bool = False) -> list[VariantGroup]:
        """The same for text already split into lowercased words (as the document builder has it). Most
        texts contain the first word of few names, so this is a set intersection and a few substring tests."""
        if not self.by_tokens or not words:
            return []
        line = " " + " ".join(words) + " "
        tokens = words
        if not folded and not line.isascii():
            tokens = [w if w.isascii() else fold_word(w) for w in words]
            line = " " + " ".join(tokens) + " "
        present = self._by_first.keys() & set(tokens)
        if not present:
            return []
        found: dict[str, VariantGroup] = {}
        for first in present:
            for key in self._by_first[first]:
                group = self.by_tokens[key]
                if group.kind == kind and (len(key) == 1 or f" {' '.join(key)} " in line):
                    found.setdefault(group.identifier, group)
        return list(found.values())


def fold_word(word: str) -> str:
    """A lowercased word with its accents folded, as the FOLDED analyzer would index it."""
    if word.isascii():
        return word
    folded = fold_tokens(word)
    return folded[0] if len(folded) == 1 else word


def fold_tokens(text: str) -> list[str]:
    return analyzers()[FOLDED].analyze(text)


# Saves in this process forget the map at once; changes made by another process (an import, the admin
# served by another worker) are picked up within TTL seconds.
TTL = 60.0
_cache: VariantMap | None = None
_loaded_at = 0.0
_lock = threading.Lock()


def forget() -> None:
    global _cache
    with _lock:
        _cache = None


def load() -> VariantMap:
    """Every authority that has at least one variant, keyed by each of its names' folded tokens."""
    global _cache, _loaded_at
    with _lock:
        if _cache is not None and time.monotonic() - _loaded_at < TTL:
            return _cache
    from readingroom.catalog.models import Authority

    by_tokens: dict[tuple[str, ...], VariantGroup] = {}
    for authority in Authority.objects.filter(variants__isnull=False).distinct().prefetch_related("variants"):
        names = tuple(dict.fromkeys(authority.all_names()))
        group = VariantGroup(authority.identifier, authority.kind, names)
        for name in names:
            key = tuple(fold_tokens(name))
            if key and len(key) <= MAX_NAME_TOKENS:
                by_tokens.setdefault(key, group)
    with _lock:
        _cache = VariantMap(by_tokens)
        _loaded_at = time.monotonic()
        return _cache
