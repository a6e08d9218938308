"""Runs an import over many paths: expands folders and globs, picks a format per file, stores each
record in its own transaction, and keeps going past bad input. Returns a summary."""

from __future__ import annotations

import glob
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError

from .formats import format_for
from .pipeline import Outcome, StoreError, store_record
from .records import ParsedRecord, Problem

MAX_FILE_BYTES = 2 * 1024**3  # streamed formats cope with big files; this guards against /dev/zero and the like


@dataclass
class ImportSummary:
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

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
        )


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
) -> ImportSummary:
    summary = ImportSummary()
    for item in expand_paths(paths):
        if isinstance(item, Problem):
            summary.problems.append(item)
            summary.counts["failed"] += 1
            continue
        summary.files += 1
        if on_file:
            on_file(item)
        import_file(item, summary, on_record)
    return summary


def import_file(
    path: Path, summary: ImportSummary, on_record: Callable[[ParsedRecord, Outcome | None], None] | None = None
) -> None:
    if path.is_file():
        try:
            size = path.stat().st_size
        except OSError as exc:
            _fail(summary, Problem(str(path), f"cannot read: {exc.strerror or exc}"))
            return
        if size > MAX_FILE_BYTES:
            _fail(summary, Problem(str(path), f"file is too large ({size / 1024**2:.0f} MB)"))
            return
    if not os.access(path, os.R_OK):
        _fail(summary, Problem(str(path), "cannot read: permission denied"))
        return
    fmt = format_for(path)
    if fmt is None:
        _fail(summary, Problem(str(path), "not a format readingroom can import (seed export .txt, FRUS TEI .xml, scans with a sidecar)"))
        return
    try:
        for item in fmt.parse(path):
            if isinstance(item, Problem):
                summary.problems.append(item)
                if item.fatal:
                    summary.counts["failed"] += 1
                continue
            try:
                _, outcome = store_record(item, source=str(path))
            except (DatabaseError, StoreError) as exc:
                _fail(summary, Problem(str(path), f"record {item.public_id} not stored: {exc}"))
                if on_record:
                    on_record(item, None)
                continue
            summary.counts[outcome.value] += 1
            if on_record:
                on_record(item, outcome)
    except OSError as exc:
        _fail(summary, Problem(str(path), f"cannot read: {exc.strerror or exc}"))


def _fail(summary: ImportSummary, problem: Problem) -> None:
    summary.problems.append(problem)
    summary.counts["failed"] += 1
