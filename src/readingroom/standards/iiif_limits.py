"""How many IIIF renders run at once in one process, and what a request past that cap gets.

A render takes a core and tens of MB while it runs; more at once than the machine has cores only makes
every one of them slower and the process larger. A request waits a moment for a slot, then is told to
come back (503 with Retry-After) rather than queue without end behind the server's threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Busy(Exception):
    """No render slot (or the page's pyramid is still being made): try again after `retry_after` s."""

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RenderSlots:
    def __init__(self, count: int, wait: float) -> None:
        self.count = max(1, count)
        self.wait = max(0.0, wait)
        self._semaphore = threading.BoundedSemaphore(self.count)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._semaphore.acquire(timeout=self.wait):
            raise Busy(f"all {self.count} image renders are busy; try again shortly")
        try:
            yield
        finally:
            self._semaphore.release()
