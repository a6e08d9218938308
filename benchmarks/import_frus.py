"""How fast does readingroom import FRUS TEI volumes, and how much memory does it take?

Builds a shelf of volumes holding N documents (default 100,000) by repeating the real documents of
../shared/frus/*.xml with new ids (document, footnote and page ids renumbered; the text is the real
text), 1,000 documents a volume, then imports the shelf into a fresh SQLite database in a temporary
directory. Each measurement runs in a fresh process, so its peak memory (RSS) is its own:

  lxml parse only      iterparse over the shelf, freeing documents: the floor any importer stands on
  FRUS reader          readingroom's reader (parse + convert to records), nothing stored
  import               `readingroom import`'s path: batched transactions, cached lookups, bulk inserts,
                       the reader in a second process (ingest/prefetch.py), and again in one process
  re-import            the same shelf again: everything unchanged
  per-record (naive)   the same reader, each record stored with store_record in its own transaction
                       (the pipeline's path before batching), on the first --naive documents only
  readingroom import   the command a user runs, end to end in a fresh data directory: the schema, the
                       import, the gazetteer, the search index built, places looked up

The lxml floor is measured three times, at the start, the middle and the end of the run, and the ratios
use the median: on this machine a second of lxml work reads up to twice as fast in one minute as in
another, and a single sample moved every ratio with it.

    python benchmarks/import_frus.py [--documents 100000] [--naive 5000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED_FRUS = (REPO / ".." / "shared" / "frus").resolve()
TEI = "http://www.tei-c.org/ns/1.0"
PER_VOLUME = 1000


# -- the corpus

def real_documents() -> tuple[str, list[str], str]:
    """The real volume's header and its documents as XML text (from ../shared, else the test fixtures)."""
    from lxml import etree

    sources = sorted(SHARED_FRUS.glob("*.xml")) if SHARED_FRUS.exists() else []
    if not sources:
        sys.path.insert(0, str(REPO / "tests" / "ingest"))
        from frus_fixtures import standard_volume  # noqa: PLC0415 - only when ../shared is absent

        texts, origin = [standard_volume().encode()], "the synthetic test volume (../shared/frus is absent)"
    else:
        texts, origin = [p.read_bytes() for p in sources], ", ".join(p.name for p in sources)
    header, documents = "", []
    for text in texts:
        root = etree.fromstring(text)
        if not header:
            header = etree.tostring(root.find(f"{{{TEI}}}teiHeader"), encoding="unicode")
        for div in root.iter(f"{{{TEI}}}div"):
            if div.get("type") == "document":
                documents.append(etree.tostring(div, encoding="unicode", with_tail=False))
    return header, documents, origin


def renumber(document: str, number: int) -> str:
    old = re.search(r'xml:id="([^"]+)"', document).group(1)
    text = document.replace(f'xml:id="{old}"', f'xml:id="d{number}"', 1)
    text = text.replace(f'"{old}fn', f'"d{number}fn').replace(f'"#{old}fn', f'"#d{number}fn')
    return text.replace('xml:id="pg_', f'xml:id="r{number}_pg_')


def build_shelf(folder: Path, total: int) -> tuple[int, int, str]:
    header, documents, origin = real_documents()
    folder.mkdir(parents=True, exist_ok=True)
    written = size = 0
    volume = 0
    while written < total:
        volume += 1
        volume_id = f"frus1944Bench{volume:04d}"
        volume_header = re.sub(r'(<idno type="frus">)[^<]*(</idno>)', rf"\g<1>{volume_id}\g<2>", header)
        count = min(PER_VOLUME, total - written)
        parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI}" '
                 f'xmlns:frus="http://history.state.gov/frus/ns/1.0" xml:id="{volume_id}">\n', volume_header,
                 "\n<text><body>\n"]
        for chapter_start in range(0, count, 100):
            parts.append(f'<div type="chapter" xml:id="ch{chapter_start // 100 + 1}"><head>Chapter '
                         f"{chapter_start // 100 + 1}</head>\n")
            for i in range(chapter_start, min(count, chapter_start + 100)):
                parts.append(renumber(documents[(written + i) % len(documents)], written + i + 1) + "\n")
            parts.append("</div>\n")
        parts.append("</body></text>\n</TEI>\n")
        path = folder / f"{volume_id}.xml"
        path.write_text("".join(parts), encoding="utf-8")
        size += path.stat().st_size
        written += count
    return written, size, origin


