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


_REGISTRY: list[Format] = []


def register(fmt: Format) -> Format:
    _REGISTRY.append(fmt)
    return fmt


def all_formats() -> list[Format]:
    # Imported here so each format module registers itself on first use, not at Django start-up.
    from . import seed_export  # noqa: F401

    try:
        from . import frus_tei  # noqa: F401
    except ImportError:
        pass
    try:
        from . import scans  # noqa: F401
    except ImportError:
        pass
    return list(_REGISTRY)


def format_for(path: Path) -> Format | None:
    for fmt in all_formats():
        if fmt.accepts(path):
            return fmt
    return None
