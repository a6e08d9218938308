"""`readingroom init`, `import`, `show`, `export`, `counts` and `iiif-cache`: the catalogue and its files."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from .app import after_changes, app, console, fail, open_archive, out, progress


@app.command()
def init() -> None:
    """Create the data directory and the database, with the shipped gazetteer's places (safe to run again)."""
    open_archive()
    from django.conf import settings

    from readingroom.catalog import gazetteer

    out.print(f"Data directory ready: {settings.DATA_DIR}")
    out.print(gazetteer.loaded_line(gazetteer.load()), highlight=False)


@app.command("import")
def import_(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursively) or globs to import")],
    withdraw_missing: Annotated[bool, typer.Option(
        "--withdraw-missing",
        help="Make documents that a FRUS volume, read whole, no longer has staff-only (nothing is deleted); "
             "without it they are only reported")] = False,
) -> None:
    """Import records: archive-page exports (.txt), FRUS TEI volumes (.xml), scan folders with a sidecar."""
    open_archive()
    from readingroom.catalog.coordinates import newest_authority
    from readingroom.ingest.runner import expand_paths, run_import

    places_before = newest_authority()

    files = sum(1 for p in expand_paths(paths) if not hasattr(p, "message"))
    with progress() as bar:
        task = bar.add_task("Importing", total=files or None, rate="")
        records = {"n": 0, "start": time.monotonic()}

        def on_file(path: Path) -> None:
            bar.update(task, description=f"Importing {path.name[:40]}")

        def on_record(_record, _outcome) -> None:
            records["n"] += 1
            elapsed = max(time.monotonic() - records["start"], 1e-6)
            bar.update(task, rate=f"{records['n']:,} records, {records['n'] / elapsed:,.0f}/s")

        try:
            summary = run_import(paths, on_file=lambda p: (on_file(p), bar.advance(task)), on_record=on_record,
                                 withdraw_missing=withdraw_missing)
        except KeyboardInterrupt:
            # The batch being stored rolled back; everything before it is kept, and a rerun goes on from there.
            console.print(f"readingroom: interrupted after {records['n']:,} records; run the same command again to "
                          "continue", highlight=False, markup=False)
            raise typer.Exit(130) from None
    for problem in summary.problems:
        console.print(f"[red]error[/red] {problem}" if problem.fatal else f"[yellow]warning[/yellow] {problem}",
                      markup=True, highlight=False, soft_wrap=True)
    out.print(summary.line())
    if summary.references_line():
        out.print(summary.references_line())
    after_changes(new_places_after=places_before)
    prepare_pyramids()
    if not summary.ok:
        raise typer.Exit(1)


def prepare_pyramids() -> None:
    """Make the tiled pyramid of each large page that has none, so no reader waits for it."""
    from readingroom.standards import iiif_prepare

    pending = sum(1 for _ in iiif_prepare.large_pages())
    if not pending:
        return
    with progress() as bar:
        task = bar.add_task("IIIF pyramids of large pages", total=pending, rate="")
        report = iiif_prepare.prepare_all(on_page=lambda page: bar.advance(task))
    for problem in report.problems:
        console.print(f"[yellow]warning[/yellow] IIIF: {problem}", markup=True, highlight=False, soft_wrap=True)
    if report.made or report.problems:
        out.print(f"IIIF: made the tiled pyramids of {report.made} large pages ({report.present} had one)")


@app.command()
def show(record_id: Annotated[str, typer.Argument(help="The record's public id, e.g. 209771")]) -> None:
    """Print one record with its citation and contents."""
    open_archive()
    from readingroom.catalog.models import Record
    from readingroom.standards.citations import chicago

    record = Record.objects.select_related("collection", "repository").filter(public_id=record_id).first()
    if record is None:
        fail(f"no record with id {record_id!r}")
    out.print(f"[bold]{record.title}[/bold]", highlight=False)
    out.print(f"{record.date_display}  ·  id {record.public_id}  ·  {record.get_access_level_display()}", highlight=False)
    out.print(f"\nCitation: {chicago(record)}", highlight=False, soft_wrap=True)
    if record.summary:
        out.print(f"\nSummary: {record.summary}", highlight=False, soft_wrap=True)
    for content in record.contents.all():
        out.print(f"\n[bold]{content.display_label}[/bold] ({len(content.text)} characters)", highlight=False)
        out.print(content.text[:2000], highlight=False, markup=False, soft_wrap=True)