# -- one measurement, in its own process

def setup_django(data: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["READINGROOM_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    data.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def measure(kind: str, shelf: Path, data: Path, limit: int) -> dict:
    files = sorted(shelf.glob("*.xml"))
    result: dict = {}
    if kind == "lxml":
        from lxml import etree

        start, cpu = time.perf_counter(), time.process_time()
        documents = 0
        for path in files:
            for _, el in etree.iterparse(str(path), events=("end",), tag=f"{{{TEI}}}div"):
                if el.get("type") == "document":
                    documents += 1
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
        result["documents"] = documents
    elif kind == "reader":
        sys.path.insert(0, str(REPO / "src"))
        from readingroom.ingest.frus_tei import FORMAT
        from readingroom.ingest.records import ParsedRecord

        start, cpu = time.perf_counter(), time.process_time()
        result["documents"] = sum(1 for path in files for item in FORMAT.parse(path) if isinstance(item, ParsedRecord))
    elif kind in ("import", "reimport"):
        setup_django(data)
        from readingroom.ingest.runner import run_import

        if kind == "reimport":
            run_import([str(shelf)])
        start, cpu = time.perf_counter(), time.process_time()
        summary = run_import([str(shelf)])
        result["documents"] = sum(summary.counts[k] for k in ("imported", "updated", "unchanged"))
        result["summary"] = summary.line()
    elif kind == "naive":
        setup_django(data)
        from readingroom.ingest.frus_tei import FORMAT
        from readingroom.ingest.pipeline import store_record
        from readingroom.ingest.records import ParsedRecord

        start, cpu = time.perf_counter(), time.process_time()
        documents = 0
        for path in files:
            for item in FORMAT.parse(path):
                if isinstance(item, ParsedRecord):
                    store_record(item, source=str(path))
                    documents += 1
            if documents >= limit:
                break
        result["documents"] = documents
    result["seconds"] = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reader process, when it reads ahead
    result["cpu"] = time.process_time() - cpu + children.ru_utime + children.ru_stime
    result["rss_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children.ru_maxrss) / 1024
    return result


def run_child(kind: str, shelf: Path, data: Path, limit: int, read_ahead: bool = True) -> dict:
    env = dict(os.environ, READINGROOM_READ_AHEAD="1" if read_ahead else "0")
    output = subprocess.run([sys.executable, __file__, "--child", kind, "--shelf", str(shelf), "--data", str(data),
                             "--naive", str(limit)], capture_output=True, text=True, check=True, env=env)
    return json.loads(output.stdout.strip().splitlines()[-1])


def run_command(shelf: Path, data: Path, read_ahead: bool) -> dict:
    """`readingroom import` as a user runs it; its CPU includes the reader's process."""
    env = dict(os.environ, READINGROOM_DATA_DIR=str(data), READINGROOM_READ_AHEAD="1" if read_ahead else "0",
               PYTHONPATH=str(REPO / "src"))
    env.pop("DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    output = subprocess.run([sys.executable, "-m", "readingroom.cli", "import", str(shelf)], capture_output=True,
                            text=True, env=env, check=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = next(line for line in output.stdout.splitlines() if " imported, " in line)
    return {"documents": int(re.search(r"(\d+) imported", summary).group(1)), "seconds": seconds,
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "rss_mb": after.ru_maxrss / 1024, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=5_000, help="documents for the per-record baseline")
    parser.add_argument("--keep", type=Path, help="build the shelf here and keep it")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--shelf", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.shelf, args.data, args.naive)))
        return

    work = Path(tempfile.mkdtemp(prefix="readingroom-frus-bench-"))
    shelf = args.keep or work / "shelf"
    try:
        started = time.perf_counter()
        documents, size, origin = build_shelf(shelf, args.documents)
        print(f"Corpus: {documents:,} documents in {documents // PER_VOLUME or 1} volumes ({size / 1024**2:,.0f} MB of "
              f"TEI XML), built in {time.perf_counter() - started:.0f} s by REPEATING the real documents of {origin} "
              "with new ids.")
        print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start "
              "(shared with other work: wall-clock rates vary with it; CPU-second rates less so).")
        print(f"Python {sys.version.split()[0]}, SQLite database in {work}\n")
        floors = [run_child("lxml", shelf, work / "unused", 0)]
        rows = [
            ("FRUS reader, nothing stored", run_child("reader", shelf, work / "unused", 0)),
            ("import (batched, reader in a 2nd process)", run_child("import", shelf, work / "db-import", 0)),
            ("import (batched, one process)", run_child("import", shelf, work / "db-one", 0, read_ahead=False)),
            ("re-import, all unchanged (one process)", run_child("reimport", shelf, work / "db-reimport", 0,
                                                                 read_ahead=False)),
        ]
        floors.append(run_child("lxml", shelf, work / "unused", 0))
        rows += [
            (f"per-record store_record (naive), first {args.naive:,}", run_child("naive", shelf, work / "db-naive",
                                                                               args.naive, read_ahead=False)),
            ("readingroom import, end to end (2 processes)", run_command(shelf, work / "cli-ahead", True)),
            ("readingroom import, end to end (one process)", run_command(shelf, work / "cli-one", False)),
        ]
        floors.append(run_child("lxml", shelf, work / "unused", 0))
        floors.sort(key=lambda r: r["documents"] / r["seconds"])
        rows.insert(0, ("lxml parse only (baseline), median of 3", floors[1]))
        print("CPU s counts both processes when the reader runs in its own.")
        print(f"{'':44} {'documents':>10} {'wall s':>8} {'docs/s':>8} {'CPU s':>8} {'docs/CPU s':>10} {'peak RSS':>9}")
        for name, r in rows:
            print(f"{name:44} {r['documents']:>10,} {r['seconds']:>8.1f} {r['documents'] / r['seconds']:>8,.0f} "
                  f"{r['cpu']:>8.1f} {r['documents'] / r['cpu']:>10,.0f} {r['rss_mb']:>7.0f} MB")
        naive = rows[5][1]
        samples = ", ".join(f"{r['documents'] / r['seconds']:,.0f}" for r in floors)
        print(f"\nlxml floor, three samples, slowest first: {samples} docs/s")
        print(f"import: {rows[2][1].get('summary')}")
        for name, imported in rows[2:4]:
            print(f"{name} against the per-record path: "
                  f"{imported['documents'] / imported['seconds'] / (naive['documents'] / naive['seconds']):.1f}x (wall), "
                  f"{imported['documents'] / imported['cpu'] / (naive['documents'] / naive['cpu']):.1f}x (CPU).")
        lxml = rows[0][1]["documents"] / rows[0][1]["seconds"]

        def rate(i: int) -> float:
            return rows[i][1]["documents"] / rows[i][1]["seconds"]

        print(f"As a fraction of the lxml parse (docs/s): reader {rate(1) / lxml:.3f}, "
              f"import with the reader in a 2nd process {rate(2) / lxml:.3f} (target >= 0.06), "
              f"in one process {rate(3) / lxml:.3f}, unchanged re-import {rate(4) / lxml:.3f}.")
        print(f"readingroom import, end to end: {rate(6):,.0f} documents/s with the reader in a 2nd process, "
              f"{rate(7):,.0f} in one process (target >= 600).")
        print(f"Target: >= 1,000 documents/s and < 500 MB peak RSS. Load average at end {os.getloadavg()[0]:.2f}.")
        from harness import report_ratios

        report_ratios("import_frus", {
            f"{label} docs/s / lxml parse": (rate(i) / lxml, "higher")
            for i, label in ((1, "reader"), (3, "import, one process"), (2, "import, reader ahead"),
                             (4, "unchanged re-import"))})
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
