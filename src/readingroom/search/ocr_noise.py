"""Matching words as OCR misreads them, in the OCR text field only (typed transcripts match exactly).

A query word finds OCR tokens that differ from it by the confusions typical of machine reading (rn read
for m, li for h, cl for d, c for e, 1 for l, f for a long s...), by a few arbitrary edits, or both. Each
word form gets at most two Tantivy automaton queries on the term dictionary: a regex for any number of
confusions plus one free edit (which also covers confusions alone and a single edit alone), and, for long
words, a Levenshtein automaton for two free edits. Of a stem and the word as typed, only the latter gets
the regex with an edit; the stem gets a regex for the confusions alone. A token matching more clauses
scores more; the clause scores add up to 1 at most, so approximate matches rank below exact ones.

Building the automata is most of a search's cost (a regex's DFA takes about a millisecond and holds some
hundred kilobytes): the search engine builds them only when the exact matches are few, and the last
few words' queries are kept (`word_query` is cached).

Both the stem and the word as typed are tried: noise in a suffix ("plantmg") stops the stemmer, so the
OCR token keeps its suffix while the query's stem ("plant") lost it.

Everything is bounded whatever the input: words longer than `max_word_chars` get no approximate clause,
a regex longer than `max_regex_chars` or refused by Tantivy falls back to the confusions alone and a
Levenshtein automaton, and a word has at most MAX_AUTOMATA automaton clauses. Query words are analyser
tokens (letters and digits), and every character is escaped anyway.

The parameters live in `Tolerance`; DEFAULT is the production choice (benchmarks/ocr_recall.py tunes and
cross-validates them on the three OCR-noise sets and says why this one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from tantivy import Occur, Query

from .schema import FUZZY_FIELD, build_schema

# Pairs an OCR engine reads for one another, in lowercased, ASCII-folded tokens; applied both ways.
# Chosen from the OCR literature and the shapes of the letters, not from the benchmark's sets.
COMMON_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("m", "rn"), ("m", "in"), ("h", "li"), ("d", "cl"), ("e", "c"), ("l", "i"), ("l", "1"), ("i", "1"),
    ("o", "0"), ("s", "f"),  # long s
    ("h", "b"), ("n", "u"), ("w", "vv"),
)
WIDE_CONFUSIONS: tuple[tuple[str, str], ...] = COMMON_CONFUSIONS + (
    ("n", "ri"), ("u", "ii"), ("m", "iii"), ("c", "o"), ("e", "o"), ("a", "o"), ("l", "t"), ("i", "t"),
    ("t", "f"), ("r", "t"), ("a", "s"), ("g", "q"), ("c", "t"), ("n", "h"), ("a", "n"),
)


@dataclass(frozen=True)
class Tolerance:
    """How far an OCR token may be from a query word and still match it."""

    confusions: tuple[tuple[str, str], ...] = COMMON_CONFUSIONS
    min_length: int = 4  # shorter words match exactly only: too many false friends
    two_edits_from: int = 8  # words this long allow two free edits, shorter ones (>= min_length) one
    confusion_edits: int = 1  # free edits allowed on top of any number of confusions (0 or 1)
    surface: bool = True  # also match the word as typed, not only its stem
    max_word_chars: int = 30
    max_regex_chars: int = 6000
    name: str = field(default="", compare=False)

    def edits(self, word: str) -> int:
        """Free edits (Levenshtein distance) allowed for a word of this length."""
        if len(word) < self.min_length or len(word) > self.max_word_chars:
            return 0
        return 2 if len(word) >= self.two_edits_from else 1

    def label(self) -> str:
        return self.name or (f"{len(self.confusions)} confusions +{self.confusion_edits}, min {self.min_length}, "
                             f"2 edits from {self.two_edits_from}{', surface' if self.surface else ''}")


# The class defaults: the tolerance two of the three cross-validation folds chose on their two training
# sets (benchmarks/ocr_recall.py; the third chose min_length 5), not a choice made on any held-out set.
DEFAULT = Tolerance()
NONE = Tolerance(confusions=(), min_length=10**6, name="exact only")


def _escape(text: str) -> str:
    """A literal for Tantivy's (Rust) regex and Python's alike: every non-alphanumeric character escaped."""
    return "".join(c if c.isalnum() else "\\" + c for c in text)


@lru_cache(maxsize=64)
def _table(confusions: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for a, b in confusions:
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return {k: tuple(sorted(v)) for k, v in table.items()}


def _segments(word: str, tol: Tolerance) -> list[str]:
    """The word cut greedily into confusable pieces, each a regex group of what OCR may read there."""
    table = _table(tol.confusions)
    longest = max((len(k) for k in table), default=1)
    out: list[str] = []
    i = 0
    while i < len(word):
        for size in range(min(longest, len(word) - i), 0, -1):
            piece = word[i:i + size]
            if piece in table or size == 1:
                readings = (piece, *table.get(piece, ()))
                alternatives = sorted({_escape(r) for r in readings}, key=lambda r: (len(r), r))
                out.append(alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")")
                i += size
                break
    return out


# What an edit may put in an ASCII word. The field's tokens are lowercased and ASCII-folded, so these are
# all the characters of a Latin-script token; the DFA is about 4 times cheaper to build and 3 times
# smaller than with "." (any Unicode character), with the same matches on the three OCR-noise sets.
_ANY_ASCII = "[a-z0-9]"
MAX_AUTOMATA = 4  # per query word: two forms (stem and as typed), two automata each


@lru_cache(maxsize=4096)
def confusion_regex(word: str, tol: Tolerance, edits: int = 0) -> str | None:
    """A regex matching the word as OCR may read it: any of its confusions, plus up to `edits` (0 or 1)
    arbitrary edits. None when the word has no confusable piece (edits=0), is outside the tolerance's
    lengths, or the regex would exceed the size cap."""
    if not word or len(word) < tol.min_length or len(word) > tol.max_word_chars or not tol.confusions:
        return None
    segments = _segments(word, tol)
    if edits == 0:
        pattern = "".join(segments)
        if pattern == _escape(word):
            return None  # nothing confusable: the exact term query already covers it
    else:
        # One edit at segment i: deleted or replaced, or a character inserted after it.
        any_char = _ANY_ASCII if word.isascii() else "."
        branches = ["".join(segments[:i]) + f"(?:{any_char}?|{segments[i]}{any_char})" + "".join(segments[i + 1:])
                    for i in range(len(segments))]
        pattern = "(?:" + "|".join(branches) + ")"
    return pattern if len(pattern) <= tol.max_regex_chars else None


def _regex_query(pattern: str | None) -> Query | None:
    """The regex as a query on the OCR field, or None when Tantivy refuses it: its automaton is capped,
    which long words with many confusable letters and a free edit can exceed."""
    if pattern is None:
        return None
    try:
        return Query.regex_query(build_schema(), FUZZY_FIELD, pattern)
    except ValueError:
        return None


def automata(form: str, tol: Tolerance, widest: bool = True) -> list[Query]:
    """The automaton queries matching one word form's OCR readings, widest first; at most two.
    `widest`: the regex for confusions plus an edit, when the tolerance allows it (else confusions alone)."""
    distance = tol.edits(form)
    if not distance:
        return []
    schema = build_schema()
    wide = _regex_query(confusion_regex(form, tol, edits=1)) if tol.confusion_edits and widest else None
    if wide is not None:
        # Confusions and one edit: a superset of the confusions alone and of Levenshtein 1, so two
        # edits are the only thing left to add.
        return [wide] + ([Query.fuzzy_term_query(schema, FUZZY_FIELD, form, distance)] if distance > 1 else [])
    narrow = _regex_query(confusion_regex(form, tol))
    return ([narrow] if narrow is not None else []) + [Query.fuzzy_term_query(schema, FUZZY_FIELD, form, distance)]


# A regex query holds its DFA (100-500 KB): the cache stays small. It spares rebuilding a word's
# automata when the same search is run again (the next page, a facet selected).
@lru_cache(maxsize=64)
def word_query(stem: str, surface: str | None, tol: Tolerance = DEFAULT) -> Query | None:
    """Approximate matches of one query word in the OCR field, or None when the tolerance allows none.
    `stem` is the word as the field's analyser indexes it; `surface` the word lowercased and folded."""
    clauses = word_automata(stem, surface, tol)
    if not clauses:
        return None
    # Each automaton clause scores a constant; shared out so that a token matching them all scores 1,
    # as one fuzzy clause did: approximate matches stay ranked below exact ones.
    share = 1.0 / len(clauses)
    return Query.boolean_query([(Occur.Should, Query.boost_query(q, share)) for q in clauses])


