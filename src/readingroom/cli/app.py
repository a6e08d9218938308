"""The `readingroom` command's typer app and the helpers its command modules share: opening the archive,
one-line errors, progress bars, and bringing search and places up to date after a change."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(
    name="readingroom",
    help="readingroom: a digital archive and public reading room for historical primary sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class CliError(Exception):
    """Bad input or a failed step: printed as one line, exit status 1."""


def fail(message: str) -> None:
    raise CliError(message)


def django_settings():
    """Django's settings, readable before Django is set up (e.g. to check a data directory is empty
    before anything is written into it)."""
    # Which settings module to load is the bootstrap that lets settings be read at all, not configuration.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    from django.conf import settings

    return settings


def open_archive() -> None:
    """Set Django up, create the data directory (with its secret key) and bring the schema up to date
    (quietly: it is usually a no-op), so every command works on a fresh data directory."""
    settings = django_settings()
    import django
    from django.core.management import call_command

    from readingroom import secret_key

    django.setup()
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    key = secret_key.ensure(settings.DATA_DIR)
    if not settings.READINGROOM_SECRET_KEY_FROM_ENVIRONMENT:
        settings.SECRET_KEY = key  # settings were read before the file existed; the children read the file
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def update_search_index() -> None:
    """Apply the index queue now (or build the index where there is none), so changed records are
    searchable straight away, without waiting for a running writer (there may be none)."""
    from readingroom import search

    try:
        report = search.rebuild() if search.needs_rebuild() else search.drain()
    except search.WriterBusy:
        out.print("Search index: another writer is running; the changes stay queued for `readingroom index`.")
        return
    out.print(f"Search index: {report.line()}", highlight=False)


def after_changes(new_places_after: int | None = None) -> None:
    """After a command changed the catalogue: add the shipped gazetteer's missing places (before the index,
    so it knows their variants), bring the search index up to date, then look up the coordinates of places
    (the gazetteer's come first, GeoNames only for the rest): those made after the authority id
    `new_places_after` when given (an import), else every place still without them (a merge may have given
    one new names)."""
    from readingroom.catalog import coordinates, gazetteer

    gazetteer.after_import(out)
    update_search_index()
    coordinates.after_import(out, newer_than=new_places_after)


def progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal and not django_settings().READINGROOM_PROGRESS,
    )


def main() -> None:
    """Run the app (with every command module imported: see the package's __init__) and turn failures
    into one line and a non-zero exit."""
    try:
        app()
    except CliError as exc:
        console.print(f"readingroom: error: {exc}", highlight=False, markup=False)
        sys.exit(1)
    except Exception as exc:  # a database that cannot be reached, a full disk, a bad setting: one line
        from django.core.exceptions import ImproperlyConfigured
        from django.db import DatabaseError

        if not isinstance(exc, DatabaseError | OSError | ImproperlyConfigured):
            raise
        console.print(f"readingroom: error: {type(exc).__name__}: {exc}", highlight=False, markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        console.print("readingroom: interrupted", highlight=False)
        sys.exit(130)
