"""A real `readingroom import` of a generated multi-thousand-document volume is killed (SIGKILL) mid-way;
a rerun ends in exactly the state of an uninterrupted import into another database. Each data directory
has its own database: its SQLite file, or on PostgreSQL a fresh database on the run's server."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import fresh_database, process_db_connection

from .frus_fixtures import big_volume, write
from .frus_snapshot import snapshot

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = 2000  # enough batches (250 records) that a kill after 500 lands mid-import


def command(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "readingroom.cli", "import", *args]


DATABASES: dict[Path, str | None] = {}  # data directory -> its PostgreSQL database (None: SQLite)


@pytest.fixture
def databases():
    with ExitStack() as stack:
        yield stack
        DATABASES.clear()


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(READINGROOM_DATA_DIR=str(data), PYTHONPATH=str(REPO / "src"))
    if DATABASES.get(data):
        env["DATABASE_URL"] = DATABASES[data]
    return env


def stored(data: Path) -> int:
    """Records committed so far (read-only on SQLite: the importer is writing)."""
    if DATABASES.get(data):
        import psycopg

        try:
            with psycopg.connect(DATABASES[data]) as db:
                return db.execute("SELECT count(*) FROM catalog_record").fetchone()[0]
        except psycopg.errors.UndefinedTable:  # the schema is not there yet
            return 0
    database = data / "readingroom.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM catalog_record").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def readers_of(volume: Path) -> list[int]:
    """Processes still running with this volume on their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(volume).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def run(data: Path, volume: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(data, str(volume)), env=environment(data), capture_output=True, text=True,
                          timeout=900)


def state(data: Path) -> dict:
    db = process_db_connection(data, DATABASES.get(data))
    try:
        return snapshot(db)
    finally:
        db.close()


@pytest.mark.slow
def test_killed_import_resumes_to_the_same_state(tmp_path, databases):
    volume = write(tmp_path / "frus1944Big.xml", big_volume(DOCUMENTS))
    interrupted, uninterrupted, stopped = tmp_path / "interrupted", tmp_path / "uninterrupted", tmp_path / "ctrl-c"
    for data in (interrupted, uninterrupted, stopped):
        DATABASES[data] = databases.enter_context(fresh_database())

    reading_ahead = dict(environment(interrupted), READINGROOM_READ_AHEAD="1")  # so its exit is tested too
    process = subprocess.Popen(command(interrupted, str(volume)), env=reading_ahead,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while stored(interrupted) < 500 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    committed = stored(interrupted)
    assert process.returncode == -signal.SIGKILL
    assert 0 < committed < DOCUMENTS, f"the kill came too late to test anything ({committed} stored)"
    # The reader process it had forked (ingest/prefetch.py) does not outlive it.
    deadline = time.monotonic() + 15
    while readers_of(volume) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not readers_of(volume)

    resumed = run(interrupted, volume)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert (f"{DOCUMENTS - committed} imported, 0 updated, {committed} unchanged, 0 failed"
            in resumed.stdout), resumed.stdout

    complete = run(uninterrupted, volume)
    assert complete.returncode == 0 and f"{DOCUMENTS} imported" in complete.stdout, complete.stdout
    expected = state(uninterrupted)
    assert len(expected["records"]) == DOCUMENTS
    assert state(interrupted) == expected

    again = run(interrupted, volume)
    assert f"0 imported, 0 updated, {DOCUMENTS} unchanged, 0 failed" in again.stdout, again.stdout
    assert state(interrupted) == expected

    # Ctrl-C: one line, exit status 130, no traceback; the rerun ends in the same state.
    # SIGINT's default action restored for the child: a shell starts background jobs with it ignored, and
    # Python keeps an ignored SIGINT ignored (scripts/test.sh runs the PostgreSQL suite in the background).
    process = subprocess.Popen(command(stopped, str(volume)), env=environment(stopped), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    while stored(stopped) < 500 and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in out + err, out + err
    assert stored(stopped) < DOCUMENTS
    assert run(stopped, volume).returncode == 0
    assert state(stopped) == expected
