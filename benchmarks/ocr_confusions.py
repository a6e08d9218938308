"""OCR confusion pairs learned from aligned OCR and ground truth, for the OCR-noise tolerance.

Each document's OCR and ground truth are cut into the OCR field's tokens (lowercased, ASCII-folded, letters
and digits) and aligned word by word (Levenshtein on the token sequences). A truth word replaced by one
OCR word not too far from it (at most a third of its letters edited) is aligned letter by letter; each run
of adjacent edits that reads one or two letters as one or two others (e for c, m for rn, li for h) counts
once. Pairs apply both ways in the tolerance, so a→b and b→a count together. The most frequent pairs
are kept.

    python benchmarks/ocr_confusions.py [--top 30] [--show 60]   # counts on all three sets, and the tuple

The cross-validation (benchmarks/ocr_folds.py) learns them from the two training sets of each fold only.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

TOKEN = re.compile(r"[a-z0-9]+")
LONGEST = 2  # letters on either side of a confusion pair


def tokens(text: str) -> list[str]:
    """The text's tokens as the OCR field indexes them: lowercased, ASCII-folded letters and digits."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return TOKEN.findall(folded)


def _key(truth: str, ocr: str) -> tuple[str, str]:
    """A pair in one order whichever way it was read: shorter first, then alphabetical."""
    return min((truth, ocr), (ocr, truth), key=lambda p: (len(p[0]), p))


def word_confusions(truth: str, ocr: str) -> list[tuple[str, str]]:
    """The confusion pairs of one truth word read as one OCR word: runs of adjacent edits of 1-2 letters."""
    out: list[tuple[str, str]] = []
    start: tuple[int, int] | None = None
    ops = list(Levenshtein.opcodes(truth, ocr)) + [None]
    for op in ops:
        if op is not None and op.tag != "equal":
            if start is None:
                start = (op.src_start, op.dest_start)
            end = (op.src_end, op.dest_end)
            continue
        if start is not None:
            a, b = truth[start[0]:end[0]], ocr[start[1]:end[1]]
            if 1 <= len(a) <= LONGEST and 1 <= len(b) <= LONGEST:
                out.append(_key(a, b))
            start = None
    return out


def count(pairs: Iterable) -> Counter:
    """Confusion counts over documents (objects with .truth and .ocr texts)."""
    counts: Counter = Counter()
    for pair in pairs:
        truth, ocr = tokens(pair.truth), tokens(pair.ocr)
        for op in Levenshtein.opcodes(truth, ocr):
            if op.tag != "replace" or op.src_end - op.src_start != op.dest_end - op.dest_start:
                continue  # words split or glued: no letter alignment to trust
            for t, o in zip(truth[op.src_start:op.src_end], ocr[op.dest_start:op.dest_end], strict=True):
                if Levenshtein.distance(t, o) <= max(1, len(t) // 3):
                    counts.update(word_confusions(t, o))
    return counts


def top(counts: Counter, n: int) -> tuple[tuple[str, str], ...]:
    """The n most frequent pairs, ties broken by the pair itself (the result does not depend on input order)."""
    return tuple(p for p, _c in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n])


def without(pairs: tuple[tuple[str, str], ...], known: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """`pairs` less those already in `known` (in either order)."""
    seen = {_key(a, b) for a, b in known}
    return tuple(p for p in pairs if _key(*p) not in seen)


def show(pairs: tuple[tuple[str, str], ...]) -> str:
    return " ".join(f"{a}/{b}" for a, b in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=30, help="pairs in the printed tuple")
    parser.add_argument("--show", type=int, default=60, help="pairs listed with their counts")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from search_corpus import noise_sets

    counts: Counter = Counter()
    for name, pairs in noise_sets().items():
        learned = count(pairs)
        print(f"{name}: {sum(learned.values())} confusions counted, {len(learned)} distinct pairs")
        counts.update(learned)
    print(f"\nMost frequent on all three sets (of {sum(counts.values())}):")
    for (a, b), c in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:args.show]:
        print(f"  {a:>2} / {b:<2} {c:>7}")
    print(f"\nThe top {args.top}, as search/ocr_noise.py holds them:")
    print(tuple_source(top(counts, args.top)))


def tuple_source(pairs: tuple[tuple[str, str], ...], per_line: int = 8) -> str:
    rows = [", ".join(f'("{a}", "{b}")' for a, b in pairs[i:i + per_line]) + ","
            for i in range(0, len(pairs), per_line)]
    return "(\n" + "\n".join("    " + r for r in rows) + "\n)"


if __name__ == "__main__":
    main()
