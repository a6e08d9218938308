"""Cross-validation of the OCR-noise tolerance for benchmarks/ocr_recall.py: tune on two sets, report on
the third, and sort each held-out set's misses by kind."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

from rapidfuzz.distance import Levenshtein

FALSE_HIT_COST = 0.01  # recall a tolerance must win for each false hit it adds to a query's top 10
WORD = re.compile(r"[A-Za-z0-9]+")


LOOSE = {0: "", 3: ", phrases of 3+ words less one", 2: ", phrases less one"}


def grid(size: str):
    """The tolerances tried: the confusion list, free edits on top of confusions, the shortest word
    matched approximately, the length from which two free edits are allowed, and whether a phrase may
    match with one word missing (never, from 3 words, from 2). 48 (small: 8)."""
    from readingroom.search.ocr_noise import COMMON_CONFUSIONS, WIDE_CONFUSIONS, Tolerance

    names = {COMMON_CONFUSIONS: "common", WIDE_CONFUSIONS: "wide"}
    if size == "small":
        axes = product((COMMON_CONFUSIONS, WIDE_CONFUSIONS), (0, 1), (5,), (9,), (0, 3))
    else:
        axes = product((COMMON_CONFUSIONS, WIDE_CONFUSIONS), (0, 1), (4, 5), (8, 10), (0, 3, 2))
    return [Tolerance(confusions=c, confusion_edits=e, min_length=m, two_edits_from=t, loose_phrases=loose,
                      name=f"{names[c]} confusions +{e} edit, min {m}, 2 edits from {t}{LOOSE[loose]}")
            for c, e, m, t, loose in axes]


def before():
    """The matching before issue 15: Levenshtein 1 from 5 letters, 2 from 9, on the stem only."""
    from readingroom.search.ocr_noise import Tolerance

    return Tolerance(confusions=(), confusion_edits=0, min_length=5, two_edits_from=9, surface=False,
                     loose_phrases=0, name="before: edits only, stem only")


@dataclass
class Outcome:
    hit: bool  # source document in the top 10
    matched: bool  # source document matched at all
    false_hits: int  # top-10 documents the query does not match exactly on the truth side


@dataclass
class NoiseSet:
    name: str
    pairs: list
    truth: object  # tantivy.Index
    ocr: object
    queries: list[tuple[str, int, bool]]  # text, source document, phrase
    truth_hits: list[bool]
    truth_sets: list[set[int]]


def prepare(name: str, pairs, tmp: Path, build, draw_queries, n: int, seed: int) -> NoiseSet:
    truth = build(tmp / f"{name}-truth", [(i, p.truth) for i, p in enumerate(pairs)], "transcript")
    ocr = build(tmp / f"{name}-ocr", [(i, p.ocr) for i, p in enumerate(pairs)], "ocr")
    words, phrases = draw_queries([p.truth for p in pairs], n, random.Random(seed))
    queries = [(t, s, False) for t, s in words] + [(t, s, True) for t, s in phrases]
    noise = NoiseSet(name, pairs, truth, ocr, queries, [], [])
    searcher = truth.searcher()
    for text, source, phrase in queries:
        matching = _pks(searcher, _parse(text, phrase, None).query, len(pairs))
        noise.truth_sets.append(set(matching))
        noise.truth_hits.append(source in matching[:10])
    return noise


def _parse(text: str, phrase: bool, tolerance):
    from readingroom.search.query_compile import parse

    q = f'"{text}"' if phrase else text
    if tolerance is None:
        return parse(q, fuzzy=False, joined=False, expand=False)
    return parse(q, expand=False, tolerance=tolerance)


def _pks(searcher, query, limit: int) -> list[int]:
    return [int(searcher.doc(a).get_first("pk")) for _s, a in searcher.search(query, limit=limit).hits]


_outcomes: dict[tuple, Outcome] = {}


def run(noise: NoiseSet, tolerance) -> list[Outcome]:
    """The OCR side as the search page runs it: exact matches alone when there are enough of them."""
    from readingroom.search.engine import WIDEN_BELOW

    searcher = noise.ocr.searcher()
    out = []
    for i, ((text, source, phrase), matching) in enumerate(zip(noise.queries, noise.truth_sets, strict=True)):
        # Tolerances that differ only in loose phrases give a word, or a phrase too short to loosen, the
        # same outcome: computed once.
        loose = tolerance.loose_phrases if phrase and len(text.split()) >= tolerance.loose_phrases else 0
        key = (noise.name, i, replace(tolerance, loose_phrases=loose))
        if key in _outcomes:
            out.append(_outcomes[key])
            continue
        parsed = _parse(text, phrase, tolerance)
        few = parsed.exact is None or searcher.search(parsed.exact, limit=1, count=True).count < WIDEN_BELOW
        query = parsed.query if few else parsed.exact  # parsed.query is built only when needed, as there
        top = _pks(searcher, query, 10)
        hit = source in top
        matched = hit or source in _pks(searcher, query, len(noise.pairs))
        _outcomes[key] = Outcome(hit, matched, sum(pk not in matching for pk in top))
        out.append(_outcomes[key])
    return out


@dataclass
class Figures:
    ratio: float  # OCR-side recall over truth-side recall
    false_hits: float  # per query, in the top 10
    words: float  # the ratio for rare words alone
    phrases: float


def figures(noise: NoiseSet, outcomes: list[Outcome]) -> Figures:
    def ratio(kind: bool | None) -> float:
        pick = [i for i, q in enumerate(noise.queries) if kind is None or q[2] == kind]
        truth = sum(noise.truth_hits[i] for i in pick)
        return sum(outcomes[i].hit for i in pick) / truth if truth else 0.0

    return Figures(ratio(None), sum(o.false_hits for o in outcomes) / len(outcomes), ratio(False), ratio(True))


def score(fig: Figures, exact: Figures) -> float:
    return fig.ratio - FALSE_HIT_COST * max(0.0, fig.false_hits - exact.false_hits)


def miss_kind(noise: NoiseSet, i: int, outcome: Outcome, tolerance) -> tuple[str, str]:
    """Why a query the truth side finds is missed on the OCR side, and the nearest OCR reading."""
    text, source, phrase = noise.queries[i]
    if outcome.matched:
        return "matched, ranked below 10", ""
    tokens = {w.lower() for w in WORD.findall(noise.pairs[source].ocr)}
    worst = ("", 0)
    for word in text.lower().split():
        if word in tokens:
            continue
        nearest = min(sorted(tokens), key=lambda t: Levenshtein.distance(word, t)) if tokens else ""
        distance = Levenshtein.distance(word, nearest)
        if distance > worst[1]:
            worst = (f"{word} ~ {nearest}", distance)
    shown, distance = worst
    if not shown:
        return "every word in the OCR text (split or glued)", ""
    word = shown.split(" ~ ")[0]
    if len(word) < tolerance.min_length:
        return "a short word misread (exact only)", shown
    if distance > max(2, len(word) // 3):
        return "not in the OCR text (nothing near)", shown
    return "near reading beyond the tolerance", shown


def cross_validate(args, tmp: Path, build, draw_queries) -> None:
    from search_corpus import noise_sets

    from readingroom.search import ocr_noise

    sets = [prepare(name, pairs, tmp, build, draw_queries, args.queries, args.seed)
            for name, pairs in noise_sets().items()]
    for s in sets:
        print(f"{s.name}: {len(s.pairs)} documents, {sum(len(p.truth) for p in s.pairs) / 1e6:.2f} M characters "
              f"of ground truth, {sum(not q[2] for q in s.queries)} rare words and "
              f"{sum(q[2] for q in s.queries)} phrases (seed {args.seed})")
    candidates = grid(args.grid)
    exact_only = replace(ocr_noise.NONE)
    old = before()
    default = ocr_noise.DEFAULT
    print(f"\nGrid ({len(candidates)} tolerances, every one tries the word as typed beside its stem): "
          "common or wide confusion list; 0 or 1 free edit on top of confusions; shortest word matched "
          "approximately; length from which 2 free Levenshtein edits are allowed (1 below); whether a phrase "
          "may also match with one of its words missing (never, phrases of 3 or more words, of 2 or more).")
    print(f"Tuning score on a set: recall ratio - {FALSE_HIT_COST} x false hits added per query (top 10, "
          "against exact-only OCR matching); on two sets, their mean.\n")
    results: dict[tuple[str, object], tuple[Figures, list[Outcome]]] = {}
    for s in sets:
        for tol in [exact_only, old, default, *candidates]:
            if (s.name, tol) not in results:
                outcomes = run(s, tol)
                results[(s.name, tol)] = (figures(s, outcomes), outcomes)

    def fig(s: NoiseSet, tol) -> Figures:
        return results[(s.name, tol)][0]

    chosen = {}
    header = (f"{'held out':<10} {'exact only':>10} {'before':>7} {'tuned':>7} {'words':>6} {'phrases':>7} "
              f"{'false+ before':>13} {'false+ tuned':>12} {'train score':>11}  chosen on the other two")
    print(header)
    for s in sets:
        train = [t for t in sets if t is not s]
        best = max(candidates, key=lambda tol: (sum(score(fig(t, tol), fig(t, exact_only)) for t in train) / 2,
                                                -candidates.index(tol)))
        chosen[s.name] = best
        ex, bf, tu = fig(s, exact_only), fig(s, old), fig(s, best)
        train_score = sum(score(fig(t, best), fig(t, exact_only)) for t in train) / 2
        print(f"{s.name:<10} {ex.ratio:>10.3f} {bf.ratio:>7.3f} {tu.ratio:>7.3f} {tu.words:>6.3f} {tu.phrases:>7.3f} "
              f"{bf.false_hits - ex.false_hits:>13.2f} {tu.false_hits - ex.false_hits:>12.2f} {train_score:>11.3f}  "
              f"{best.label()}")
    print("\nRatios: OCR-side recall@10 over truth-side recall@10 (words and phrases pooled; then apart). "
          "false+: false hits the tolerance adds per query to the top 10.")
    from harness import report_ratios

    report_ratios("ocr_recall", {
        **{f"held-out {s.name}: OCR / truth recall@10": (fig(s, chosen[s.name]).ratio, "higher") for s in sets},
        **{f"held-out {s.name}: false hits added per query": (
            max(fig(s, chosen[s.name]).false_hits - fig(s, exact_only).false_hits, 0.01), "lower") for s in sets},
    })

    counts = Counter(chosen.values())
    production = max(candidates, key=lambda tol: (counts[tol], -candidates.index(tol)))
    print(f"\nProduction default: the tolerance chosen by most folds ({counts[production]} of 3), ties to the "
          f"first in grid order: {production.label()}.")
    print(f"search/ocr_noise.DEFAULT is {'that one' if production == default else 'NOT that one: ' + default.label()}.")
    print("DEFAULT on each set (not held out for the folds that did not choose it):")
    for s in sets:
        f = fig(s, default)
        print(f"  {s.name:<10} ratio {f.ratio:.3f} (words {f.words:.3f}, phrases {f.phrases:.3f}), "
              f"false hits added {f.false_hits - fig(s, exact_only).false_hits:.2f} per query")

    learned_folds(args, sets, chosen, results, exact_only)

    for s in sets:
        tol = chosen[s.name]
        outcomes = results[(s.name, tol)][1]
        kinds: Counter = Counter()
        examples: dict[str, list[str]] = {}
        for i, o in enumerate(outcomes):
            if s.truth_hits[i] and not o.hit:
                kind, shown = miss_kind(s, i, o, tol)
                kinds[kind] += 1
                examples.setdefault(kind, []).append(f"{s.queries[i][0]!r}" + (f" ({shown})" if shown else ""))
        total = sum(kinds.values())
        print(f"\nMisses on held-out {s.name} ({total} of {sum(s.truth_hits)} queries the truth side finds):")
        for kind, n in kinds.most_common():
            print(f"  {n:>4}  {kind}: {'; '.join(examples[kind][:args.examples])}")


def learned_sizes(size: str) -> tuple[int, ...]:
    """How many learned confusion pairs the folds may keep (small: 2 sizes, a smoke run)."""
    return (10, 30) if size == "small" else (5, 10, 20, 40)


def learned_candidates(base, pooled: Counter, sizes: tuple[int, ...]) -> list:
    """The fold's tuned tolerance with the top n learned pairs in place of its confusion list, then
    with them added to the hand-written common list."""
    from ocr_confusions import top, without

    from readingroom.search.ocr_noise import COMMON_CONFUSIONS

    rest = f"+{base.confusion_edits} edit, min {base.min_length}, 2 edits from {base.two_edits_from}"
    return ([replace(base, confusions=top(pooled, n), name=f"{n} learned confusions {rest}") for n in sizes]
            + [replace(base, confusions=COMMON_CONFUSIONS + without(top(pooled, n), COMMON_CONFUSIONS),
                       name=f"common + {n} learned confusions {rest}") for n in sizes])


def learned_folds(args, sets: list[NoiseSet], chosen: dict, results: dict, exact_only) -> None:
    """The folds again with confusion pairs learned from the two training sets (benchmarks/ocr_confusions.py):
    the other parameters are the fold's tuned choice; the number of pairs kept, and whether they replace
    or join the hand-written common list, are chosen with the same tuning score on the training sets; the
    held-out set is scored once for the learned-only choice and once for the choice among all."""
    from ocr_confusions import count, show, top, tuple_source

    from readingroom.search import ocr_noise

    def fig(s: NoiseSet, tol) -> Figures:
        if (s.name, tol) not in results:
            outcomes = run(s, tol)
            results[(s.name, tol)] = (figures(s, outcomes), outcomes)
        return results[(s.name, tol)][0]

    sizes = learned_sizes(args.grid)
    counts = {s.name: count(s.pairs) for s in sets}
    picked: dict[str, int] = {}
    rows, notes = [], []
    for s in sets:
        train = [t for t in sets if t is not s]
        pooled = sum((counts[t.name] for t in train), Counter())
        candidates = learned_candidates(chosen[s.name], pooled, sizes)
        train_scores = [sum(score(fig(t, tol), fig(t, exact_only)) for t in train) / 2 for tol in candidates]
        only = max(range(len(sizes)), key=lambda i: (train_scores[i], -i))
        best = max(range(len(candidates)), key=lambda i: (train_scores[i], -i))
        picked[s.name] = sizes[only]
        ex, tu = fig(s, exact_only), fig(s, chosen[s.name])
        for kind, i in (("learned only", only), ("all", best)):
            le = fig(s, candidates[i])
            rows.append(f"{s.name:<10} {kind:<12} {ex.ratio:>10.3f} {tu.ratio:>7.3f} {le.ratio:>7.3f} "
                        f"{le.words:>6.3f} {le.phrases:>7.3f} {tu.false_hits - ex.false_hits:>12.2f} "
                        f"{le.false_hits - ex.false_hits:>14.2f} {train_scores[i]:>11.3f}  {candidates[i].label()}")
        notes.append(f"  without {s.name}: train scores "
                     + " ".join(f"{n}:{v:.3f}" for n, v in zip(sizes, train_scores, strict=False))
                     + "; common + n: " + " ".join(f"{n}:{v:.3f}" for n, v in
                                                   zip(sizes, train_scores[len(sizes):], strict=True))
                     + f"\n    top {sizes[only]} learned: {show(candidates[only].confusions)}")
    print(f"\nLearned confusions: each fold counts the confusions of its two training sets (OCR and ground truth "
          f"aligned word by word, then letter by letter; benchmarks/ocr_confusions.py) and keeps the top n "
          f"(n in {', '.join(map(str, sizes))}), alone or added to the common list, chosen by the tuning score "
          "on the training sets (other parameters: the fold's tuned choice); scored once on the held-out set, "
          "for the choice among the learned lists alone and among all.\n")
    print(f"{'held out':<10} {'choice among':<12} {'exact only':>10} {'tuned':>7} {'learned':>7} {'words':>6} "
          f"{'phrases':>7} {'false+ tuned':>12} {'false+ learned':>14} {'train score':>11}  chosen on the other two")
    print("\n".join(rows))
    print("\n".join(notes))

    votes = Counter(picked.values())
    n = max(sizes, key=lambda size: (votes[size], -size))
    production = top(sum(counts.values(), Counter()), n)
    print(f"\nLearned from all three sets, the size most folds chose among the learned lists alone ({votes[n]} of 3, "
          f"ties to the smaller): top {n}:\n{tuple_source(production)}")
    print("search/ocr_noise.LEARNED_CONFUSIONS is "
          f"{'that tuple' if getattr(ocr_noise, 'LEARNED_CONFUSIONS', None) == production else 'NOT that tuple'} "
          "(regenerate: python benchmarks/ocr_confusions.py --top N).")
