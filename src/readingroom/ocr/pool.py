"""The default way OCR runs: a local process pool, one single-threaded Tesseract per core.

Workers only read pages (no database); this process saves each result as it arrives, so SQLite's single
writer is never contended and an interrupted run keeps every page finished so far.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from django.db import connections

from .jobs import JobOutcome, PageJob, run_job, save_outcome


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_local(
    jobs: Iterable[PageJob], workers: int | None = None,
    on_done: Callable[[JobOutcome, str], None] | None = None,
) -> list[tuple[JobOutcome, str]]:
    """Read the pages in `workers` processes, saving each result here; returns (outcome, saved-as) pairs."""
    workers = workers or default_workers()
    results: list[tuple[JobOutcome, str]] = []
    pending_jobs = list(jobs)
    if not pending_jobs:
        return results
    connections.close_all()  # forked workers must not share this process's database connections
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Keep the queue short so an interruption loses little and memory stays flat.
        queue = iter(pending_jobs)
        running: set[Future] = set()

        def top_up() -> None:
            while len(running) < workers * 2:
                job = next(queue, None)
                if job is None:
                    return
                running.add(pool.submit(run_job, job))

        top_up()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.discard(future)
                outcome = future.result()
                saved = save_outcome(outcome)
                results.append((outcome, saved))
                if on_done:
                    on_done(outcome, saved)
            top_up()
    return results
