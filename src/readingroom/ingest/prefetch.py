"""Reading ahead in other processes: a parser runs in a forked child while this process stores what it
already read, so on a machine with two or more cores the two halves of an import overlap. The importer
starts the next file's reading before it stores the current file (ingest/runner.py), so at a file's end
neither side waits for the other.

Only formats that declare `read_ahead = True` use it: their parsers touch no database and yield plain,
picklable records. Records come back in order, in small chunks (sending one by one costs more). If this
process dies (kill -9), the child's next write fails and it exits; if it stops reading, it ends the child.

The child only reads and sends: on a FRUS volume reading is 0.5-0.7 ms a document, pickling 0.1, and
storing about 0.5 here, so the checksums (0.1) are computed here, not there; with them in the child, the
child was the slower half (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .records import Problem

CHUNK = 64  # records sent at a time (sending one by one costs more)
AHEAD = 12  # chunks received and waiting: the reader runs up to three batches ahead of the store


def enabled() -> bool:
    """READINGROOM_READ_AHEAD (the setting) decides; by default, read ahead when a core is idle as the import
    starts. With every core busy it still ran 8% faster, but took a quarter more CPU from the other work
    (benchmarks/RESULTS.md)."""
    from django.conf import settings

    if not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        return False
    if settings.READINGROOM_READ_AHEAD is not None:
        return settings.READINGROOM_READ_AHEAD
    return idle_cores() >= 0.8


_idle_seen: tuple[float, float] | None = None  # (when, idle cores): imports that follow each other ask once


def idle_cores(window: float = 0.1) -> float:
    """How many cores were idle over the last `window` seconds, from /proc/stat. Not the load average: it
    lags by a minute, so an import started just after another one saw that one's load and read alone."""
    global _idle_seen
    now = time.monotonic()
    if _idle_seen is not None and now - _idle_seen[0] < 10:
        return _idle_seen[1]

    def ticks() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            values = [int(v) for v in stat.readline().split()[1:9]]
        return values[3] + values[4], sum(values)  # idle and waiting for disk, of user..steal

    try:
        idle, total = ticks()
        time.sleep(window)
        idle_after, total_after = ticks()
    except (OSError, ValueError, IndexError):
        return max(0.0, (os.cpu_count() or 1) - os.getloadavg()[0])
    idle = (os.cpu_count() or 1) * (idle_after - idle) / max(total_after - total, 1)
    _idle_seen = (time.monotonic(), idle)
    return idle


def read_ahead(parse: Callable[[], Iterator[Any]], source: str) -> Reading:
    """Start reading now, in a forked child; iterate the result for the items, in order."""
    return Reading(parse, source)


class Reading:
    """One file read in a forked child from the moment this is made: an importer starts the next file's
    reading before it stores the current one, so the reader does not wait while the store finishes a file's
    last chunks, nor the store while the reader starts the next file (on a shelf of volumes that drain
    cost a third of the import: benchmarks/RESULTS.md). Iterate for the items; `close` ends it early."""

    def __init__(self, parse: Callable[[], Iterator[Any]], source: str) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._child = context.Process(target=_produce, args=(parse, self._receiver, sender, source), daemon=True)
        self._child.start()
        sender.close()  # only the child writes: when it is gone, reading ends
        # A thread here empties the pipe into a queue while this process stores a batch: with the pipe alone the
        # child could run only one chunk ahead, then waited in send() for the rest of the batch (a batch is
        # 250 records, a chunk 64), and the two processes hardly overlapped.
        self._chunks: queue.Queue = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._pump = threading.Thread(target=_pump, args=(self._receiver, self._chunks, self._stop, self._child,
                                                          source), daemon=True)
        self._pump.start()
        self._items: Iterator[Any] = iter(())
        self._closed = False

    def __iter__(self) -> Reading:
        return self

    def __next__(self) -> Any:
        while True:
            for item in self._items:
                return item
            if self._closed:
                raise StopIteration
            chunk = self._chunks.get()
            if chunk is None:
                self.close()
                raise StopIteration
            self._items = iter(chunk)

    def close(self) -> None:
        """End the reading (at its end, or early: an interrupted import does not want the rest)."""
        if self._closed:
            return
        self._closed = True
        self._items = iter(())
        self._stop.set()
        if self._child.is_alive():
            self._child.terminate()
        self._pump.join(timeout=5)
        self._receiver.close()  # a child still writing gets a broken pipe and exits
        self._child.join(timeout=5)
        if self._child.is_alive():
            self._child.terminate()
            self._child.join(timeout=5)

    def __del__(self) -> None:  # a caller that stopped iterating without closing
        if not getattr(self, "_closed", True):
            self.close()


def _pump(receiver, chunks: queue.Queue, stop: threading.Event, child, source: str) -> None:
    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    while not stop.is_set():
        try:
            chunk = receiver.recv()
        except (EOFError, OSError):
            child.join(timeout=5)
            put([Problem(source, f"the reader process ended unexpectedly (exit code {child.exitcode})")])
            put(None)
            return
        if not put(chunk) or chunk is None:
            return


def _produce(parse: Callable[[], Iterator[Any]], receiver, sender, source: str) -> None:
    # The pipe's reading end belongs to the parent alone: if the parent dies (even by kill -9), writing
    # fails with a broken pipe and this process ends instead of waiting for ever.
    receiver.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    chunk: list[Any] = []
    try:
        for item in parse():
            chunk.append(item)
            if len(chunk) >= CHUNK:
                sender.send(chunk)
                chunk = []
        sender.send(chunk)
        sender.send(None)
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)
    except Exception as exc:  # reported like any bad input, never as a traceback
        try:
            sender.send([*chunk, Problem(source, f"cannot read: {exc!r}")])
            sender.send(None)
        except OSError:
            os._exit(0)

