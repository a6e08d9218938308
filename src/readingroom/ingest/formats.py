"""The import formats readingroom knows, and how a file is matched to one.

A format is a module-level object with `name`, `accepts(path) -> bool` and
`parse(path) -> Iterator[ParsedRecord | Problem]`. Parsers stream: they yield records one by one.
"""

from __future__ import annotations

import importlib
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
    if fmt not in _REGISTRY:
        _REGISTRY.append(fmt)
    return fmt


# Modules that register a format when imported, tried in this order.
FORMAT_MODULES = ["archive_page_export", "frus_tei", "scans", "archive_jsonl"]


def all_formats() -> list[Format]:
    # Imported on first use, not at Django start-up.
    for module in FORMAT_MODULES:
        name = f"{__package__}.{module}"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A format listed before its module is merged: skip it rather than break every import.
            if exc.name != name:
                raise
    return list(_REGISTRY)


def format_for(path: Path) -> Format | None:
    for fmt in all_formats():
        if fmt.accepts(path):
            return fmt
    return None
