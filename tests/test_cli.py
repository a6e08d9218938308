"""The command line as a user runs it: a real process, one-line errors, summaries, exit codes."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from readingroom.catalog import gazetteer
from tests.builders import write_export

REPO = Path(__file__).resolve().parents[1]
# On PostgreSQL each test's processes store into a database of their own, as each data directory does.
pytestmark = pytest.mark.usefixtures("process_database")


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "readingroom.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300, cwd=data_dir.parent)


def test_import_show_export_round_trip(tmp_path):
    data = tmp_path / "data"
    good = write_export(tmp_path, "good.txt", record_id="209771")
    bad = tmp_path / "empty.txt"
    bad.write_text("")

    result = run_cli(data, "import", str(good), str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error {bad}: empty file" in result.stderr
    assert "2 files: 1 imported, 0 updated, 0 unchanged, 1 failed" in result.stdout
    assert f"Gazetteer: {len(gazetteer.entries())} places and " in result.stdout  # before the index update

    again = run_cli(data, "import", str(good))
    assert again.returncode == 0, again.stderr
    assert "1 file: 0 imported, 0 updated, 1 unchanged, 0 failed" in again.stdout
    assert "Gazetteer" not in again.stdout  # nothing missing: a re-load is quiet
    # The record says "Shantung"; the gazetteer's Shandong finds it (the index built after the places came).
    assert "209771" in run_cli(data, "search", "Shandong").stdout

    shown = run_cli(data, "show", "209771")
    assert shown.returncode == 0
    assert "Telegram re Stalin Harriman Conversation on Japanese Troops" in shown.stdout
    assert "Container # 171" in shown.stdout

    exported = run_cli(data, "export", "--format", "json")
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["209771"]
    assert rows[0]["classification"] == "SECRET"
    assert [c["label"] for c in rows[0]["contents"]] == ["Original Scan", "Transcript - English"]
    assert "Shantung peninsula" in rows[0]["contents"][1]["text"]

    out = tmp_path / "all.jsonl"
    assert run_cli(data, "export", "--output", str(out)).returncode == 0
    assert json.loads(out.read_text().splitlines()[0])["id"] == "209771"


def test_init_and_places_bring_the_shipped_gazetteer(tmp_path):
    data = tmp_path / "data"
    first = run_cli(data, "init")
    assert first.returncode == 0, first.stderr
    assert f"Gazetteer: {len(gazetteer.entries())} places and " in first.stdout
    assert "Gazetteer: 0 places and 0 name variants added" in run_cli(data, "init").stdout  # safe to run again
    places = run_cli(data, "places")
    assert places.returncode == 0 and "Gazetteer" not in places.stdout
    assert "places with coordinates" in places.stdout


def test_errors_are_one_line_without_traceback(tmp_path):
    data = tmp_path / "data"
    for args, message in [
        (("show", "nope"), "readingroom: error: no record with id 'nope'"),
        (("export", "--format", "xml"), "readingroom: error: unknown export format 'xml'"),
        (("import", str(tmp_path / "missing.txt")), f"error {tmp_path / 'missing.txt'}: no such file or folder"),
    ]:
        result = run_cli(data, *args)
        assert result.returncode != 0
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_help_on_every_command(tmp_path):
    top = run_cli(tmp_path / "data", "--help")
    assert top.returncode == 0
    # Every command module of the package is registered (the first word of each row of the Commands panel).
    listed = re.findall(r"^│ ([a-z][a-z-]*) ", top.stdout, re.M)
    assert sorted(listed) == sorted([
        "init", "import", "show", "export", "counts", "iiif-cache", "serve", "worker", "places", "authorities",
        "demo", "ocr", "ocr-accept", "ocr-archive", "ocr-report", "index", "search", "backup", "restore",
        "migrate-to", "api-token"])
    for name in ["init", "import", "show", "export", "serve", "worker", "demo"]:
        result = run_cli(tmp_path / "data", name, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_nothing_else_imports_the_command_line():
    """The CLI is the top of the package graph: no module outside readingroom/cli imports it, so a
    command module can never be reached from the web, search or ingest code."""
    package = REPO / "src" / "readingroom"
    importers = []
    for path in package.rglob("*.py"):
        if (package / "cli") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(n == "readingroom.cli" or n.startswith("readingroom.cli.") for n in names):
                importers.append(str(path.relative_to(package)))
    assert importers == []


@pytest.mark.parametrize("workers", [1, 2, None])
def test_serve_answers_with_a_real_wsgi_server(tmp_path, workers):
    import time
    import urllib.request

    from tests.conftest import free_port

    data = tmp_path / "data"
    assert run_cli(data, "import", str(write_export(tmp_path, "seed.txt"))).returncode == 0
    port = free_port()
    env = {**os.environ, "READINGROOM_DATA_DIR": str(data), "PYTHONPATH": str(REPO / "src")}
    flag = ["--workers", str(workers)] if workers else []
    if workers is None:  # the default: one process per core this test may run on (gunicorn from two)
        workers = len(os.sched_getaffinity(0))
    server = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "serve", "--port", str(port), *flag], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/document/209771/", timeout=5) as response:
                    # waitress names itself "readingroom"; gunicorn says "gunicorn"
                    assert response.headers["Server"] == ("readingroom" if workers == 1 else "gunicorn")
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "Telegram re Stalin Harriman Conversation on Japanese Troops" in body
        if workers > 1:
            # Several processes answer: many requests at once, every one complete, from more than one pid.
            from concurrent.futures import ThreadPoolExecutor

            def fetch(_n: int) -> int:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/search.json?q=Stalin", timeout=10) as r:
                    return len(r.read())

            with ThreadPoolExecutor(8) as pool:
                assert all(size > 100 for size in pool.map(fetch, range(40)))
            # Under the supervisor: the gunicorn master (with its workers) and the index writer.
            children = _children(server.pid)
            assert len(children) == 2
            assert sorted(len(_children(pid)) for pid in children) == [0, workers]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/readingroom/site.css", timeout=5) as response:
            assert b"font-family" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_loads_every_sample_reads_the_scans_and_indexes_them(tmp_path):
    data = tmp_path / "data"
    result = run_cli(data, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "Sample records: 4 files: 13 imported, 0 updated, 0 unchanged, 0 failed" in result.stdout
    assert "Sample scans: 2 pages read by OCR" in result.stdout
    assert "Sample themes: 1 created, 0 already there" in result.stdout

    scan = json.loads(run_cli(data, "export", "209771-typed-scan").stdout)
    scan_text = next(c["text"] for c in scan["contents"] if c["kind"] == "scan")
    assert "Shantung peninsula" in " ".join(scan_text.split())  # read by Tesseract from the page images
    assert [p["ocr_status"] for c in scan["contents"] for p in c["pages"]] == ["done", "done"]

    found = run_cli(data, "search", "Shandong")
    assert found.returncode == 0
    assert "209771" in found.stdout and "209771-typed-scan" in found.stdout
    frus = run_cli(data, "show", "frus1944Quebec/d121")
    assert frus.returncode == 0 and "Churchill" in frus.stdout

    # The UDHR sample: text-only records, each an original with translations, found by a word of one.
    article = json.loads(run_cli(data, "export", "udhr-article-26").stdout)
    assert [(c["kind"], c["language"]) for c in article["contents"]] == [
        ("transcript", "en"), *(("translation", tag) for tag in ["zh-Hans", "ru", "fr", "de", "ja"])]
    assert "udhr-article-26" in run_cli(data, "search", "образование").stdout
    again = run_cli(data, "demo", "--no-serve")
    assert "Sample records: 4 files: 0 imported, 0 updated, 13 unchanged, 0 failed" in again.stdout, again.stderr
    assert "Sample themes: 0 created, 1 already there" in again.stdout


def _children(pid: int) -> list[int]:
    return [int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent_pid(stat) == pid]


def _parent_pid(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None  # the process ended while we looked


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_busy_port_is_one_line_and_exit_1(tmp_path, workers):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(tmp_path / "data", "serve", "--port", str(port), "--workers", workers)
    assert result.returncode == 1
    assert f"readingroom: error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli(tmp_path / "data", "serve", "--workers", "0").returncode == 1
