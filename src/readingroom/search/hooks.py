"""CLI hooks: build the search index after the demo loads its samples, and apply the index queue after
an import, so imported records are searchable straight away."""

from __future__ import annotations

from rich.console import Console


def _update(console: Console) -> None:
    from readingroom.search import writer
    from readingroom.search.index_dir import WriterBusy

    try:
        report = writer.rebuild() if writer.needs_rebuild() else writer.drain()
    except WriterBusy:
        console.print("Search index: another writer is running; the changes stay queued for `readingroom index`.")
        return
    console.print(f"Search index: {report.line()}", highlight=False)


def after_demo_import(console: Console) -> None:
    _update(console)


def after_import(console: Console) -> None:
    _update(console)
