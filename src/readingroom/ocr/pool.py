"""The default way OCR runs: a local process pool, one single-threaded Tesseract per core.

Workers only read pages (no database); this process saves each result as it arrives, so SQLite's single
writer is never contended and an interrupted run keeps every page finished so far.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

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
    queue = iter(pending_jobs)
    while True:
        # A pool whose worker process died (out of memory, killed) is replaced; the pages it held are
        # saved as failed with the reason, and a later run reads them again.
        broken = _run_pool(queue, workers, results, on_done)
        if not broken:
            return results


def _run_pool(queue, workers: int, results: list, on_done) -> bool:
    """Returns True when the pool broke and the remaining jobs need a new one."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        running: dict[Future, PageJob] = {}

        def top_up() -> None:
            # Keep the queue short so an interruption loses little and memory stays flat.
            while len(running) < workers * 2:
                job = next(queue, None)
                if job is None:
                    return
                running[pool.submit(run_job, job)] = job

        try:
            top_up()
        except BrokenProcessPool:
            return True
        broken = False
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool as exc:
                    broken = True
                    outcome = JobOutcome(job.page_id, job.checksum, job.options, job.accept,
                                         error=f"the OCR process died while reading this page ({exc})")
                saved = save_outcome(outcome)
                results.append((outcome, saved))
                if on_done:
                    on_done(outcome, saved)
            if not broken:
                try:
                    top_up()
                except BrokenProcessPool:
                    broken = True
        return broken
