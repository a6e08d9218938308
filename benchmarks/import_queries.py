"""What does one import batch cost in SQL statements and Python calls, and how much of it is the public
counts' share? Deterministic figures (no clock), so they compare between machines and loaded runs.

Builds a shelf of N FRUS documents as benchmarks/import_frus.py does, imports it in one process into a
fresh SQLite database, then imports it again unchanged, and prints per batch (ingest/runner.py BATCH_SIZE):
the SQL statements of the whole import (executemany counts once), those of the counts' step (the bulk
path's counts.count_new; a recount after the commit, counts.flush, where that is what runs) and its Python
function calls (cProfile), with `counts --check`'s drift at the end (must be 0).

    python benchmarks/import_queries.py [--documents 2000] [--src OTHER_CHECKOUT/src]

--src measures another checkout's code on the same shelf (e.g. the commit before a change).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(shelf: Path, data: Path) -> dict:
    # Django set up here, not by import_frus.setup_django: that puts this checkout's src/ first, and the
    # code measured is the one PYTHONPATH names.
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(READINGROOM_DATA_DIR=str(data), READINGROOM_READ_AHEAD="0",
                      DJANGO_SETTINGS_MODULE="readingroom.settings")
    data.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readingroom.catalog import counts
    from readingroom.ingest.runner import BATCH_SIZE, run_import

    call_command("migrate", interactive=False, verbosity=0)
    profile = cProfile.Profile()
    step = {"statements": 0}

    def counted(fn):
        def run(*args, **kwargs):
            with CaptureQueriesContext(connection) as queries:
                profile.enable()
                try:
                    result = fn(*args, **kwargs)
                finally:
                    profile.disable()
            step["statements"] += len(queries.captured_queries)
            return result
        return run

    for name in ("flush", "count_new"):  # whichever the code measured has
        if hasattr(counts, name):
            setattr(counts, name, counted(getattr(counts, name)))
    result = {}
    for label in ("import", "unchanged re-import"):
        step["statements"] = 0
        profile = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            summary = run_import([str(shelf)])
        documents = sum(summary.counts[k] for k in ("imported", "updated", "unchanged"))
        result[label] = {"documents": documents, "batches": -(-documents // BATCH_SIZE),
                         "statements": len(queries.captured_queries), "count_statements": step["statements"],
                         "count_calls": pstats.Stats(profile).total_calls if step["statements"] else 0}
    result["drift"] = len(counts.drift())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--src", type=Path, help="the src/ of the checkout to measure (default: this one)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    if args.child:
        print(json.dumps(measure(args.child, args.child.parent / "data")))
        return
    import import_frus

    work = Path(tempfile.mkdtemp(prefix="readingroom-import-queries-"))
    try:
        documents, _size, origin = import_frus.build_shelf(work / "shelf", args.documents)
        src = (args.src or HERE.parent / "src").resolve()
        env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
        output = subprocess.run([sys.executable, __file__, "--child", str(work / "shelf")], env=env,
                                capture_output=True, text=True, check=True)
        result = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"{documents:,} FRUS documents (the real documents of {origin}, repeated with new ids), "
              f"one process, SQLite; code from {src}\n")
        print(f"{'':22} {'batches':>8} {'SQL/batch':>10} {'counts SQL/batch':>17} {'counts calls/batch':>19}")
        for label in ("import", "unchanged re-import"):
            r = result[label]
            b = max(r["batches"], 1)
            print(f"{label:22} {r['batches']:>8} {r['statements'] / b:>10.1f} {r['count_statements'] / b:>17.1f} "
                  f"{r['count_calls'] / b:>19,.0f}")
        print(f"\ncounts --check after both: {result['drift']} keys drifted (must be 0)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
