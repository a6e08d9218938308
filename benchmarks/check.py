"""Has a measured path regressed? Reruns the short form of every benchmark and prints each ratio beside
the last one recorded, so a regression shows in minutes rather than at the next full run.

Each benchmark leaves its ratios (against a floor measured in the same run: raw Tantivy, an lxml parse, a
SQL GROUP BY...) through harness.report_ratios; recall figures are machine-independent and compared too.
Short forms are small: compare them with each other, never with the full-size rows of RESULTS.md.

    python benchmarks/check.py                 # every benchmark, short forms, one after the other
    python benchmarks/check.py search import_frus
    python benchmarks/check.py --record --runs 3   # store the median of 3 runs as the ones to compare with

Not a test: it times things, so it never runs in CI. Run it alone on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "check-recorded.json"
WORSE = 0.20  # a ratio this much worse than the recorded one is flagged (short runs spread about ±10%)

# The short form of each benchmark: seconds to a few minutes each on a 2-core machine.
SHORT: dict[str, list[str]] = {
    "import_frus": ["--documents", "3000", "--naive", "200"],
    "search": ["--records", "3000", "--queries", "300", "--skip-whoosh"],  # p95 of 60 spread 2x between runs
    "discovery": ["--records", "3000", "--repeat", "3"],
    "multilingual": ["--queries", "30"],
    "ocr_recall": ["--queries", "60", "--grid", "small"],
    "ocr_noise_cost": ["--records", "1000", "--queries", "20", "--rounds", "1"],
    "pages": ["--records", "2000", "--repeat", "3"],
    "ocr": ["--rounds", "1"],
    "web": ["--records", "1000", "--requests", "300", "--seconds", "8", "--readers", "10"],
}


def run(name: str, ratios_file: Path, log_dir: Path, round_: int) -> tuple[bool, float]:
    log = log_dir / f"{name}-{round_}.log"
    started = time.perf_counter()
    env = dict(os.environ, READINGROOM_BENCH_RATIOS=str(ratios_file))
    with log.open("w") as out:
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *SHORT[name]], stdout=out,
                              stderr=subprocess.STDOUT, env=env, cwd=HERE.parent)
    return done.returncode == 0, time.perf_counter() - started


def commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                           cwd=HERE).stdout.strip()
    return (found.stdout.strip() or "unknown") + ("+changes" if dirty else "")


def medians(ratios_file: Path) -> dict[str, dict]:
    """Each benchmark's ratios, the median of its runs for each."""
    runs: dict[str, dict[str, dict]] = {}  # benchmark -> ratio -> {"better": ..., "values": [one a run]}
    if ratios_file.exists():
        for line in ratios_file.read_text().splitlines():
            entry = json.loads(line)
            for key, ratio in entry["ratios"].items():
                kept = runs.setdefault(entry["benchmark"], {}).setdefault(key, {"better": ratio["better"], "values": []})
                kept["values"].append(ratio["value"])
    return {name: {key: {"value": round(statistics.median(r["values"]), 4), "better": r["better"]}
                   for key, r in ratios.items()} for name, ratios in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", choices=[[], *SHORT], metavar="benchmark",
                        help=f"some of: {', '.join(SHORT)} (default: all)")
    parser.add_argument("--record", action="store_true", help="store this run's ratios for later comparisons")
    parser.add_argument("--runs", type=int, default=1,
                        help="run each benchmark this many times, in rounds, and take each ratio's median "
                             "(3 for a recording: a short run's tail latencies spread by a third)")
    args = parser.parse_args()
    names = args.names or list(SHORT)
    recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {"benchmarks": {}}
    log_dir = Path(tempfile.mkdtemp(prefix="rr-check-"))
    ratios_file = log_dir / "ratios.jsonl"
    print(f"commit {commit()}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; "
          f"logs in {log_dir}")
    failed = []
    for round_ in range(1, max(1, args.runs) + 1):
        for name in names:
            ok, seconds = run(name, ratios_file, log_dir, round_)
            print(f"  {name}{f' (run {round_})' if args.runs > 1 else ''}: "
                  f"{'done' if ok else 'FAILED (see its log)'} in {seconds:.0f} s", flush=True)
            if not ok and name not in failed:
                failed.append(name)
    now = medians(ratios_file)

    print(f"\n{'benchmark':<13} {'ratio':<58} {'now':>9} {'recorded':>9} {'change':>8}")
    flagged = 0
    for name in names:
        before = recorded["benchmarks"].get(name, {}).get("ratios", {})
        for key, entry in now.get(name, {}).items():
            value, old = entry["value"], before.get(key, {}).get("value")
            change, mark = "", ""
            if old:
                better = value / old if entry["better"] == "higher" else old / value if value else float("inf")
                change = f"{better:7.2f}x"
                if better < 1 - WORSE:
                    mark, flagged = "  WORSE", flagged + 1
            print(f"{name:<13} {key[:58]:<58} {value:>9.3f} {'' if old is None else f'{old:9.3f}':>9} {change:>8}{mark}")
    print("\nchange: now against recorded, >1 better, <1 worse (whichever way the ratio improves); "
          f"WORSE marks a fall of more than {WORSE:.0%}. Recorded: "
          + ", ".join(f"{n} at {recorded['benchmarks'][n]['commit']}" for n in names if n in recorded["benchmarks"]))
    if args.record:
        for name, ratios in now.items():
            recorded["benchmarks"][name] = {"commit": commit(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                            "load_average": round(os.getloadavg()[0], 1), "ratios": ratios}
        RECORDED.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        print(f"recorded in {RECORDED.name}")
    if failed or flagged:
        sys.exit(f"check: {len(failed)} benchmark(s) failed, {flagged} ratio(s) worse")


if __name__ == "__main__":
    main()
