"""Runs an import over many paths: expands folders and globs, picks a format per file, stores records
in batches of one transaction each, and keeps going past bad input. Returns a summary."""

from __future__ import annotations

import glob
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from readingroom.catalog.relations import Relation

from . import prefetch
from .formats import Format, format_for
from .lookups import Lookups
from .missing import FileIds, Volumes, report_missing
from .pipeline import Outcome, RecordWriter, store_record
from .prefetch import Reading, read_ahead
from .records import ParsedRecord, Problem, StoreError
from .relations import Stated, link_references

# Records stored per transaction: big enough that commits are rare, small enough that an interrupted
# import redoes little.
BATCH_SIZE = 250
MAX_FILE_BYTES = 2 * 1024**3  # streamed formats cope with big files; this guards against /dev/zero and the like


@dataclass
class ImportSummary:
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    # Which file each record came from in this run: the same id in two files would overwrite itself on
    # every run and never be "unchanged".
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    # The documents each volume file held, for the check of documents a volume no longer has (missing.py).
    volumes: Volumes = field(default_factory=Volumes, repr=False)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def ok(self) -> bool:
        return not any(p.fatal for p in self.problems)

    def line(self) -> str:
        c = self.counts
        return (
            f"{self.files} file{'s' if self.files != 1 else ''}: {c['imported']} imported, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {c['failed']} failed"
            + (f", {len(self.problems) - c['failed']} warnings" if len(self.problems) > c["failed"] else "")
            + (f", {c['withdrawn']} withdrawn (now staff-only)" if c["withdrawn"] else "")
        )

    def references_line(self) -> str:
        """Relations found in the sources (ingest/relations.py); "" when no record referred to another."""
        c = self.counts
        if not c["linked"] and not c["unresolved"]:
            return ""
        return (f"References to other records: {c['linked']} linked"
                + (f", {c['unresolved']} not linked (no single record matches)" if c["unresolved"] else ""))


def expand_paths(paths: Iterable[str]) -> Iterator[Path | Problem]:
    """Files, folders (recursively, in name order) and globs; a missing path is a problem, not an error."""
    for raw in paths:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            yield Problem(raw, "no file matches this pattern")
            continue
        for match in matches:
            path = Path(match)
            if path.is_dir():
                if _is_scan_folder(path):
                    yield path
                    continue
                for root, dirs, files in os.walk(path):
                    dirs.sort()
                    root_path = Path(root)
                    if root_path != path and _is_scan_folder(root_path):
                        dirs[:] = []
                        yield root_path
                        continue
                    for name in sorted(files):
                        if not name.startswith("."):
                            yield root_path / name
            elif path.exists():
                yield path
            else:
                yield Problem(str(path), "no such file or folder")


def _is_scan_folder(path: Path) -> bool:
    """A folder of scans is imported as one unit, through its sidecar file."""
    return any((path / name).is_file() for name in ("sidecar.csv", "sidecar.json", "records.csv", "records.json"))


def run_import(
    paths: Iterable[str],
    on_file: Callable[[Path], None] | None = None,
    on_record: Callable[[ParsedRecord, Outcome | None], None] | None = None,
    withdraw_missing: bool = False,
) -> ImportSummary:
    """Import every file; then report the documents volumes no longer have (missing.py) and, with
    `withdraw_missing`, make them staff-only."""
    summary = ImportSummary()
    # Decided once: the reader's own processes would keep busy the idle core `enabled` looks for.
    ahead = prefetch.enabled()
    items = list(expand_paths(paths))
    readings: dict[int, Reading] = {}  # files whose reading started before their turn
    try:
        for index, item in enumerate(items):
            if isinstance(item, Problem):
                summary.problems.append(item)
                summary.counts["failed"] += 1
                continue
            summary.files += 1
            if on_file:
                on_file(item)
            reading = readings.pop(index, None)
            opened = open_format(item)
            if ahead and reading is None:
                reading = _reading(item, opened)
            if ahead:
                _start_next(items, index, readings)
            if isinstance(opened, Problem):
                if reading is not None:
                    reading.close()
                _fail(summary, opened)
                continue
            try:
                import_file(item, opened, summary, on_record, reading)
            finally:
                if reading is not None:
                    reading.close()
    finally:
        for reading in readings.values():
            reading.close()
    # After every file: a volume read from two files in one run is compared with what both hold.
    problems, withdrawn = report_missing(summary.volumes, withdraw_missing)
    summary.problems.extend(problems)
    if withdrawn:
        summary.counts["withdrawn"] += withdrawn
    return summary


def _reading(path: Path, opened: Format | Problem) -> Reading | None:
    """The file's parse started in another process, if its format reads ahead (and it can be opened)."""
    if isinstance(opened, Problem) or not getattr(opened, "read_ahead", False):
        return None
    return read_ahead(lambda: opened.parse(path), str(path))


def _start_next(items: list[Path | Problem], index: int, readings: dict[int, Reading]) -> None:
    """Start reading the next file, while this one is stored (a file that cannot be opened is left to its
    turn, which reports why)."""
    for position in range(index + 1, len(items)):
        path = items[position]
        if isinstance(path, Problem):
            continue
        if position not in readings and (reading := _reading(path, open_format(path))) is not None:
            readings[position] = reading
        return


