"""How fast are the reading room's pages under 50 concurrent readers?

Builds a catalogue of --records records in a temporary data directory (benchmarks/catalogue.py: the real
texts of ../shared, collections, authorities, 3% restricted; a third of the records reply to an earlier one
and a few "hub" records are mentioned by many), indexes it, serves it with `readingroom serve` on loopback
(waitress, or gunicorn with --workers above 1), and drives it with a threaded Python client: first one
reader alone (the baseline), then 50 readers at once. Two reader models:
  closed loop   - every reader asks for the next page as soon as the last one arrives (a stress test);
  think time    - every reader pauses (exponential, mean --think seconds) between pages, as people do.
Readers pick pages at random: at 100,000 records nearly every document page is a first visit (its cached
parts are computed), which is the case to measure; a --popular share of requests goes to 50 records.
Prints p50/p95/max per page kind and writes nothing else. Bounded: --requests per phase and --seconds.

    PYTHONPATH=src python benchmarks/web.py [--records 1000|10000|100000] [--requests 1500] [--seconds 60]
    PYTHONPATH=src python benchmarks/web.py --records 200 --requests 60 --seconds 5 --readers 5   # smoke run
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from catalogue import HUBS, build_catalogue, shared_texts_present
from harness import REPO, free_port, setup_django, wait_until_up

RELATIONS = 0.3  # share of records replying to an earlier one (half as many mention a hub)


@dataclass
class Prepared:
    ids: list[str]  # the public records' ids
    titles: dict[str, str]  # a sample of them, with their titles (for highlighted pages and searches)
    description: dict


def prepare(data_dir: Path, records: int) -> Prepared:
    """Migrate a fresh database, fill it and index it."""
    setup_django(data_dir)
    from readingroom.catalog.models import Record
    from readingroom.search import rebuild

    description = build_catalogue(records, relations=RELATIONS)
    rebuild()
    ids = list(Record.objects.public().order_by("pk").values_list("public_id", flat=True))
    sample = random.Random(5).sample(ids, min(len(ids), 200))
    titles = dict(Record.objects.filter(public_id__in=sample).values_list("public_id", "title"))
    return Prepared(ids, titles, description)


def plan_for(prepared: Prepared, popular: float) -> list[tuple[str, str]]:
    """(kind, path) to draw from, in the proportions of the page kinds."""
    rng = random.Random(3)
    ids = prepared.ids
    plan = [("document", f"/document/{pid}/") for pid in rng.sample(ids, min(len(ids), 5000))]
    hubs = [pid for pid in ids if pid in {f"bench-{n}" for n in range(HUBS)}]
    plan += [("document, a hub (many related)", f"/document/{pid}/") for pid in hubs] * max(1, len(plan) // 20 // len(hubs or [1]))
    plan += [("a hub's mentions, first page", f"/document/{pid}/related/mentioned_in/") for pid in hubs] * max(1, len(plan) // 60 // len(hubs or [1]))
    plan += [("document.json", f"/document/{pid}.json") for pid in rng.sample(ids, min(len(ids), len(plan) // 10))]
    words = [w for title in prepared.titles.values() for w in title.split() if len(w) >= 6 and w.isalpha()]
    highlighted = [(pid, rng.choice([w for w in title.split() if len(w) >= 4] or ["the"]))
                   for pid, title in prepared.titles.items()]
    plan += [("document + highlighted words", f"/document/{pid}/?q={quote(word)}") for pid, word in highlighted][:len(plan) // 10]
    plan += [("search", f"/search/?q={quote(w)}") for w in rng.sample(words, min(len(words), max(1, len(plan) // 12)))]
    if popular:
        favourites = rng.sample(ids, min(len(ids), 50))
        count = int(len(plan) * popular / (1 - popular))
        plan += [("document, popular (cached parts)", f"/document/{rng.choice(favourites)}/") for _ in range(count)]
    return plan


@dataclass
class Samples:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)


def reader(port: int, plan: list[tuple[str, str]], samples: Samples, deadline: float, think: float,
           counter: list[int], limit: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = random.Random()
    if think:  # readers arrive over time, not all in the same millisecond
        time.sleep(rng.uniform(0, think))
    while time.monotonic() < deadline:
        with samples.lock:
            if counter[0] >= limit:
                break
            counter[0] += 1
        kind, path = rng.choice(plan)
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - start
        if ok:
            samples.add(kind, elapsed)
        else:
            with samples.lock:
                samples.errors += 1
        if think:
            time.sleep(rng.expovariate(1 / think))
    conn.close()


def run_phase(port: int, plan: list[tuple[str, str]], readers: int, requests: int, seconds: float,
              think: float) -> tuple[Samples, float]:
    samples = Samples()
    counter = [0]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=reader, args=(port, plan, samples, deadline, think, counter, requests))
               for _ in range(readers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def report(name: str, samples: Samples, elapsed: float) -> list[str]:
    rows = []
    total = sum(len(v) for v in samples.times.values())
    for kind, values in sorted(samples.times.items()):
        rows.append(f"| {name} | {kind} | {len(values)} | {pct(values, .5):.1f} | {pct(values, .95):.1f} | "
                    f"{max(values) * 1000:.1f} | {statistics.fmean(values) * 1000:.1f} |")
    rows.append(f"| {name} | all ({total / elapsed:.0f} req/s, {samples.errors} errors) | {total} | | | | |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="catalogue size (1000, 10000, 100000)")
    parser.add_argument("--requests", type=int, default=1500, help="requests per phase (bound)")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per phase (bound)")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a reader's pages, seconds")
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--workers", type=int, default=1, help="server processes (readingroom serve --workers)")
    parser.add_argument("--popular", type=float, default=0.2,
                        help="share of requests for 50 popular documents (0: every page drawn at random)")
    args = parser.parse_args()
    if not shared_texts_present():
        sys.exit("skipped: ../shared/ocr-noise and ../shared/frus are needed to build the catalogue")

    with tempfile.TemporaryDirectory(prefix="rr-bench-web-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        started = time.perf_counter()
        prepared = prepare(data_dir, args.records)
        built = time.perf_counter() - started
        port = free_port()
        env = {**os.environ, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src"),
               "READINGROOM_ALLOWED_HOSTS": "127.0.0.1,localhost"}
        server = subprocess.Popen(
            [sys.executable, "-m", "readingroom.cli", "serve", "--port", str(port), "--threads", str(args.threads),
             "--workers", str(args.workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            wait_until_up(port)
            plan = plan_for(prepared, args.popular)
            # Warm caches (templates, citation styles) outside the measurement.
            run_phase(port, plan, 2, min(200, args.requests), 30, 0)
            rows = ["| phase | page | requests | p50 ms | p95 ms | max ms | mean ms |", "|---|---|---|---|---|---|---|"]
            samples, elapsed = run_phase(port, plan, 1, args.requests // 3, args.seconds, 0)
            rows += report("baseline: 1 reader", samples, elapsed)
            alone = {kind: pct(values, .5) for kind, values in samples.times.items()}
            samples, elapsed = run_phase(port, plan, args.readers, args.requests, args.seconds, args.think)
            rows += report(f"{args.readers} readers, think {args.think:g}s", samples, elapsed)
            samples, elapsed = run_phase(port, plan, args.readers, args.requests, args.seconds, 0)
            rows += report(f"{args.readers} readers, closed loop", samples, elapsed)
        finally:
            server.terminate()
            server.wait(10)
    d = prepared.description
    print(f"records: {d['records']:,} ({d['public']:,} public), {d['links']:,} authority links, {d['relations']:,} relations;"
          f" catalogue built and indexed in {built:.0f} s; {args.popular:.0%} of requests for 50 popular documents")
    print(f"server: {args.workers} process(es) ({'waitress' if args.workers == 1 else 'gunicorn'})"
          f" of {args.threads} threads; client: Python threads in the same machine")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    print("\n".join(rows))
    from harness import report_ratios

    # No floor here: milliseconds, comparable only with earlier runs on the same machine.
    report_ratios("web", {f"{kind} p50 ms, one reader (same machine only)": (ms, "lower") for kind, ms in alone.items()})


if __name__ == "__main__":
    main()
