"""Name variants (Shantung/Shandong, Danzig/Gdańsk) from authority records, for query expansion and for
spotting places mentioned in text that no cataloguer linked.

The map is read from the database (Authority + NameVariant, which staff edit in the admin; the
shipped gazetteer is loaded there with the places) and cached per process until a change is saved.
People and places with a Cyrillic or Chinese name also get that name's forms in Latin letters
(`name_forms.py`: Молотов -> Molotov, 毛泽东 -> Mao Tse-tung), made here and never stored. A person
catalogued "Family, Given" with a Cyrillic name is also found by the family name alone (Molotov finds
Молотов): its forms in every script make a group of their own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .name_forms import CYRILLIC, generated_names, has_cyrillic, is_han_name, surname
from .schema import FOLDED, analyzers
from .scripts import HAN, fold_han

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

    def mentions_in_words(self, words: list[str], kind: str = "place", folded: bool = False) -> list[VariantGroup]:
        """Groups of `kind` whose names occur in text already split into lowercased words (as the document
        builder has it), ordered by identifier: a document's text, and so its digest, must not depend on
        the process's string hashing. Most texts contain the first word of few names, so this is a set
        intersection of the distinct words (each folded once) and, for names of several words, a substring
        test on the words rejoined."""
        if not self.by_tokens or not words:
            return []
        tokens = set(words)
        forms: dict[str, str] = {}
        if not folded and not "".join(tokens).isascii():
            forms = {w: fold_word(w) for w in tokens if not w.isascii()}
            tokens = (tokens - forms.keys()) | set(forms.values())
        present = self._by_first.keys() & tokens
        if not present:
            return []
        line = None
        found: dict[str, VariantGroup] = {}
        for first in sorted(present):
            for key in self._by_first[first]:
                group = self.by_tokens[key]
                if group.kind != kind:
                    continue
                if len(key) > 1:
                    if line is None:
                        line = " " + " ".join([forms.get(w, w) for w in words] if forms else words) + " "
                    if f" {' '.join(key)} " not in line:
                        continue
                found.setdefault(group.identifier, group)
        return [found[identifier] for identifier in sorted(found)]


def fold_word(word: str) -> str:
    """A lowercased word with its accents folded, as the FOLDED analyzer would index it."""
    if word.isascii():
        return word
    folded = fold_tokens(word)
    return folded[0] if len(folded) == 1 else word


def fold_tokens(text: str) -> list[str]:
    """Lowercased, accents folded, Han characters as Simplified: 毛澤東 and 毛泽东 are one key."""
    return analyzers()[FOLDED].analyze(fold_han(text))


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
    """Every authority that has at least one variant, or a Cyrillic or Chinese name to transliterate,
    keyed by each of its names' folded tokens."""
    global _cache, _loaded_at
    with _lock:
        if _cache is not None and time.monotonic() - _loaded_at < TTL:
            return _cache
    by_tokens: dict[tuple[str, ...], VariantGroup] = {}
    surnames: dict[tuple[str, ...], list[str]] = {}
    for kind, identifier, names in _authorities():
        names = names + generated_names(kind, names)
        group = VariantGroup(identifier, kind, names)
        for name in names:
            key = tuple(fold_tokens(name))
            if key and len(key) <= MAX_NAME_TOKENS:
                by_tokens[key] = _joined(by_tokens.get(key), group)
        if kind == "person" and any(has_cyrillic(n) for n in names):
            family = list(dict.fromkeys(f for n in names if (f := surname(n))))
            for name in family:
                surnames.setdefault(tuple(fold_tokens(name)), []).extend(family)
    # A family name shared by several people finds them all; a whole name of its own (a place, a
    # one-word authority) keeps its group.
    for key, family in surnames.items():
        if key and len(key) <= MAX_NAME_TOKENS:
            by_tokens.setdefault(key, VariantGroup(f"family:{' '.join(key)}", "person", tuple(dict.fromkeys(family))))
    with _lock:
        _cache = VariantMap(by_tokens)
        _loaded_at = time.monotonic()
        return _cache


def _joined(known: VariantGroup | None, group: VariantGroup) -> VariantGroup:
    """Two authorities of one kind sharing a name (the gazetteer's "Mao Zedong" and a cataloguer's 毛泽东,
    two people romanized alike): the name finds both, so the query stays as wide as the romanization."""
    if known is None:
        return group
    if known.kind != group.kind or known.identifier == group.identifier:
        return known
    return VariantGroup(known.identifier, known.kind, tuple(dict.fromkeys((*known.names, *group.names))))


# Characters that make a preferred name worth transliterating although it has no variants.
_OTHER_SCRIPT = f"[{CYRILLIC}{HAN}]"


def _authorities():
    """(kind, identifier, names) of the authorities the map needs, preferred name first."""
    from django.db.models import Q

    from readingroom.catalog.models import Authority

    wanted = Q(variants__isnull=False) | Q(kind__in=["person", "place"], preferred_name__regex=_OTHER_SCRIPT)
    for authority in Authority.objects.filter(wanted).distinct().prefetch_related("variants"):
        names = tuple(dict.fromkeys(authority.all_names()))
        if len(names) > 1 or any(has_cyrillic(n) or is_han_name(n) for n in names):
            yield authority.kind, authority.identifier, names
