"""What does the OCR-noise tolerance cost a search, against the matching of another commit?

Interleaved A/B in one process, so that a loaded machine slows both sides alike: the same index (N records
of benchmarks/catalogue.py's catalogue), the same queries, engine.search of this tree and engine.search of
`--against` (its search/engine.py, query modules and ocr_noise.py read with `git show` into a scratch package,
the rest of the app shared), alternating query by query in an order shuffled per query kind, over several
rounds. Each round and mode draws fresh queries (benchmarks/search.py's query_set with another seed): the
word queries are cached, and a search page mostly sees words it has not seen just before. Without
snippets; "+facets" counts the nine facet dimensions; "always" asks for approximate matches whatever
the exact ones. Exact matching alone (fuzzy off, this tree) runs beside them as the floor.

    python benchmarks/ocr_noise_cost.py [--records 5000] [--queries 60] [--rounds 3] [--against REV ...]
    python benchmarks/ocr_noise_cost.py --records 500 --queries 8 --rounds 1   # smoke run

Default `--against`: 2c270b2^1, the first parent of the merge that brought the tolerance in (Levenshtein
only); a2d2fa6 is the merged tolerance before it was made cheaper.
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

# The modules whose other version is measured (those a commit lacks are skipped: query.py was split in three).
COPIED = ("engine", "query", "query_syntax", "query_variants", "query_compile", "ocr_noise")
RENAMED = {"store": "index_dir"}  # an older commit's module that the app now has under another name
MODES = {"": {"with_facets": False}, "+facets": {"with_facets": True},
         " always": {"with_facets": False, "approximate": "always"}}


def other_version(ref: str, into: Path, name: str) -> str:
    """The copied modules of `ref` as package `name` under `into`, importing the rest from the app."""
    package = into / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for module in COPIED:
        shown = subprocess.run(["git", "-C", str(HERE.parent), "show", f"{ref}:src/readingroom/search/{module}.py"],
                               capture_output=True, text=True)
        if shown.returncode == 0:
            (package / f"{module}.py").write_text(_rewired(shown.stdout))
        elif module == "engine":
            sys.exit(f"error: no src/readingroom/search/engine.py at {ref}: {shown.stderr.strip()}")
    if str(into) not in sys.path:
        sys.path.insert(0, str(into))
    return f"{name}.engine"


def _rewired(source: str) -> str:
    """Relative imports of modules not copied point at the app's."""
    def one(match: re.Match) -> str:
        indent, module, names = match.groups()
        if module:
            module = RENAMED.get(module, module)
            return f"{indent}from {'.' if module in COPIED else 'readingroom.search.'}{module} import {names}"
        lines = []
        for item in names.split(","):
            name = item.strip()
            base = name.split(" as ")[0]
            if base in RENAMED:  # the module under its new name, bound to the name the old code uses
                name = RENAMED[base] + name[len(base):] + ("" if " as " in name else f" as {base}")
            lines.append(f"{indent}from {'.' if base in COPIED else 'readingroom.search'} import {name}")
        return "\n".join(lines)

    return re.sub(r"^(\s*)from \.(\w*) import (.+)$", one, source, flags=re.M)


def kinds(count: int, seed: int) -> dict[str, list[str]]:
    from search import query_set

    qs = query_set(count, seed=seed)
    return {"term": qs["term"], "phrase": [f'"{p}"' for p in qs["phrase"]], "fuzzy": qs["fuzzy"],
            "long": qs["long"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=60, help="queries of each kind per round and mode")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", nargs="+", default=["2c270b2^1"], help="git revisions of this repository")
    args = parser.parse_args()
    from search_corpus import SHARED

    if not (SHARED / "ocr-noise").is_dir() or not (SHARED / "frus").is_dir():
        sys.exit(f"skipped: {SHARED}/ocr-noise and {SHARED}/frus are needed")
    tmp = Path(tempfile.mkdtemp(prefix="rr-ocr-noise-cost-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> None:
    from search import setup_django

    (tmp / "data").mkdir()
    setup_django(tmp / "data")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from catalogue import build_catalogue

    corpus = build_catalogue(args.records)
    from readingroom.search import writer

    writer.rebuild()
    engines = {"this tree": importlib.import_module("readingroom.search.engine")}
    for i, ref in enumerate(args.against):
        engines[ref] = importlib.import_module(other_version(ref, tmp / "code", f"rr_other{i}"))
    print(f"Index: {corpus['records']:,} records; {args.queries} queries of each kind per round and mode, "
          f"{args.rounds} rounds; this tree against {', '.join(args.against)}, interleaved query by query")
    floor = engines["this tree"]
    sides = {**engines, "exact only": floor}
    for e in engines.values():  # warm up: imports, the searcher, the variants
        for queries in kinds(5, 999).values():
            for q in queries:
                e.search(q, with_snippets=False, per_page=10)
    times: dict[tuple[str, str], list[float]] = {}
    rng = random.Random(5)
    for r in range(args.rounds):
        for m, (mode, options) in enumerate(MODES.items()):
            for kind, queries in kinds(args.queries, 100 + 10 * r + m).items():
                if mode == "+facets" and kind not in ("term", "phrase"):
                    continue
                order = list(sides.items())
                rng.shuffle(order)
                for q in queries:
                    for name, e in order:
                        fuzzy = name != "exact only"
                        started = time.perf_counter()
                        e.search(q, with_snippets=False, per_page=10, fuzzy=fuzzy, **options)
                        times.setdefault((kind + mode, name), []).append((time.perf_counter() - started) * 1000)

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)]

    names = list(sides)
    print(f"\n{'queries':<16}" + "".join(f"{n[:16] + ' p50/p95 ms':>28}" for n in names)
          + "".join(f"{'/ ' + n[:12] + ' p50':>20}" for n in names[1:]))
    for kind in dict.fromkeys(k for k, _ in times):
        medians = {n: statistics.median(times[(kind, n)]) for n in names}
        cells = "".join(f"{medians[n]:>16.2f} / {p95(times[(kind, n)]):>9.2f}" for n in names)
        ratios = "".join(f"{medians['this tree'] / medians[n]:>20.2f}" for n in names[1:])
        print(f"{kind:<16}{cells}{ratios}")
    print("Ratios: this tree's median time over each other's (lower is better for this tree).")
    from harness import report_ratios

    report_ratios("ocr_noise_cost", {f"{kind} p50 / exact only": (
        statistics.median(times[(kind, "this tree")]) / statistics.median(times[(kind, "exact only")]), "lower")
        for kind in dict.fromkeys(k for k, _ in times)})
    print("\nterm, fuzzy, long: the default (exact first, approximate matches when the exact ones are fewer than "
          "20); fuzzy: one letter replaced (no exact match: always widened); long: >= 9 letters.")


if __name__ == "__main__":
    main()
