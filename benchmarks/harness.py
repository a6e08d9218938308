"""What the benchmark scripts that serve the app share: Django on a fresh data directory, an indexed
archive made from the shipped sample files by the real import, a free port, and a server to wait for."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "src" / "readingroom" / "sample_data"
SAMPLE_EXPORT = SAMPLES / "records" / "wilson-center-209771.txt"  # an archive-page export of one telegram
SAMPLE_TITLE = "Telegram re Stalin Harriman Conversation on Japanese Troops"
SAMPLE_SCAN_RECORD = "209771-typed-scan"  # the record of the shipped scans (sample_data/scans/sidecar.csv)
RATIOS_FILE = "READINGROOM_BENCH_RATIOS"  # set by benchmarks/check.py: where each script leaves its ratios


def report_ratios(benchmark: str, ratios: dict[str, tuple[float, str]]) -> None:
    """Leave this run's ratios for benchmarks/check.py: name -> (value, "higher" or "lower" is better).
    Ratios against a floor measured in the same run hold between machines; absolute times do not."""
    target = os.environ.get(RATIOS_FILE)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps({"benchmark": benchmark,
                              "ratios": {k: {"value": round(v, 4), "better": b} for k, (v, b) in ratios.items()}})
                  + "\n")


def setup_django(data_dir: Path) -> None:
    """Django on `data_dir`, its database migrated; the repository's src/ and tests/ importable."""
    os.environ["READINGROOM_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    sys.path[:0] = [str(REPO / "src"), str(REPO)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def sample_export(folder: Path, public_id: str, title: str) -> Path:
    """The shipped archive-page export as another record: its id and title replaced, its texts kept."""
    text = SAMPLE_EXPORT.read_text(encoding="utf-8")
    text = text.replace(SAMPLE_TITLE, title).replace("/document/209771", f"/document/{public_id}")
    path = folder / f"{public_id}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def indexed_sample_archive(records: int, folder: Path) -> SimpleNamespace:
    """`records` telegrams made from the shipped export and the shipped scans (a typed telegram of two
    pages), imported as `readingroom import` imports them, with the search index built. Returns `.telegrams`
    (in the order made), `.scanned` (the record of the scans) and `.page` (its first page)."""
    from readingroom.catalog.models import Page, Record
    from readingroom.ingest.runner import run_import
    from readingroom.search import rebuild

    exports = folder / "exports"
    exports.mkdir(parents=True)
    ids = [f"telegram-{n + 1}" for n in range(records)]
    for n, public_id in enumerate(ids):
        sample_export(exports, public_id, f"{SAMPLE_TITLE}, copy {n + 1}")
    summary = run_import([str(exports), str(SAMPLES / "scans")])
    if not summary.ok:
        raise SystemExit(f"the sample archive did not import: {summary.problems[:1]}")
    rebuild()
    by_id = Record.objects.in_bulk(ids, field_name="public_id")
    page = Page.objects.filter(content__record__public_id=SAMPLE_SCAN_RECORD).order_by("position").first()
    return SimpleNamespace(telegrams=[by_id[public_id] for public_id in ids], scanned=page.content.record, page=page)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, path: str = "/", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")
