"""The import formats readingroom knows, and how a file is matched to one.

A format is a module-level object with `name`, `accepts(path) -> bool` and
`parse(path) -> Iterator[ParsedRecord | Problem]`. Parsers stream: they yield records one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .records import ParsedRecord, Problem


class Format(Protocol):
    name: str

    def accepts(self, path: Path) -> bool: ...

    def parse(self, path: Path) -> Iterator[ParsedRecord | Problem]: ...


def all_formats() -> list[Format]:
    """Every format, in the order a file is offered to them (the first that accepts it reads it)."""
    # Imported on first use, not at Django start-up.
    from .archive_jsonl import archive
    from .archive_page_export import FORMAT as ARCHIVE_PAGE_EXPORT
    from .frus_tei import FORMAT as FRUS_TEI
    from .scans import SCANS

    return [ARCHIVE_PAGE_EXPORT, FRUS_TEI, SCANS, archive]


def format_for(path: Path) -> Format | None:
    for fmt in all_formats():
        if fmt.accepts(path):
            return fmt
    return None
