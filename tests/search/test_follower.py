"""The background index writer for real: `readingroom serve` and `readingroom worker` as processes, records
saved through the ORM of this test process into the served database (SQLite, or PostgreSQL), and search answering from
the server, without anyone running `readingroom index`. Server processes are killed and must be replaced;
SIGTERM must leave no process behind. Times are deadlines only, never asserted speeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from readingroom.search import follower, index_dir, queue, writer
from tests.builders import write_export
from tests.conftest import free_port
from tests.ocr.processes import children

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 60.0  # generous: the machine is shared; the benchmark measures speed, not this test


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(what: str, check: Callable[[], object], deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def env_for(data: Path) -> dict:
    env = {**os.environ, "READINGROOM_DATA_DIR": str(data), "PYTHONPATH": str(REPO / "src")}
    for name in ("DJANGO_SETTINGS_MODULE", "READINGROOM_BROKER_URL", "READINGROOM_INDEX_DIR"):
        env.pop(name, None)
    return env


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readingroom.cli", *args], capture_output=True, text=True,
                          env=env_for(data), timeout=300, cwd=data.parent)


def start(data: Path, log: Path, *args: str) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "readingroom.cli", *args], env=env_for(data),
                                cwd=data.parent, stdout=out, stderr=subprocess.STDOUT)


def stop_and_check_nothing_left(process: subprocess.Popen, log: Path) -> None:
    tree = descendants(process.pid)
    assert tree, "the supervisor had no children"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, log.read_text()
    wait_for("every child process to end", lambda: not any(alive(pid) for pid in tree), deadline=30)
    assert "Traceback" not in log.read_text(), log.read_text()


def search_ids(port: int, query: str) -> list[str] | None:
    """Ids /search.json returns, or None while nothing answers (a server being replaced)."""
    url = f"http://127.0.0.1:{port}/search.json?" + urllib.parse.urlencode({"q": query})
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return [hit["id"] for hit in json.load(response)["results"]]
    except OSError:
        return None


class _ToServed:
    """Routes this process's ORM to the served database, as a second process of the same site would."""

    def db_for_read(self, model, **hints) -> str:
        return "served"

    db_for_write = db_for_read

    def allow_relation(self, *args, **hints) -> bool:
        return True


@pytest.fixture
def site(tmp_path: Path, settings, django_db_blocker, process_database) -> Iterator[Path]:
    """A data directory with the seed telegram imported by the CLI; this process's ORM and search
    reader pointed at it (model saves, their signals and the queue rows they add all land there)."""
    data = tmp_path / "site"
    imported = cli(data, "import", str(write_export(tmp_path, "seed.txt")))
    assert imported.returncode == 0, imported.stderr
    default = connections["default"].settings_dict
    served = {**default, "NAME": str(data / "readingroom.sqlite3"), "TEST": {}}
    if process_database:  # PostgreSQL: the database the processes were given, on the same server
        served["NAME"] = urlsplit(process_database).path.lstrip("/")
    connections.settings["served"] = connections.configure_settings({"default": {**default}, "served": served})["served"]
    settings.DATABASE_ROUTERS = [_ToServed()]
    settings.READINGROOM_INDEX_DIR = data / "index"
    with django_db_blocker.unblock():
        try:
            yield data
        finally:
            connections["served"].close()
            del connections["served"]
            del connections.settings["served"]


def rename(public_id: str, title: str) -> None:
    from readingroom.catalog.models import Record

    record = Record.objects.get(public_id=public_id)
    record.title = title
    record.save()  # as the admin saves: a model save, whose signal queues the index update


def web_server_child(serve: subprocess.Popen) -> int | None:
    return next((pid for pid in children(serve.pid) if "readingroom.web.server" in cmdline(pid)), None)


def writer_processes(serve: subprocess.Popen) -> list[int]:
    return [pid for pid in descendants(serve.pid) if "readingroom.search.follower" in cmdline(pid)]


