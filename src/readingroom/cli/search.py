"""`readingroom index` and `readingroom search`: keep the search index up to date, and search from a terminal."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.table import Table

from readingroom import search

from .app import app, console, fail, open_archive, out, progress


@app.command()
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Build a new index from the database, then switch to it")] = False,
    if_needed: Annotated[bool, typer.Option("--if-needed", help="Rebuild only if there is no index of this schema version")] = False,
    check: Annotated[bool, typer.Option("--check", help="Compare the index with the database and repair drift")] = False,
) -> None:
    """Bring the search index up to date: apply queued changes (default), rebuild, or check it."""
    open_archive()
    if sum([rebuild, if_needed, check]) > 1:
        fail("choose one of --rebuild, --if-needed and --check")
    try:
        if rebuild or (if_needed and search.needs_rebuild()) or (not check and search.needs_rebuild()):
            total = search.record_count()
            with progress() as bar:
                task = bar.add_task("Indexing", total=total or None, rate="")
                report = search.rebuild(on_progress=lambda n: bar.update(task, advance=n, rate=""))
        elif if_needed:
            report = search.drain()
        elif check:
            total = search.record_count()
            with progress() as bar:
                task = bar.add_task("Checking", total=total or None, rate="")
                report = search.check(on_progress=lambda n: bar.update(task, advance=n, rate=""))
        else:
            report = search.drain()
    except search.WriterBusy as exc:
        fail(f"{exc}; try again when it has finished")
    except search.IndexUnavailable as exc:
        fail(f"{exc}; run `readingroom index --rebuild`")
    out.print(f"Search index: {report.line()}", highlight=False)


def _plain(html: str) -> str:
    """Snippet HTML to terminal markup: highlighted words in bold, entities decoded."""
    from html import unescape

    from rich.markup import escape

    parts = re.split(r"(<b>|</b>)", html)
    text, bold = [], False
    for part in parts:
        if part in {"<b>", "</b>"}:
            bold = part == "<b>"
            continue
        chunk = escape(unescape(part))
        text.append(f"[bold yellow]{chunk}[/bold yellow]" if bold and chunk else chunk)
    return "".join(text).replace("\n", " ")


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='What to look for, e.g. Shandong, "inner defense line", date:1944-02')],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results")] = 20,
    sort: Annotated[str, typer.Option(help="relevance, date or -date")] = "relevance",
    staff: Annotated[bool, typer.Option("--all", help="Include restricted records (staff view)")] = False,
    approximate: Annotated[bool, typer.Option(
        "--approximate", "-a",
        help="Include approximate matches in OCR text (misread or split words) even when exact ones are plenty",
    )] = False,
) -> None:
    """Search the archive and print the best matches as a table."""
    open_archive()
    from types import SimpleNamespace

    user = SimpleNamespace(is_staff=True) if staff else None
    results = search.search(query, user=user, sort=sort, per_page=max(1, min(limit, 100)), with_facets=False,
                            approximate="always" if approximate else "auto")
    if not results.available:
        fail(f"{results.messages[0]} ({results.failure})")
    for message in results.messages:
        console.print(f"[yellow]note[/yellow] {message}", highlight=False)
    search.attach_records(results, user)
    table = Table(title=f"{results.total} record{'s' if results.total != 1 else ''} for {query[:80]!r}",
                  show_lines=False, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Id", no_wrap=True)
    table.add_column("Title and snippet", ratio=1)
    for n, hit in enumerate(results.hits, start=(results.page - 1) * results.per_page + 1):
        record = hit.record
        body = f"[bold]{_plain(hit.title_html)}[/bold]"
        if hit.snippet:
            body += "\n" + ("[dim](machine-read OCR)[/dim] " if hit.snippet.machine_read else "") + _plain(hit.snippet.html)
        table.add_row(str(n), record.date_display if record else "", hit.public_id, body)
    out.print(table)
    if results.approximate == "left out":
        console.print("[dim]Exact matches only; --approximate adds approximate matches in OCR text.[/dim]",
                      highlight=False)
