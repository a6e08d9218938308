"""A shelf of volumes read ahead: the next volume's reading starts, in its own process, while this one is
stored. What is stored and reported must not depend on it, also when a volume changes or goes away
between the start of its reading and its turn, or when the import is interrupted."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from readingroom.catalog.models import Authority, Collection, Record
from readingroom.ingest import runner
from readingroom.ingest.prefetch import read_ahead
from readingroom.ingest.runner import run_import

from .frus_fixtures import telegram, volume_xml, write
from .frus_snapshot import snapshot

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead forks (Linux only)")]

VOLUMES = ("frus1944V1", "frus1944V2", "frus1944V3", "frus1944V4")
# Documents a volume. Small: on PostgreSQL, the snapshot's three-table join over 1,200 documents freshly
# inserted in the test's transaction (no statistics) ran for over 20 minutes.
PER = 60
ALL = len(VOLUMES) * PER - 1  # less the broken document


def shelf(tmp_path: Path) -> Path:
    """Four volumes of PER documents, a file no format reads between two of them, a volume with a broken
    document, and a document that is also in an earlier volume's file."""
    folder = tmp_path / "shelf"
    for number, volume in enumerate(VOLUMES, 1):
        documents = [telegram(n, 1 + n % 28, doc_id=f"d{n}") for n in range(1, PER + 1)]
        if number == 3:
            documents[PER // 2] = documents[PER // 2].replace("</head>", "</hed>", 1)  # not well-formed
        write(folder / f"{volume}.xml", volume_xml(documents, volume=volume, chapters=3))
    write(folder / "frus1944V2-notes.bin", "notes, not a volume")
    repeated = volume_xml([telegram(7, 8, doc_id="d7")], volume="frus1944V1")
    write(folder / "frus1944V5.xml", repeated)  # frus1944V1/d7 again, from another file
    return folder


def readers() -> int:
    return sum(1 for child in multiprocessing.active_children() if child.is_alive())


def clear() -> None:
    Record.objects.all().delete()
    Collection.objects.all().delete()
    Authority.objects.all().delete()


def test_a_shelf_read_ahead_stores_and_reports_what_one_process_does(tmp_path, settings, monkeypatch):
    folder = shelf(tmp_path)
    settings.READINGROOM_READ_AHEAD = False
    alone = run_import([str(folder)])
    in_one_process = snapshot()
    clear()
    settings.READINGROOM_READ_AHEAD = True
    events: list[tuple[str, str]] = []  # when each file's turn came, and when its reading started

    def started(parse, source):
        events.append(("read", Path(source).name))
        return read_ahead(parse, source)

    monkeypatch.setattr(runner, "read_ahead", started)
    ahead = run_import([str(folder)], on_file=lambda path: events.append(("turn", path.name)))
    assert ahead.counts == alone.counts and ahead.counts["imported"] == ALL
    assert [str(p) for p in ahead.problems] == [str(p) for p in alone.problems]
    assert any("is also in" in p.message for p in ahead.problems)
    assert any("not a format" in p.message for p in ahead.problems)
    assert snapshot() == in_one_process
    # The first volume's reading starts at its turn; every later volume's had started before its turn.
    assert events.index(("read", "frus1944V1.xml")) == events.index(("turn", "frus1944V1.xml")) + 1
    for name in ("frus1944V2.xml", "frus1944V3.xml", "frus1944V4.xml", "frus1944V5.xml"):
        assert events.index(("read", name)) < events.index(("turn", name))
    assert [kind for kind, name in events if name == "frus1944V2-notes.bin"] == ["turn"]
    assert readers() == 0


def test_a_volume_that_goes_away_after_its_reading_started_is_reported_and_not_stored(tmp_path, settings):
    folder = shelf(tmp_path)
    settings.READINGROOM_READ_AHEAD = True
    fourth = folder / "frus1944V4.xml"

    def on_record(record, _outcome) -> None:
        if record.public_id == "frus1944V3/d1":  # the fourth volume's reading started at the third's turn
            fourth.unlink()

    summary = run_import([str(folder)], on_record=on_record)
    assert [p.message for p in summary.problems if p.source == str(fourth)] == ["no such file or folder"]
    assert not Record.objects.filter(public_id__startswith="frus1944V4/").exists()
    assert Record.objects.filter(public_id__startswith="frus1944V3/").count() == PER - 1
    assert readers() == 0
    # Day two: the volume is back, changed; the next run stores it and leaves the rest unchanged.
    write(fourth, volume_xml([telegram(n, 2, doc_id=f"d{n}") for n in range(1, 11)], volume="frus1944V4"))
    again = run_import([str(folder)])
    assert (again.counts["imported"], again.counts["updated"]) == (10, 0)
    assert again.counts["unchanged"] == ALL - PER


def test_an_interrupted_import_leaves_no_reader_behind_and_goes_on_when_run_again(tmp_path, settings):
    folder = shelf(tmp_path)
    settings.READINGROOM_READ_AHEAD = True
    stored = []

    def on_record(record, _outcome) -> None:
        stored.append(record.public_id)
        if len(stored) == PER + 10:  # in the second volume, whose reading started during the first
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import([str(folder)], on_record=on_record)
    assert readers() == 0
    kept = Record.objects.count()
    assert len(stored) <= kept < ALL  # what was stored stays; the batch being stored rolled back
    summary = run_import([str(folder)])
    assert summary.counts["unchanged"] == kept
    assert summary.counts["imported"] + kept == ALL
