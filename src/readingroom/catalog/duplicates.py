"""Likely duplicate authorities: the same normalised name, or the same external id.

One pass over the authorities groups them by keys (no pairwise comparison), so it stays cheap at
hundreds of thousands of rows. Suggestions only: staff decide, and merge (catalog/merging.py)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import Authority

_WORD = re.compile(r"\w+")
# Letters Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe",
                               "þ": "th"})
# ASCII punctuation to spaces: most names are ASCII, and folding them needs no Unicode normalisation.
_ASCII_PUNCTUATION = str.maketrans({c: " " for c in map(chr, range(128))
                                    if not (c.isalnum() or c == "_" or c.isspace())})
EXTERNAL_IDS = {"wikidata": "Wikidata", "viaf": "VIAF", "geonames": "GeoNames"}


def fold(text: str) -> str:
    """Casefolded, accents and punctuation stripped, spaces collapsed: 'Molotov, V. M.' -> 'molotov v m'."""
    if text.isascii():  # the same result, several times faster (the gazetteer folds 390,000 names)
        return " ".join(text.lower().translate(_ASCII_PUNCTUATION).split())
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain.translate(_UNDECOMPOSED)))


def name_key(kind: str, name: str) -> str:
    """A person's 'Last, First' reads as 'First Last'; other kinds keep their order ('Washington, D.C.')."""
    if kind == Authority.Kind.PERSON and name.count(",") == 1:
        last, first = name.split(",")
        if first.strip():
            name = f"{first} {last}"
    return fold(name)


def initials_key(key: str) -> str:
    """The name without its initials ('franklin d roosevelt' -> 'franklin roosevelt'), when that leaves a
    given name and a surname: so 'F. Roosevelt' never meets 'Frank Roosevelt' (too loose to suggest)."""
    words = key.split()
    kept = [w for w in words if len(w) > 1 or not w.isalpha()]
    return " ".join(kept) if len(kept) >= 2 and len(kept) < len(words) else key


@dataclass
class Candidate:
    pk: int
    identifier: str
    name: str
    kind: str
    records: int = 0


@dataclass
class DuplicateGroup:
    reason: str  # e.g. "same name: franklin d roosevelt", "same Wikidata id: Q8007"
    authorities: list[Candidate] = field(default_factory=list)


def likely_duplicates(kind: str | None = None) -> list[DuplicateGroup]:
    """Groups of two or more authorities (not merged away) of one kind sharing a name key or an external id;
    an authority pair found by its exact name is not suggested again for its initials."""
    rows = Authority.objects.filter(merged_into__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    by_key: dict[tuple, list[Candidate]] = defaultdict(list)
    for pk, identifier, name, kind_, *ids in rows.values_list(
            "pk", "identifier", "preferred_name", "kind", *EXTERNAL_IDS).order_by("pk").iterator(chunk_size=2000):
        candidate = Candidate(pk, identifier, name, kind_)
        key = name_key(kind_, name)
        if key:
            by_key[(kind_, "name", key)].append(candidate)
            loose = initials_key(key) if kind_ == Authority.Kind.PERSON else key
            if loose != key:
                by_key[(kind_, "initials", loose)].append(candidate)
        for field_name, value in zip(EXTERNAL_IDS, ids, strict=True):
            if value.strip():
                by_key[(kind_, field_name, value.strip().upper())].append(candidate)

    groups: list[tuple[tuple, list[Candidate]]] = []
    seen: set[frozenset[int]] = set()
    # Exact names first, so a group found again through initials or an id is listed once.
    order = {"name": 0, "initials": 2}
    for key, members in sorted(by_key.items(), key=lambda item: (order.get(item[0][1], 1), item[0])):
        if key[1] == "initials":  # 'franklin roosevelt' itself meets the initialled ones here too
            members = members + by_key.get((key[0], "name", key[2]), [])
        pks = frozenset(c.pk for c in members)
        if len(pks) < 2 or pks in seen:
            continue
        seen.add(pks)
        unique = list({c.pk: c for c in members}.values())
        groups.append((key, sorted(unique, key=lambda c: c.pk)))
    _count_records([c for _key, members in groups for c in members])
    return [DuplicateGroup(_reason(key), members) for key, members in groups]


def _reason(key: tuple) -> str:
    _kind, what, value = key
    if what == "name":
        return _("same name: %(name)s") % {"name": value}
    if what == "initials":
        return _("same name but for initials: %(name)s") % {"name": value}
    return _("same %(source)s id: %(value)s") % {"source": EXTERNAL_IDS[what], "value": value}


def _count_records(candidates: list[Candidate]) -> None:
    pks = sorted({c.pk for c in candidates})
    counts: dict[int, int] = {}
    for start in range(0, len(pks), 500):
        counts.update(Authority.objects.filter(pk__in=pks[start:start + 500]).annotate(n=Count("record_links"))
                      .values_list("pk", "n"))
    for candidate in candidates:
        candidate.records = counts.get(candidate.pk, 0)
