"""A small process supervisor: `readingroom serve` and `readingroom worker` run their processes under it.

Each child (the web server, the index writer, a Celery worker) is a fresh interpreter started with
`subprocess`. A child that dies (SIGBUS from a truncated index file, SIGKILL, SIGSEGV, an exit) is
started again: at once the first time, then with a growing pause if it keeps dying young. The
listening socket is opened here and inherited, so while a web server process is replaced the kernel
holds new connections in the backlog instead of refusing them.

SIGTERM or SIGINT stops every child (SIGTERM, then SIGKILL after its grace period) and then returns.
Children run in sessions of their own, so a terminal's Ctrl-C reaches only the supervisor, and each
asks the kernel for SIGTERM should the supervisor itself be killed: no process is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

YOUNG_SECONDS = 10.0  # a child that dies sooner than this counts as failing to start
MAX_PAUSE_SECONDS = 30.0
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    name: str
    argv: list[str]
    grace: float = 10.0  # seconds between SIGTERM and SIGKILL when stopping
    process: subprocess.Popen | None = None
    started: float = 0.0
    quick_deaths: int = 0
    start_at: float = 0.0
    restarts: int = 0


def _prctl() -> Callable | None:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the stop path below still ends the children
        return None


_PRCTL = _prctl()  # looked up here, not between fork and exec


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: SIGTERM it when the supervisor dies, even by SIGKILL."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def log_line(message: str) -> None:
    print(f"readingroom: {message}", file=sys.stderr, flush=True)


class Supervisor:
    def __init__(self, children: Sequence[Child], pass_fds: Sequence[int] = (),
                 log: Callable[[str], None] = log_line, check_every: float = 0.2) -> None:
        self.children = list(children)
        self.pass_fds = tuple(pass_fds)
        self.log = log
        self.check_every = check_every
        self.stopping = threading.Event()

    def request_stop(self, *_args) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Start every child and keep them running until SIGTERM/SIGINT; then stop them all."""
        previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for child in self.children:
                self._start(child)
            while not self.stopping.wait(self.check_every):
                self._tend()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, pass_fds=self.pass_fds, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        child.started = time.monotonic()

    def _tend(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.process is None:
                if now >= child.start_at and not self.stopping.is_set():
                    child.restarts += 1
                    self._start(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            young = now - child.started < YOUNG_SECONDS
            child.quick_deaths = child.quick_deaths + 1 if young else 0
            # The first death restarts at once (a server killed under load); repeated early deaths back off.
            pause = 0.0 if child.quick_deaths <= 1 else min(MAX_PAUSE_SECONDS, 2.0 ** (child.quick_deaths - 2))
            pid, child.process, child.start_at = child.process.pid, None, now + pause
            self.log(f"the {child.name} process (pid {pid}) {describe(code)}; "
                     f"starting a new one{f' in {pause:.0f} s' if pause else ''}")

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.process.terminate()
        signalled = time.monotonic()
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, signalled + child.grace - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"the {child.name} process did not stop within {child.grace:.0f} s; killing it")
                child.process.kill()
                child.process.wait()

