"""How soon does search reflect a change, with `readingroom serve` and its background index writer running?

Imports --records telegrams made from the shipped sample export and the shipped scans (harness.py) into a
temporary data directory, indexes them, and first measures the floor: `writer.drain()` alone for one
title change, in this process, with no server running. Then it starts `readingroom serve` (background
writer on) and, --repeat times each, makes five kinds of change from this process, as their real paths
make them, and times from the commit until /search.json reflects it (polled every --poll seconds):
  title edit      a record's title changed by a model save, as the admin saves it
  transcript fix  a word added to a transcript (a content save, as the admin's text field makes it)
  correction      a transcript corrected on the staff editing page's path (catalog.corrections: draft,
                  reviewed, published), timed from the publish
  made staff-only a record's access changed to staff: timed until it is gone from the results
  import          a small import of three new records (readingroom.ingest.runner.run_import)
  OCR result      a page reading stored by readingroom.ocr.jobs.save_outcome, as `readingroom ocr` does
Prints p50/p95/max per kind against the target (p95 <= 5 s). Writes nothing outside its temporary folder.

    PYTHONPATH=src python benchmarks/freshness.py [--records 300] [--repeat 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from harness import REPO, free_port, indexed_sample_archive, sample_export, setup_django

TARGET_P95 = 5.0
TIMEOUT = 60.0  # a change not reflected by then counts as this long, and is reported


def word(rng: random.Random) -> str:
    """A made-up word no record holds (letters only, so every analyzer keeps it whole)."""
    return "q" + "".join(rng.choice(string.ascii_lowercase) for _ in range(9))


class Probe:
    """Asks /search.json over one kept-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def ids(self, query: str) -> list[str] | None:
        try:
            self.conn.request("GET", "/search.json?" + urllib.parse.urlencode({"q": query}))
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return None
        if response.status != 200:
            return None
        return [hit["id"] for hit in json.loads(body)["results"]]

    def wait(self, done: Callable[[list[str]], bool], query: str, poll: float) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < TIMEOUT:
            ids = self.ids(query)
            if ids is not None and done(ids):
                return time.perf_counter() - started
            time.sleep(poll)
        return TIMEOUT


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def floor(archive, repeat: int, rng: random.Random) -> list[float]:
    from readingroom.search import writer

    times = []
    for n in range(repeat + 1):
        record = archive.telegrams[-1 - n % len(archive.telegrams)]
        record.title = f"Floor measurement {word(rng)}"
        record.save()
        started = time.perf_counter()
        writer.drain()
        if n:  # the first pass warms caches
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--poll", type=float, default=0.05, help="seconds between /search.json probes")
    parser.add_argument("--seed", type=int, default=1944)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results: dict[str, list[float]] = {}

    with tempfile.TemporaryDirectory(prefix="rr-bench-freshness-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        setup_django(data_dir)
        archive = indexed_sample_archive(max(args.records, 2 * args.repeat + 2), Path(tmp))
        from django.db import connections

        from readingroom.catalog import corrections
        from readingroom.catalog.models import Content
        from readingroom.ingest.runner import run_import
        from readingroom.ocr.jobs import JobOutcome, save_outcome

        results["floor: writer.drain(), one title"] = floor(archive, args.repeat, rng)
        connections.close_all()

        port = free_port()
        env = {**os.environ, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src")}
        log = Path(tmp) / "serve.log"
        with log.open("w") as out:
            server = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "serve", "--port", str(port)],
                                      env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            probe = Probe(port)
            deadline = time.monotonic() + 60
            while probe.ids("Stalin") is None:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.2)

            warming = [True]  # the first round warms the server and the writer: not counted

            def timed(kind: str, change: Callable[[], None], done: Callable[[list[str]], bool], query: str) -> None:
                change()
                seconds = probe.wait(done, query, args.poll)
                if not warming[0]:
                    results.setdefault(kind, []).append(seconds)

            page = archive.page
            for n in range(args.repeat + 1):
                record = archive.telegrams[n]
                w = word(rng)

                def edit_title(record=record, w=w) -> None:
                    record.title = f"The Ambassador's telegram on {w}"
                    record.save()

                timed("title edit", edit_title, lambda ids, r=record: r.public_id in ids, w)
                timed("made staff-only", lambda r=record: (setattr(r, "access_level", "staff"), r.save()),
                      lambda ids, r=record: r.public_id not in ids, w)

                other, w = archive.telegrams[args.repeat + 1 + n], word(rng)
                transcript = Content.objects.filter(record=other, kind=Content.Kind.TRANSCRIPT).first()

                def correct(content=transcript, w=w) -> None:
                    content.text = f"{content.text} Corrected: {w}."
                    content.save()

                timed("transcript fix", correct, lambda ids, r=other: r.public_id in ids, w)

                w = word(rng)
                target = corrections.targets(other)[0]
                draft = corrections.save_text(target, f"{target.public_text} Read again: {w}.",
                                              getattr(target.correction(), "revision", 0), None)
                reviewed = corrections.review(target, draft.revision, None)
                timed("correction published", lambda t=target, r=reviewed: corrections.publish(t, r.revision, None),
                      lambda ids, r=other: r.public_id in ids, w)

                w = word(rng)
                folder = Path(tmp) / f"import-{n}"
                folder.mkdir()
                new_ids = [f"fresh-{n}-{k}" for k in range(3)]
                for public_id in new_ids:
                    sample_export(folder, public_id, f"Telegram on {w} {public_id}")
                timed("import of 3 records", lambda folder=folder: run_import([str(folder)]),
                      lambda ids, expected=new_ids: set(expected) <= set(ids), w)

                w = word(rng)

                def ocr(w=w) -> None:
                    outcome = JobOutcome(page.pk, page.checksum, {}, True, text=f"TELEGRAM SECRET {w} Stalin",
                                         confidence=91.0, engine="benchmark")
                    if save_outcome(outcome) != "saved":
                        raise SystemExit("save_outcome did not save the page reading")

                timed("OCR result saved", ocr, lambda ids: archive.scanned.public_id in ids, w)
                warming[0] = False
        finally:
            server.terminate()
            server.wait(30)
        errors = [line for line in log.read_text().splitlines() if "error" in line.lower()]

    rows = ["| change | n | p50 s | p95 s | max s | p95 within 5 s |", "|---|---|---|---|---|---|"]
    for kind, values in results.items():
        ok = "" if kind.startswith("floor") else ("yes" if pct(values, .95) <= TARGET_P95 else "NO")
        rows.append(f"| {kind} | {len(values)} | {pct(values, .5):.2f} | {pct(values, .95):.2f} | "
                    f"{max(values):.2f} | {ok} |")
    print(f"records: {len(archive.telegrams) + 1}; serve: waitress, 1 process, background index writer polling "
          f"the queue every 0.5 s; probe: /search.json every {args.poll:g} s")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    print("\n".join(rows))
    if errors:
        print(f"server log lines mentioning errors: {len(errors)}, e.g. {errors[0]}")


if __name__ == "__main__":
    main()
