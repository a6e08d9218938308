"""`readingroom demo`: load the sample records shipped with readingroom, read their scans, index them,
and serve them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import after_changes, app, console, open_archive, out
from .serving import serve


def sample_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "sample_data"


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load the sample records and stop")] = False,
) -> None:
    """Load the sample records shipped with readingroom, then serve them."""
    open_archive()
    from readingroom.catalog import theme_files
    from readingroom.ingest.runner import run_import
    from readingroom.ocr.demo import read_sample_scans

    summary = run_import([str(sample_data_dir() / name) for name in ("records", "scans", "udhr")])
    for problem in summary.problems:
        if problem.fatal:
            console.print(f"[red]error[/red] {problem}", highlight=False)
    out.print(f"Sample records: {summary.line()}")
    # OCR first, so the index built after it (with the gazetteer and places: after_changes) holds the text
    # it read; themes last.
    read_sample_scans(out)
    after_changes()
    theme_files.load_sample_themes(out)
    if not no_serve:
        serve(host=host, port=port)
