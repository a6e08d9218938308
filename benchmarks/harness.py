"""What the benchmark scripts that serve the app share: Django on a fresh data directory, the test
suite's sample archive indexed, a free port, and a server to wait for."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
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


def indexed_sample_archive(records: int):
    """The test suite's sample archive (a seed telegram with a scan, `records` FRUS-like telegrams,
    authorities, restricted records), with its search index built."""
    from tests.web import sample_archive

    from readingroom.search import rebuild

    archive = sample_archive.build(frus_count=records)
    rebuild()
    return archive


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