def open_format(path: Path) -> Format | Problem:
    """The format that reads `path`, or why it cannot be read."""
    if not path.exists():  # gone since the paths were listed
        return Problem(str(path), "no such file or folder")
    if path.is_file():
        try:
            size = path.stat().st_size
        except OSError as exc:
            return Problem(str(path), f"cannot read: {exc.strerror or exc}")
        if size > MAX_FILE_BYTES:
            return Problem(str(path), f"file is too large ({size / 1024**2:.0f} MB)")
    if not os.access(path, os.R_OK):
        return Problem(str(path), "cannot read: permission denied")
    fmt = format_for(path)
    if fmt is None:
        return Problem(str(path), "not a format readingroom can import (archive page export .txt, "
                                  "FRUS TEI .xml, scans with a sidecar, a readingroom export .jsonl)")
    return fmt


def import_file(
    path: Path, fmt: Format, summary: ImportSummary,
    on_record: Callable[[ParsedRecord, Outcome | None], None] | None = None, reading: Reading | None = None,
) -> None:
    """Store one file's records; `reading` is its parse already started in another process."""
    if hasattr(fmt, "import_into"):  # readingroom's own export: the catalogue's rows, stored as they are
        fmt.import_into(path, summary, on_record)
        return
    writer = RecordWriter()
    batch: list[ParsedRecord] = []
    # What the file held and is in the catalogue, kept as ids and references only (not whole records, so a
    # large file's import stays small): its references are linked once the whole file is stored.
    stored: list[Stated] = []
    # Formats whose files hold whole volumes: which documents this one holds, and whether it was read to its
    # end with no fatal problem (only then can it tell which documents its volume no longer has).
    held = FileIds() if getattr(fmt, "whole_volumes", False) else None
    complete = True
    try:
        items = reading if reading is not None else fmt.parse(path)
        for item in items:
            if isinstance(item, Problem):
                summary.problems.append(item)
                if item.fatal:
                    summary.counts["failed"] += 1
                    complete = False
                continue
            if held is not None:
                held.add(item)  # before the check below: a document skipped as a repeat is still in this file
            first = summary.sources.setdefault(item.public_id, str(path))
            if first != str(path):
                _fail(summary, Problem(str(path), f"record {item.public_id} is also in {first}; this copy is skipped"))
                continue
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                stored.extend(_stated(_store_batch(batch, str(path), writer, summary, on_record)))
                batch = []
    except OSError as exc:
        complete = False
        _fail(summary, Problem(str(path), f"cannot read: {exc.strerror or exc}"))
    if batch:
        stored.extend(_stated(_store_batch(batch, str(path), writer, summary, on_record)))
    _link(stored, fmt, str(path), summary)
    if held is not None:
        summary.volumes.file_read(str(path), held, complete)


def _stated(records: list[ParsedRecord]) -> list[Stated]:
    return [Stated(record.public_id, record.references) for record in records]


def _link(stored: list[Stated], fmt, source: str, summary: ImportSummary) -> None:
    """Relations the file's records state (ingest/relations.py), once all of them are stored."""
    if not any(item.references for item in stored) and not getattr(fmt, "states_references", False):
        return
    origin = Relation.Origin.FRUS if fmt.name == "frus_tei" else Relation.Origin.TEXT
    try:
        counts = link_references(stored, origin)
    except DatabaseError as exc:
        summary.problems.append(Problem(source, f"references to other records not linked: {exc}", fatal=False))
        return
    summary.counts["linked"] += counts.linked
    summary.counts["unresolved"] += counts.unresolved


def _store_batch(batch: list[ParsedRecord], source: str, writer: RecordWriter, summary: ImportSummary,
                 on_record: Callable[[ParsedRecord, Outcome | None], None] | None) -> list[ParsedRecord]:
    """One transaction for the batch: an interrupted import loses at most this batch, which the next run
    stores again. If the batch fails, its records are stored one by one so only the bad one is lost."""
    try:
        with transaction.atomic():
            outcomes: list[Outcome | None] = list(writer.write_batch(batch, source=source))
    except (ValidationError, DatabaseError, ValueError, StoreError):
        writer.forget()
        outcomes = [_store_one(item, source, summary) for item in batch]
    summary.problems.extend(Problem(source, warning, fatal=False) for warning in writer.take_warnings())
    for item, outcome in zip(batch, outcomes, strict=True):
        if outcome is not None:
            summary.counts[outcome.value] += 1
        if on_record:
            on_record(item, outcome)
    return [item for item, outcome in zip(batch, outcomes, strict=True) if outcome is not None]


def _store_one(item: ParsedRecord, source: str, summary: ImportSummary) -> Outcome | None:
    lookups = Lookups()  # its own: rows cached by a record that failed would be gone
    try:
        outcome = store_record(item, source=source, lookups=lookups)[1]
        summary.problems.extend(Problem(source, warning, fatal=False) for warning in lookups.take_warnings())
        return outcome
    except ValidationError as exc:
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        _fail(summary, Problem(source, f"record {item.public_id} not stored: {reasons}"))
    except (DatabaseError, ValueError, StoreError) as exc:
        _fail(summary, Problem(source, f"record {item.public_id} not stored: {exc}"))
    return None


def _fail(summary: ImportSummary, problem: Problem) -> None:
    summary.problems.append(problem)
    summary.counts["failed"] += 1