@app.command()
def export(
    record_id: Annotated[str | None, typer.Argument(help="One record's id; all records when omitted")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json (JSON Lines)")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; standard output by default")] = None,
) -> None:
    """Export records with every field and content, as JSON Lines that `readingroom import` reads back
    (with the themes, when exporting everything)."""
    open_archive()
    from readingroom.ingest.archive_jsonl import archive_fields, export_queryset, theme_line, themes_queryset
    from readingroom.standards.catalogue_json import record_detail

    if fmt != "json":
        fail(f"unknown export format {fmt!r} (known: json)")
    records = export_queryset()
    if record_id is not None:
        records = records.filter(public_id=record_id)
        if not records.exists():
            fail(f"no record with id {record_id!r}")
    try:
        stream = output.open("w", encoding="utf-8") if output else sys.stdout
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    count = themes = 0
    try:
        for record in records.iterator(chunk_size=500):
            stream.write(json.dumps({**record_detail(record), "archive": archive_fields(record)}, ensure_ascii=False)
                         + "\n")
            count += 1
        if record_id is None:
            for theme in themes_queryset():
                stream.write(json.dumps(theme_line(theme), ensure_ascii=False) + "\n")
                themes += 1
    finally:
        if output:
            stream.close()
    console.print(f"Exported {count} record{'s' if count != 1 else ''}"
                  + (f" and {themes} theme{'s' if themes != 1 else ''}" if themes else "")
                  + (f" to {output}" if output else ""))


@app.command()
def counts(
    check: Annotated[bool, typer.Option("--check", help="Recount and compare with the kept counts; exit 1 on drift")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Count every public record afresh")] = False,
) -> None:
    """The public counts pages show (records per name, collection, month, language), kept current as the
    catalogue changes: check them against a recount, or rebuild them."""
    if check == rebuild:
        fail("give one of --check or --rebuild")
    open_archive()
    from readingroom.catalog import counts as kept

    if rebuild:
        with console.status("Counting the public records"):
            records = kept.rebuild()
        out.print(f"Counts rebuilt: {records} public record{'s' if records != 1 else ''}")
        return
    with console.status("Recounting the public records"):
        lines = kept.drift()
    for line in lines:
        out.print(f"drift {line}", highlight=False, markup=False)
    if lines:
        fail(f"{len(lines)} count{'s' if len(lines) != 1 else ''} out of step (readingroom counts --rebuild)")
    out.print("Counts in step with the catalogue")


@app.command("iiif-cache")
def iiif_cache_command(
    prune: Annotated[bool, typer.Option("--prune", help="Remove the least recently used derivatives beyond the limit")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every cached derivative (originals are not touched)")] = False,
    prepare: Annotated[bool, typer.Option("--prepare", help="Make the tiled pyramids of large pages that have none")] = False,
) -> None:
    """Show the IIIF derivative cache's size against its limit (READINGROOM_IIIF_CACHE_MB); prune, clear or
    prepare it."""
    open_archive()
    from readingroom.standards import iiif_cache

    if prepare:
        prepare_pyramids()

    cache = iiif_cache.for_settings()
    if clear or prune:
        report = cache.prune(limit_bytes=0 if clear else None)
        out.print(f"IIIF cache: removed {report.removed_files} files ({report.removed_bytes / 1e6:.1f} MB)")
    else:
        report = cache.measure()
    out.print(f"IIIF cache: {report.files} files, {report.bytes / 1e6:.1f} MB of {cache.limit / 1e6:.0f} MB "
              f"({cache.root})")
