"""What does one document page cost the server, in queries and Python function calls?

Deterministic counts, not timings (a loaded machine cannot spoil them): builds benchmarks/catalogue.py's
catalogue (real texts, relations, hub records) in a temporary data directory, indexes it, and requests a
fixed sample of document pages through Django's test client, each kind of visit in turn:
  first visit   - the cache emptied before each page (at 100,000 records nearly every visit is one);
  second visit  - the same page again (its cached parts and bundle served from the cache);
  .json         - the JSON twin, first and second visit;
  highlighted   - `?q=` with a word of the title (highlighting is never served from the cache);
  staff         - a signed-in staff member's first and second visit;
  Russian       - the interface in Russian (another cache entry), second visit.
Prints, per kind, the median and maximum of SQL queries and of function calls (cProfile's count).
With --profile KIND, prints the 40 costliest functions (cumulative) of that kind's pages.

    PYTHONPATH=src python benchmarks/document_cost.py [--records 3000] [--pages 40]
    PYTHONPATH=src python benchmarks/document_cost.py --records 300 --pages 5   # smoke run
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from catalogue import HUBS, build_catalogue, shared_texts_present
from harness import setup_django

RELATIONS = 0.3  # as benchmarks/web.py


def measure(get: Callable[[], object]) -> tuple[int, int, pstats.Stats]:
    """(queries, function calls, stats) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        profile.enable()
        response = get()
        profile.disable()
    assert response.status_code == 200, response.status_code
    stats = pstats.Stats(profile)
    return len(captured.captured_queries), stats.total_calls, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=40, help="document pages sampled (hubs included)")
    parser.add_argument("--profile", default="", help="a kind whose costliest functions to print")
    args = parser.parse_args()
    if not shared_texts_present():
        sys.exit("skipped: ../shared/ocr-noise and ../shared/frus are needed to build the catalogue")

    with tempfile.TemporaryDirectory(prefix="rr-bench-doc-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        setup_django(data_dir)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.cache import caches
        from django.test import Client

        from readingroom.catalog.models import Record
        from readingroom.search import rebuild

        description = build_catalogue(args.records, relations=RELATIONS)
        rebuild()
        public = list(Record.objects.public().order_by("pk").values_list("public_id", "title"))
        hubs = [p for p in public if p[0] in {f"bench-{n}" for n in range(min(HUBS, 3))}]
        sample = hubs + random.Random(7).sample([p for p in public if p not in hubs], args.pages - len(hubs))
        staff = get_user_model().objects.create_user("bench-staff", password="x", is_staff=True)
        reader, staffer, russian = Client(), Client(), Client(HTTP_ACCEPT_LANGUAGE="ru")
        staffer.force_login(staff)

        def visits(pid: str, title: str) -> list[tuple[str, Callable[[], object], bool]]:
            """(kind, request, empty the cache first)"""
            url = f"/document/{pid}/"
            word = next((w for w in title.split() if len(w) >= 4 and w.isalpha()), "the")
            return [("first visit", lambda: reader.get(url), True),
                     ("second visit", lambda: reader.get(url), False),
                     (".json first", lambda: reader.get(f"/document/{pid}.json"), True),
                     (".json second", lambda: reader.get(f"/document/{pid}.json"), False),
                     ("highlighted (?q=)", lambda: reader.get(url, {"q": word}), False),
                     ("staff first", lambda: staffer.get(url), True),
                     ("staff second", lambda: staffer.get(url), False),
                     ("Russian second", lambda: russian.get(url), False)]

        for pid, title in sample[:2]:  # templates, translations and citation styles loaded outside the counts
            for _kind, get, _clear in visits(pid, title):
                get()
        counts: dict[str, list[tuple[int, int]]] = {}
        profiles: dict[str, pstats.Stats] = {}
        for pid, title in sample:
            for kind, get, clear in visits(pid, title):
                if clear:
                    for alias in settings.CACHES:
                        caches[alias].clear()
                if kind == "Russian second":
                    russian.get(f"/document/{pid}/")
                queries, calls, stats = measure(get)
                counts.setdefault(kind, []).append((queries, calls))
                if kind == args.profile:
                    profiles[kind] = stats if kind not in profiles else profiles[kind].add(stats)
    d = description
    print(f"records: {d['records']:,} ({d['public']:,} public), {d['links']:,} authority links, "
          f"{d['relations']:,} relations; {len(sample)} pages ({len(hubs)} hubs)")
    print("| visit | queries (median) | queries (max) | function calls (median) | function calls (max) |")
    print("|---|---:|---:|---:|---:|")
    for kind, rows in counts.items():
        queries, calls = [q for q, _ in rows], [c for _, c in rows]
        print(f"| {kind} | {statistics.median(queries):g} | {max(queries)} | {statistics.median(calls):,.0f} "
              f"| {max(calls):,} |")
    if args.profile in profiles:
        out = io.StringIO()
        profiles[args.profile].stream = out
        profiles[args.profile].sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
