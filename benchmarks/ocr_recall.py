"""How much does OCR noise cost search? recall@10 on the OCR side against the ground-truth side.

Three sets in ../shared/ocr-noise: Overproof dataset 2 (Sydney Morning Herald 1842-1954), ICDAR 2017 English
(monographs and periodicals) and ICDAR 2019 English. Each is indexed twice with readingroom's own schema
and analyzers: the ground truth as transcript text, the raw OCR as OCR text (with its glued word pairs).
Queries are drawn from the ground truth only: rare words (in exactly one document, >= 5 letters) and 2-3
word phrases (in exactly one document). A query is a hit when its source document is in the top 10, the
OCR side searched as the search page does by default (exact matches first, approximate ones added when the
exact ones are fewer than engine.WIDEN_BELOW). The figure is the OCR side's recall over the truth side's.

By default, cross-validation: for each set, the OCR-noise Tolerance (search/ocr_noise.py) is chosen from a
small grid on the other two sets and reported on the held-out one. The tuning score of a tolerance on a set
is its recall ratio minus 0.01 per false hit it adds to the top 10 (per query, against exact-only OCR
matching); a false hit is a document in the OCR side's top 10 that the query does not match exactly on
the truth side. The score on two sets is their mean. Then the folds again with confusion pairs learned
from the training sets' aligned OCR and ground truth (benchmarks/ocr_confusions.py) in place of, or added
to, the hand-written list. Misses on each held-out set are sorted by kind.

    python benchmarks/ocr_recall.py [--queries 300] [--seed 7] [--examples 6]
    python benchmarks/ocr_recall.py --pooled      # the earlier report: all sets in one index, no tuning
    python benchmarks/ocr_recall.py --queries 40 --grid small   # smoke run
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

WORD = re.compile(r"[A-Za-z]+")


def setup(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    os.environ["READINGROOM_DATA_DIR"] = str(tmp)
    import django

    django.setup()


def build(path: Path, docs: list[tuple[int, str]], field: str):
    import tantivy

    from readingroom.search.documents import joined_pairs
    from readingroom.search.index_dir import create_index
    from readingroom.search.schema import build_schema

    path.mkdir(parents=True)
    index = create_index(path)
    writer = index.writer(100_000_000, 1)
    schema = build_schema()
    for pk, text in docs:
        doc = {"pk": [pk], "public_id": [str(pk)], "title": [""], field: [text], "access": ["public"],
               "joined": [joined_pairs(text)]}
        writer.add_document(tantivy.Document.from_dict(doc, schema))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def draw_queries(truths: list[str], n: int, rng: random.Random) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    tokenized = [[w for w in WORD.findall(t)] for t in truths]
    df = Counter()
    for words in tokenized:
        df.update({w.lower() for w in words})
    rare = sorted({(w.lower(), i) for i, words in enumerate(tokenized) for w in words
                   if len(w) >= 5 and df[w.lower()] == 1})
    phrase_df: Counter = Counter()
    grams_by_doc: list[set[str]] = []
    for words in tokenized:
        grams = set()
        for size in (2, 3):
            for j in range(len(words) - size + 1):
                gram = words[j:j + size]
                if all(len(w) >= 3 for w in gram):
                    grams.add(" ".join(w.lower() for w in gram))
        grams_by_doc.append(grams)
        phrase_df.update(grams)
    phrases = sorted({(g, i) for i, grams in enumerate(grams_by_doc) for g in grams if phrase_df[g] == 1})
    return rng.sample(rare, min(n, len(rare))), rng.sample(phrases, min(n, len(phrases)))


def recall_pooled(index, queries: list[tuple[str, int]], phrase: bool, fuzzy: bool, joined: bool,
           tiered: bool = False) -> tuple[float, float]:
    from readingroom.search.engine import WIDEN_BELOW
    from readingroom.search.query_compile import parse

    searcher = index.searcher()
    found = 0
    started = time.perf_counter()
    for text, source in queries:
        parsed = parse(f'"{text}"' if phrase else text, fuzzy=fuzzy, joined=joined, expand=False)
        # As engine.search decides: the exact matches alone when there are enough of them.
        enough = tiered and parsed.exact is not None and searcher.search(
            parsed.exact, limit=10, count=True).count >= WIDEN_BELOW
        q = parsed.exact if enough else parsed.query
        hits = searcher.search(q, limit=10, count=False).hits
        pks = [int(searcher.doc(a).get_first("pk")) for _s, a in hits]
        found += source in pks
    elapsed = (time.perf_counter() - started) / max(1, len(queries)) * 1000
    return found / max(1, len(queries)), elapsed


def pooled_report(args, tmp: Path) -> None:
    """The earlier report: every set in one index, fuzzy and joined matching on and off, nothing tuned."""
    from search_corpus import icdar_pairs, overproof_pairs

    pairs = overproof_pairs() + icdar_pairs()
    rng = random.Random(args.seed)
    print(f"Corpus: {len(pairs)} documents ({sum(p.source.startswith('overproof') for p in pairs)} Overproof "
          f"SMH articles, {sum(p.source.startswith('icdar') for p in pairs)} ICDAR English files); "
          f"{sum(len(p.truth) for p in pairs) / 1e6:.1f} M characters of ground truth")
    truth_index = build(tmp / "truth", [(i, p.truth) for i, p in enumerate(pairs)], "transcript")
    ocr_index = build(tmp / "ocr", [(i, p.ocr) for i, p in enumerate(pairs)], "ocr")
    words, phrases = draw_queries([p.truth for p in pairs], args.queries, rng)
    print(f"Queries drawn from the ground truth: {len(words)} rare words (document frequency 1, >= 5 letters), "
          f"{len(phrases)} phrases of 2-3 words (in one document only); seed {args.seed}\n")

    rows = []
    for label, queries, phrase in (("rare words", words, False), ("phrases", phrases, True)):
        base, base_ms = recall_pooled(truth_index, queries, phrase, fuzzy=False, joined=False)
        rows.append((label, "ground truth side (exact)", base, base_ms, None))
        for fuzzy, joined in ((False, False), (False, True), (True, False), (True, True)):
            r, ms = recall_pooled(ocr_index, queries, phrase, fuzzy=fuzzy, joined=joined)
            name = f"OCR side, fuzzy {'on ' if fuzzy else 'off'}, joined {'on ' if joined else 'off'}"
            rows.append((label, name, r, ms, r / base if base else 0.0))
        r, ms = recall_pooled(ocr_index, queries, phrase, fuzzy=True, joined=True, tiered=True)
        rows.append((label, "OCR side, default (exact first)", r, ms, r / base if base else 0.0))
    print(f"{'queries':<11} {'index / matching':<36} {'recall@10':>9} {'ms/query':>9} {'OCR / truth':>11}")
    for label, name, r, ms, ratio in rows:
        print(f"{label:<11} {name:<36} {r:>9.3f} {ms:>9.2f} {'' if ratio is None else f'{ratio:>11.3f}'}")
    print("\nNot held out: the default tolerance was chosen on these same sets (see the cross-validated report).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300, help="queries of each kind per set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--examples", type=int, default=6, help="misses shown per held-out set")
    parser.add_argument("--grid", choices=("full", "small"), default="full", help="small: 4 tolerances (smoke run)")
    parser.add_argument("--pooled", action="store_true", help="the earlier single-index report, not cross-validated")
    args = parser.parse_args()
    from search_corpus import SHARED

    if not (SHARED / "ocr-noise").is_dir():
        sys.exit(f"skipped: {SHARED / 'ocr-noise'} is absent")
    tmp = Path(tempfile.mkdtemp(prefix="rr-ocr-recall-"))
    setup(tmp)
    started = time.perf_counter()
    if args.pooled:
        pooled_report(args, tmp)
    else:
        from ocr_folds import cross_validate

        cross_validate(args, tmp, build, draw_queries)
    print(f"\nRun time {time.perf_counter() - started:.0f} s. "
          f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average "
          f"{os.getloadavg()[0]:.1f} at the end of the run.")


if __name__ == "__main__":
    main()
