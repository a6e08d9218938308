"""Reading ahead in a forked process: order kept, the child's failures reported, an early stop ends it."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from readingroom.ingest import prefetch
from readingroom.ingest.prefetch import read_ahead
from readingroom.ingest.records import Problem

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead forks (Linux only)")


def test_every_item_arrives_in_order_far_past_the_queue_bound():
    assert list(read_ahead(lambda: iter(range(5000)), "numbers")) == list(range(5000))


def test_a_parser_that_fails_is_reported_as_a_problem_after_what_it_read():
    def parse():
        yield from range(100)
        raise ValueError("broken volume")

    items = list(read_ahead(parse, "broken.xml"))
    assert items[:100] == list(range(100))
    assert isinstance(items[-1], Problem) and "broken volume" in items[-1].message


def test_stopping_early_ends_the_reader_process():
    reader = read_ahead(lambda: itertools.count(), "endless")
    assert list(itertools.islice(reader, 10)) == list(range(10))
    reader.close()
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_by_default_a_machine_with_every_core_busy_reads_in_one_process(settings, monkeypatch):
    settings.READINGROOM_READ_AHEAD = None
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.5)
        monkeypatch.setattr(prefetch, "_idle_seen", None)  # asked afresh, not the answer of an earlier import
        assert prefetch.idle_cores() < 0.8
        assert not prefetch.enabled()
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