def test_serve_follows_edits_and_replaces_processes_that_die(site: Path, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    serve = start(site, log, "serve", "--port", str(port))
    try:
        assert wait_for("the server", lambda: search_ids(port, "Stalin")) == ["209771"]
        rename("209771", "Telegram on the Zanzibar harbour")
        wait_for("the edit to be searchable", lambda: search_ids(port, "Zanzibar") == ["209771"])
        assert queue.pending() == 0

        # Day two: an access change is applied by the same writer.
        from readingroom.catalog.models import Record

        record = Record.objects.get(public_id="209771")
        record.access_level = "staff"
        record.save()
        wait_for("the restricted record to leave the index", lambda: search_ids(port, "Zanzibar") == [])

        # A server process killed by SIGBUS (a truncated index file under it) is replaced.
        first = web_server_child(serve)
        os.kill(first, signal.SIGBUS)
        replaced = wait_for("a new web server process", lambda: (web_server_child(serve) or first) != first
                            and web_server_child(serve))
        assert search_ids(port, "Stalin") == []  # answered by the new process; the record is staff-only
        assert "killed by SIGBUS; starting a new one" in log.read_text()

        # So is the writer, killed outright; the new one applies what was queued meanwhile.
        (old_writer,) = writer_processes(serve)
        os.kill(old_writer, signal.SIGKILL)
        record.access_level = "public"
        record.title = "Telegram on the Mombasa harbour"
        record.save()
        wait_for("the new writer to apply the edit", lambda: search_ids(port, "Mombasa") == ["209771"])
        assert writer_processes(serve) != [old_writer] and len(writer_processes(serve)) == 1
        assert web_server_child(serve) == replaced
    finally:
        if serve.poll() is None:
            stop_and_check_nothing_left(serve, log)
    assert "index writer: stopped" in log.read_text()


def test_several_server_processes_have_exactly_one_writer(site: Path, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    serve = start(site, log, "serve", "--port", str(port), "--workers", "2")
    try:
        wait_for("the server", lambda: search_ids(port, "Stalin"))
        gunicorn = web_server_child(serve)
        workers = wait_for("two gunicorn workers", lambda: len(children(gunicorn)) == 2 and children(gunicorn))
        (one,) = writer_processes(serve)
        assert wait_for("the writer to hold its lock", follower.holder) == one
        assert not any("readingroom.search.follower" in cmdline(pid) for pid in descendants(gunicorn))

        rename("209771", "Telegram on the Zanzibar harbour")
        wait_for("the edit to be searchable", lambda: search_ids(port, "Zanzibar") == ["209771"])

        # gunicorn's master replaces a worker that dies.
        os.kill(workers[0], signal.SIGKILL)
        wait_for("a new worker", lambda: len(children(gunicorn)) == 2 and workers[0] not in children(gunicorn))
        assert all(search_ids(port, "Zanzibar") == ["209771"] for _ in range(10))
        assert writer_processes(serve) == [one]
    finally:
        if serve.poll() is None:
            stop_and_check_nothing_left(serve, log)


def test_worker_applies_the_queue_and_a_second_writer_waits_its_turn(site: Path, tmp_path: Path) -> None:
    from readingroom.search.engine import search

    def found(query: str) -> list[str]:
        return [hit.public_id for hit in search(query, per_page=10, with_facets=False).hits]

    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start(site, first_log, "worker")
    second = None
    try:
        first_writer = wait_for("the first writer to hold the lock", follower.holder)
        assert first_writer in descendants(first.pid)
        second = start(site, second_log, "worker")
        wait_for("the second writer to say it waits", lambda: "waiting for it to stop" in second_log.read_text())
        assert follower.holder() == first_writer

        rename("209771", "Telegram on the Zanzibar harbour")
        wait_for("the worker to apply the edit", lambda: queue.pending() == 0 and found("Zanzibar"))
        assert "1 indexed" in first_log.read_text() and "indexed" not in second_log.read_text()

        stop_and_check_nothing_left(first, first_log)
        taken = wait_for("the second writer to take over",
                         lambda: follower.holder() not in (None, first_writer) and follower.holder())
        assert taken in descendants(second.pid)
        rename("209771", "Telegram on the Mombasa harbour")
        wait_for("the second worker to apply the edit", lambda: found("Mombasa") == ["209771"])
        assert found("Zanzibar") == []
    finally:
        for process, log in ((first, first_log), (second, second_log)):
            if process is not None and process.poll() is None:
                stop_and_check_nothing_left(process, log)


def test_the_writer_builds_a_missing_index(site: Path, tmp_path: Path) -> None:
    for path in index_dir.index_root().glob("*"):
        if path.is_dir():
            index_dir.discard(path)
    (index_dir.index_root() / "CURRENT").unlink()
    assert writer.needs_rebuild()
    log = tmp_path / "worker.log"
    worker = start(site, log, "worker")
    try:
        wait_for("a new index", lambda: not writer.needs_rebuild())
        from readingroom.search.engine import search

        wait_for("the seed record in it", lambda: [h.public_id for h in search("Stalin", with_facets=False).hits])
    finally:
        stop_and_check_nothing_left(worker, log)
    assert "building the search index" in log.read_text()


def test_a_damaged_index_is_rebuilt_by_the_next_pass(made_up) -> None:
    from readingroom.catalog.models import Record
    from tests.search.helpers import ids

    lines: list[str] = []
    loop = follower.Follower(poll=0.5, log=lines.append)
    # Tantivy's own meta.json garbled: the writer cannot open the index, so it builds a new generation.
    (index_dir.current_generation() / "meta.json").write_text("{ not json")
    record = Record.objects.get(public_id="mu-danzig")
    record.title = "Memorandum on Gdynia"
    record.save()
    assert loop.step() == 0.5 and loop.failures == 0
    assert len(lines) == 1 and lines[0].startswith("damaged (") and "rebuilt" in lines[0]
    assert ids("title:Gdynia") == ["mu-danzig"] and index_dir.verify() == []


def test_a_reader_meeting_damage_gets_the_index_verified(made_up) -> None:
    from readingroom.search import engine

    lines: list[str] = []
    loop = follower.Follower(poll=0.5, log=lines.append)
    generation = index_dir.current_generation()
    segment = max((p for p in generation.iterdir() if p.suffix == ".store"), key=lambda p: p.stat().st_size)
    segment.unlink()  # gone behind Tantivy's back: a new reader cannot open the index
    index_dir._reader.index = None  # this process's reader opened it before; a restarted server would not have
    index_dir._reader.pointer = None
    assert not engine.search("Danzig").available
    assert index_dir.repair_requested()
    assert loop.step() == 0.5
    assert "verified the index" in lines[0] and "rebuilt" in lines[0]
    assert not index_dir.repair_requested() and engine.search("Danzig").available


def test_a_failing_pass_is_logged_and_retried_never_fatal(made_up, settings, tmp_path) -> None:
    from readingroom.catalog.models import Record
    from tests.search.helpers import ids

    lines: list[str] = []
    loop = follower.Follower(poll=0.5, log=lines.append)
    good = settings.READINGROOM_INDEX_DIR
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.READINGROOM_INDEX_DIR = blocker / "index"  # cannot be created: every pass fails
    record = Record.objects.get(public_id="mu-danzig")
    record.title = "Memorandum on Gdynia"
    record.save()
    waits = [loop.step(), loop.step()]
    assert waits[0] > 0.5 and waits[1] > waits[0]  # backing off
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 2 and all("NotADirectoryError" in line and "\n" not in line for line in errors)
    settings.READINGROOM_INDEX_DIR = good  # repaired: the next pass works again
    record.title = "Memorandum on Elbing"
    record.save()
    assert loop.step() == 0.5 and loop.failures == 0
    assert ids("title:Elbing") == ["mu-danzig"]


def test_stop_while_waiting_for_the_lock(tmp_path: Path, settings) -> None:
    settings.READINGROOM_INDEX_DIR = tmp_path / "index"
    lines: list[str] = []
    holding = follower.Follower(log=lines.append)
    with follower.exclusive(holding.stop, lines.append) as mine:
        assert mine and follower.holder() == os.getpid()
        other = follower.Follower(log=lines.append)
        other.stop.set()
        other.run()  # asked to stop before it had the lock: returns without writing anything
    assert any("another index writer is running" in line for line in lines)
    assert follower.holder() is None


@pytest.mark.skipif(not Path("/usr/bin/redis-server").exists(), reason="redis-server is not installed")
def test_worker_with_a_broker_reads_pages_and_indexes_what_it_read(site: Path, tmp_path: Path) -> None:
    from readingroom.search.engine import search
    from tests.ocr.test_celery import _scan_folder
    from tests.scan_fixtures import TELEGRAM

    redis_port = free_port()
    (tmp_path / "redis").mkdir()
    redis = subprocess.Popen(["/usr/bin/redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(tmp_path / "redis")], stdout=subprocess.DEVNULL)
    broker = f"redis://127.0.0.1:{redis_port}/0"
    env = {**env_for(site), "READINGROOM_BROKER_URL": broker}
    log = tmp_path / "worker.log"
    try:
        with log.open("w") as out:
            worker = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "worker", "--concurrency", "1"],
                                      env=env, cwd=site.parent, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for("the Celery worker", lambda: "ready." in log.read_text())
            folder = _scan_folder(tmp_path, "cel-follow", [TELEGRAM])
            imported = subprocess.run([sys.executable, "-m", "readingroom.cli", "import", str(folder)], env=env,
                                      capture_output=True, text=True, timeout=300)
            assert imported.returncode == 0, imported.stderr
            read = subprocess.run([sys.executable, "-m", "readingroom.cli", "ocr", "--all", "--celery"], env=env,
                                  capture_output=True, text=True, timeout=300)
            assert read.returncode == 0 and "1 saved" in read.stdout, read.stdout + read.stderr
            # Read by the worker's Celery process, indexed by its writer: nobody ran `readingroom index`.
            wait_for("the OCR text to be searchable",
                     lambda: [h.public_id for h in search("evacuating machinery", with_facets=False).hits] == ["cel-follow"])
        finally:
            stop_and_check_nothing_left(worker, log)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
