"""The background index writer: it follows the catalogue, applying the index queue whenever rows wait.

`readingroom serve` runs it in a process of its own beside the web server; `readingroom worker` runs it
for deployments that serve elsewhere. One follower per index directory: it holds `follower.lock` (with
its pid in it) for as long as it runs, and a second one waits for the lock instead of writing beside it.
Each pass takes the writer lock through `writer.drain()`/`writer.rebuild()`, so `readingroom index` can
still run in between.

    python -m readingroom.search.follower      (what `serve` and `worker` start)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

POLL_SECONDS = 0.5  # one indexed query of the queue table: nothing costly while idle
MAX_BACKOFF_SECONDS = 60.0
# A reader that met a damaged index leaves a note (index_dir.request_repair); the follower then verifies
# every file's checksum, at most this often: a query that makes the binding fail for another reason
# must not make the writer re-read the whole index on every request.
REPAIR_EVERY_SECONDS = 60.0
LOCK_FILE = "follower.lock"
Log = Callable[[str], None]


class Stopping(BaseException):
    """Raised in the middle of a pass when asked to stop: a rebuild discards its half-built generation,
    a drain leaves its rows queued for the next writer (applying them twice is harmless)."""


def log_line(message: str) -> None:
    print(f"readingroom index writer: {message}", file=sys.stderr, flush=True)


def lock_path() -> Path:
    from . import index_dir

    return index_dir.index_root() / LOCK_FILE


def holder() -> int | None:
    """The pid of the running follower, or None when none holds the lock."""
    path = lock_path()
    try:
        fh = path.open("r")
    except OSError:
        return None
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = fh.read().strip()
            return int(text) if text.isdigit() else None
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return None


@contextmanager
def exclusive(stop: threading.Event, log: Log = log_line, retry: float = 1.0) -> Iterator[bool]:
    """Hold the follower lock; while another follower holds it, wait (saying so once).
    Yields False when asked to stop before the lock was had."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = path.open("a+")
    try:
        said = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not said:
                    log(f"another index writer is running (pid {holder() or '?'}); waiting for it to stop")
                    said = True
                if stop.wait(retry):
                    yield False
                    return
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        if said:
            log("the other index writer stopped; taking over")
        yield True
    finally:
        fh.close()  # closing releases the lock


class Follower:
    def __init__(self, poll: float = POLL_SECONDS, log: Log = log_line) -> None:
        self.poll = poll
        self.log = log
        self.stop = threading.Event()
        self.busy = False
        self.failures = 0
        self.last_repair = -REPAIR_EVERY_SECONDS

    def request_stop(self, *_args) -> None:
        self.stop.set()
        if self.busy:
            raise Stopping

    def run(self) -> None:
        """Follow the queue until asked to stop. Never returns on an error: it logs, backs off, retries."""
        try:
            with exclusive(self.stop, self.log) as mine:
                if not mine:
                    return
                self.log(f"following the index queue (pid {os.getpid()})")
                while not self.stop.is_set():
                    self.stop.wait(self.step())
        except Stopping:
            pass
        self.log("stopped")

    def step(self) -> float:
        """One pass; returns how long to wait before the next."""
        try:
            self.busy = True
            try:
                self._pass()
            finally:
                self.busy = False
        except (Stopping, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # also the binding's PanicException, which is not an Exception
            self.failures += 1
            wait = min(MAX_BACKOFF_SECONDS, self.poll * 2 ** self.failures)
            message = " ".join(str(exc).split())[:300]  # one line, whatever the binding put in it
            self.log(f"error: {type(exc).__name__}: {message}; retrying in {wait:.0f} s")
            _forget_connections()
            return wait
        self.failures = 0
        return self.poll

    def _pass(self) -> None:
        from . import index_dir, writer
        from .models import IndexTask

        if index_dir.repair_requested() and time.monotonic() - self.last_repair >= REPAIR_EVERY_SECONDS:
            self.last_repair = time.monotonic()
            started = time.monotonic()
            report = writer.repair_if_damaged()
            self.log(f"verified the index after a reader's failure: "
                     f"{report.line() if report else 'its files are sound'} ({time.monotonic() - started:.1f} s)")
        if writer.needs_rebuild():
            started = time.monotonic()
            self.log("building the search index")
            report = writer.rebuild()
            self.log(f"{report.line()} ({time.monotonic() - started:.1f} s)")
        elif writer.queue_ended_embargoes() or IndexTask.objects.exists():
            started = time.monotonic()
            report = writer.drain()
            self.log(f"{report.line()} ({time.monotonic() - started:.2f} s)")


def _forget_connections() -> None:
    """A database that went away (a restarted PostgreSQL) is reconnected on the next pass."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            # A caller's open transaction (a test's, on PostgreSQL) is not the follower's to end; the
            # follower's own process never runs a pass inside one.
            continue
        with contextlib.suppress(Exception):  # already broken: dropping it is all that is wanted
            conn.close()


def main() -> int:
    # The settings module to load: what makes the settings readable at all, so not itself a setting.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    import django

    django.setup()
    follower = Follower()
    signal.signal(signal.SIGTERM, follower.request_stop)
    signal.signal(signal.SIGINT, follower.request_stop)
    follower.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
