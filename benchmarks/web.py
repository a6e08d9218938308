"""How fast are the reading room's pages under 50 concurrent readers?

Builds a sample archive in a temporary data directory (the test suite's sample: a seed-like telegram with a
scan, N FRUS-like records, authorities), serves it with `readingroom serve` on loopback (waitress, or
gunicorn with --workers above 1), and drives it with a threaded
Python client: first one reader alone (the baseline), then 50 readers at once. Two reader models:
  closed loop   - every reader asks for the next page as soon as the last one arrives (a stress test);
  think time    - every reader pauses (exponential, mean --think seconds) between pages, as people do.
Prints p50/p95/max per page kind and writes nothing else. Bounded: --requests per phase and --seconds.

    PYTHONPATH=src python benchmarks/web.py [--records 300] [--requests 1500] [--seconds 60]
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

from harness import REPO, free_port, indexed_sample_archive, setup_django, wait_until_up


def prepare(data_dir: Path, records: int) -> list[str]:
    """Migrate a fresh database and fill it; returns the public ids of the records."""
    setup_django(data_dir)
    archive = indexed_sample_archive(records)
    return [archive.seed.public_id, *(r.public_id for r in archive.frus)]


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
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--requests", type=int, default=1500, help="requests per phase (bound)")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per phase (bound)")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a reader's pages, seconds")
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--workers", type=int, default=1, help="server processes (readingroom serve --workers)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rr-bench-web-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        ids = prepare(data_dir, args.records)
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
            plan = [("document", f"/document/{pid}/") for pid in ids]
            plan += [("document+scan+hits", "/document/209771/?q=Stalin+Shantung")] * max(1, len(ids) // 10)
            conn = http.client.HTTPConnection("127.0.0.1", port)
            conn.request("GET", "/search/?q=Stalin")
            search = conn.getresponse()
            search.read()
            if search.status == 200:
                words = ["Stalin", "Harriman", "Manchuria", "telegram", "Red Army", "Ambassador"]
                plan += [("search", f"/search/?q={w.replace(' ', '+')}") for w in words] * max(1, len(ids) // 12)
            else:
                print(f"(/search/ answered {search.status}: search page not measured on this branch)")
            # Warm caches (templates, citation styles) outside the measurement.
            run_phase(port, plan, 2, 200, 30, 0)
            rows = ["| phase | page | requests | p50 ms | p95 ms | max ms | mean ms |", "|---|---|---|---|---|---|---|"]
            samples, elapsed = run_phase(port, plan, 1, args.requests // 3, args.seconds, 0)
            rows += report("baseline: 1 reader", samples, elapsed)
            samples, elapsed = run_phase(port, plan, args.readers, args.requests, args.seconds, args.think)
            rows += report(f"{args.readers} readers, think {args.think:g}s", samples, elapsed)
            samples, elapsed = run_phase(port, plan, args.readers, args.requests, args.seconds, 0)
            rows += report(f"{args.readers} readers, closed loop", samples, elapsed)
        finally:
            server.terminate()
            server.wait(10)
    print(f"records: {len(ids)}; server: {args.workers} process(es) ({'waitress' if args.workers == 1 else 'gunicorn'})"
          f" of {args.threads} threads; client: Python threads in the same machine")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
