"""The Celery path for real: a redis-server and a Celery worker process started here, pages OCR'd through
them, and a worker process killed in the middle of a page, whose page is then read again."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from readingroom.ocr.quality import cer
from tests.conftest import free_port, process_db_connection
from tests.ocr.processes import children, command_name, reading_child
from tests.scan_fixtures import SECOND_PAGE, TELEGRAM, save_page

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.skipif(not Path("/usr/bin/redis-server").exists(), reason="redis-server is not installed"),
              # on PostgreSQL the worker and the CLI store into a database of the test's own
              pytest.mark.usefixtures("process_database")]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    server = subprocess.Popen(["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict:
    # TMPDIR: a worker killed mid-page leaves its scratch folder behind; keep that inside the test's folder.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return {**os.environ, "READINGROOM_DATA_DIR": str(tmp_path / "data"), "READINGROOM_BROKER_URL": redis_url,
            "PYTHONPATH": str(REPO / "src"), "DJANGO_SETTINGS_MODULE": "readingroom.settings", "TMPDIR": str(scratch)}


def _cli(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readingroom.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "readingroom.ocr.tasks", "worker", "--concurrency", "1",
             "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", f"{log.stem}@%h"],
            env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    return process


def _stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def worker(env: dict, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    log = tmp_path / "worker.log"
    assert _cli(env, "init").returncode == 0
    process = _start_worker(env, log)
    try:
        yield process, log
    finally:
        _stop_worker(process)


def _scan_folder(tmp_path: Path, record_id: str, pages: list[str], dpi: int = 200) -> Path:
    folder = tmp_path / record_id
    folder.mkdir()
    names = []
    for n, text in enumerate(pages, 1):
        save_page(folder / f"p{n}.png", text, dpi=dpi)
        names.append(f"p{n}.png")
    (folder / "sidecar.csv").write_text(f"id,title,languages,files\n{record_id},Telegram,English,{';'.join(names)}\n")
    return folder


def _db(env: dict):
    return process_db_connection(Path(env["READINGROOM_DATA_DIR"]))


def test_pages_through_redis_and_a_celery_worker(tmp_path: Path, env: dict, worker) -> None:
    folder = _scan_folder(tmp_path, "cel1", [TELEGRAM, SECOND_PAGE])
    assert _cli(env, "import", str(folder)).returncode == 0
    done = _cli(env, "ocr", "--all", "--celery")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OCR: 2 pages" in done.stdout and "2 saved" in done.stdout
    with _db(env) as db:
        rows = db.execute("select ocr_status, text, dpi from catalog_page order by position").fetchall()
        scan_text = db.execute("select text from catalog_content where kind='scan'").fetchone()[0]
    assert [r[0] for r in rows] == ["done", "done"] and all(r[2] == 200 for r in rows)
    assert cer(rows[0][1], TELEGRAM) < 0.03 and cer(rows[1][1], SECOND_PAGE) < 0.03
    assert scan_text == f"{rows[0][1]}\n\n{rows[1][1]}"
    # Sent again, the same pages are recognised as already read.
    again = _cli(env, "ocr", "--all", "--redo", "--celery")
    assert again.returncode == 0 and "2 duplicate" in again.stdout


def test_worker_killed_mid_page_leaves_nothing_half_written_and_the_page_is_retried(
    tmp_path: Path, env: dict, worker
) -> None:
    process, log = worker
    long_text = " ".join([TELEGRAM, SECOND_PAGE] * 3)
    folder = _scan_folder(tmp_path, "cel2", [long_text], dpi=400)
    assert _cli(env, "import", str(folder)).returncode == 0
    command = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "ocr", "--record", "cel2", "--celery"],
                               env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until the worker's pool process is running Tesseract on the page, then kill that process.
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        victim = reading_child(process.pid)
        time.sleep(0.05)
    assert victim is not None, log.read_text()
    with _db(env) as db:
        assert db.execute("select ocr_status, text from catalog_page").fetchone() == ("pending", "")
    orphans = [g for g in children(victim) if command_name(g) == "tesseract"]
    os.kill(victim, signal.SIGKILL)
    for pid in orphans:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    out, err = command.communicate(timeout=240)
    assert command.returncode == 0, out + err
    assert "1 saved" in out
    worker_log = log.read_text()
    assert "WorkerLostError" in worker_log or "exited with 'signal 9" in worker_log, worker_log
    with _db(env) as db:
        status, text = db.execute("select ocr_status, text from catalog_page").fetchone()
        versions = db.execute("select status from ocr_pagetext").fetchall()
    assert status == "done" and cer(text, long_text) < 0.03
    assert versions == [("accepted",)]  # read once more after the kill, stored once


def test_whole_worker_killed_mid_page_and_a_new_worker_takes_the_page_over(tmp_path: Path, env: dict) -> None:
    # A lost machine: no process is left to requeue the message; the broker gives it to another worker once
    # the visibility timeout has passed (3 s here; an hour by default).
    env = {**env, "READINGROOM_CELERY_VISIBILITY_TIMEOUT": "3"}
    assert _cli(env, "init").returncode == 0
    long_text = " ".join([TELEGRAM, SECOND_PAGE] * 3)
    assert _cli(env, "import", str(_scan_folder(tmp_path, "cel3", [long_text], dpi=400))).returncode == 0
    first = _start_worker(env, tmp_path / "first.log")
    command = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "ocr", "--record", "cel3", "--celery"],
                               env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        child, deadline = None, time.monotonic() + 60
        while child is None and time.monotonic() < deadline:
            child = reading_child(first.pid)
            time.sleep(0.05)
        assert child is not None
        doomed = [first.pid, child, *[g for g in children(child) if command_name(g) == "tesseract"]]
        for pid in doomed:  # the worker and everything it runs, all at once
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        first.wait(timeout=10)
        with _db(env) as db:
            assert db.execute("select ocr_status, text from catalog_page").fetchone() == ("pending", "")
        time.sleep(4)
        second = _start_worker(env, tmp_path / "second.log")
        try:
            out, err = command.communicate(timeout=240)
        finally:
            _stop_worker(second)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 0, out + err
    assert "'saved': 'saved'" in (tmp_path / "second.log").read_text()  # the new worker read it
    with _db(env) as db:
        status, text = db.execute("select ocr_status, text from catalog_page").fetchone()
        versions = db.execute("select status from ocr_pagetext").fetchall()
    assert status == "done" and cer(text, long_text) < 0.03 and versions == [("accepted",)]