def word_automata(stem: str, surface: str | None, tol: Tolerance = DEFAULT) -> list[Query]:
    """The automaton clauses of `word_query`: at most MAX_AUTOMATA."""
    # One form gets the regex with an edit on top of its confusions, the other only the cheaper automata:
    # a second such regex doubled the cost of a word's automata. The word as typed gets it, as it is the
    # longer form and holds the noise that stopped the stemmer ("Gcvernrnent's": an edit and a confusion
    # past the stem "govern"); on the OCR-noise sets the stem's regex with an edit mostly added false hits.
    forms = _forms(stem, surface, tol)
    return [q for i, form in enumerate(forms) for q in automata(form, tol, widest=i == len(forms) - 1)]


def widens(stem: str, surface: str | None, tol: Tolerance) -> bool:
    """Whether `word_query` has clauses for the word, known without building them."""
    return any(tol.edits(form) for form in _forms(stem, surface, tol))


def _forms(stem: str, surface: str | None, tol: Tolerance) -> list[str]:
    return [stem] + ([surface] if tol.surface and surface and surface != stem else [])


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or text


def matcher(words: list[str], tol: Tolerance = DEFAULT) -> Callable[[str], bool] | None:
    """A test of whether a token of OCR text reads as one of `words` under the tolerance (for marking
    approximate matches in snippets, which Tantivy cannot do for automaton queries)."""
    targets: list[tuple[str, int, re.Pattern | None]] = []
    for word in {w.lower() for w in words}:
        distance = tol.edits(word)
        if not distance:
            continue
        regex = confusion_regex(word, tol, edits=tol.confusion_edits) or confusion_regex(word, tol)
        targets.append((word, distance, re.compile(regex) if regex else None))
    if not targets:
        return None

    def near(candidate: str) -> bool:
        candidate = candidate.lower()
        folded = candidate if candidate.isascii() else _fold(candidate)  # as the index folds it
        return any(Levenshtein.distance(candidate, word, score_cutoff=d) <= d
                   or (pattern is not None and pattern.fullmatch(folded) is not None)
                   for word, d, pattern in targets)

    return near
