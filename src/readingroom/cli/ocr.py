"""`readingroom ocr`, `ocr-accept` and `ocr-report`: read scans, accept re-readings, and measure quality."""

from __future__ import annotations

import dataclasses
import time
from typing import Annotated

import typer

from .app import after_changes, app, console, fail, open_archive, out, progress


def _rate_line(done: int, total: int, started: float) -> str:
    minutes = (time.perf_counter() - started) / 60
    if not done or minutes <= 0:
        return "pages/min: -"
    rate = done / minutes
    left = (total - done) / rate * 60
    return f"{rate:.1f} pages/min · ETA {int(left // 60)}:{int(left % 60):02d}"


@app.command()
def ocr(
    collection: Annotated[str | None, typer.Option(help="Only records of this collection (its identifier)")] = None,
    record: Annotated[str | None, typer.Option(help="Only this record (its public id)")] = None,
    all_: Annotated[bool, typer.Option("--all", help="All records with scans")] = False,
    workers: Annotated[int | None, typer.Option(help="Parallel Tesseract processes (default: the cores)")] = None,
    languages: Annotated[str | None, typer.Option(help="Tesseract languages, e.g. eng+rus (default: each record's)")] = None,
    redo: Annotated[bool, typer.Option("--redo", help="Read pages again: those with text (new readings kept as proposals) and those where no text was found")] = False,
    accept: Annotated[bool, typer.Option("--accept", help="With --redo: show the new readings at once")] = False,
    deskew: Annotated[bool, typer.Option("--deskew", help="Straighten skewed pages first")] = False,
    rotate: Annotated[bool, typer.Option("--rotate", help="Detect and fix page rotation first")] = False,
    clean: Annotated[bool, typer.Option("--clean", help="Clean pages with unpaper first")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a searchable PDF of each page")] = False,
    celery: Annotated[bool, typer.Option("--celery", help="Send the pages to Celery workers (READINGROOM_BROKER_URL)")] = False,
) -> None:
    """Read pending scan pages with Tesseract, in parallel; prints a summary with failures."""
    open_archive()
    from readingroom.catalog.coordinates import newest_authority
    from readingroom.catalog.models import Collection, Page, Record
    from readingroom.ocr.engine import OcrError, check_languages, tesseract_available
    from readingroom.ocr.jobs import configured_options, make_job, select_pages

    if sum(bool(x) for x in (collection, record, all_)) != 1:
        fail("say which pages: --collection X, --record ID or --all")
    if record and not Record.objects.filter(public_id=record).exists():
        fail(f"no record with id {record!r}")
    if collection and not Collection.objects.filter(identifier=collection).exists():
        fail(f"no collection with identifier {collection!r}")
    if not tesseract_available():
        fail("tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-eng)")
    if languages:
        try:
            languages = check_languages(languages)
        except OcrError as exc:
            fail(str(exc))
    if workers is not None and workers < 1:
        fail("--workers must be at least 1")
    if celery:
        from django.conf import settings

        if not settings.READINGROOM_BROKER_URL:
            fail("--celery needs READINGROOM_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and running workers")
    try:
        options = configured_options(deskew=deskew, rotate=rotate, clean=clean, searchable_pdf=pdf)
    except OcrError as exc:
        fail(str(exc))
    pages = list(select_pages(record, collection, redo=redo))
    jobs = [make_job(page, options, languages) for page in pages]
    if accept:
        jobs = [dataclasses.replace(job, accept=True) for job in jobs]
    # Pictures (ink, no text) are not read again on every run: they would only cost Tesseract time.
    skipped = 0 if redo else select_pages(record, collection, redo=True).filter(
        ocr_status=Page.OcrStatus.NO_TEXT).count()
    skipped_line = (f"Skipped {skipped} page{'s' if skipped != 1 else ''} where no text was found "
                    "(pictures; --redo reads them again).") if skipped else ""
    if not jobs:
        out.print("No pages to read (use --redo to read pages that already have text).")
        if skipped_line:
            out.print(skipped_line)
        return
    names = {p.pk: f"{p.content.record.public_id} p.{p.position + 1}" for p in pages}
    counts: dict[str, int] = {}
    failures: list[str] = []
    started = time.perf_counter()
    with progress() as bar:
        task = bar.add_task("OCR", total=len(jobs), rate="")

        def on_done(page_id: int, saved: str, error: str) -> None:
            counts[saved] = counts.get(saved, 0) + 1
            if error:
                failures.append(f"{names.get(page_id, page_id)}: {error}")
            bar.advance(task)
            done = int(bar.tasks[0].completed)
            bar.update(task, rate=_rate_line(done, len(jobs), started))

        if celery:
            _run_celery(jobs, on_done)
        else:
            from readingroom.ocr.pool import run_local

            run_local(jobs, workers, lambda outcome, saved: on_done(outcome.page_id, saved, outcome.error))
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
    out.print(f"OCR: {len(jobs)} pages in {elapsed:.1f} s ({len(jobs) / elapsed * 60:.1f} pages/min): {summary}")
    if skipped_line:
        out.print(skipped_line)
    for line in failures:
        console.print(f"[red]failed[/red] {line}", highlight=False, soft_wrap=True)
    if counts.get("proposed"):
        out.print("New readings of pages with text are kept as proposals: `readingroom ocr-accept` makes them the text.")
    if counts.get("saved"):
        after_changes(new_places_after=newest_authority())  # OCR makes no places
    if failures:
        raise typer.Exit(1)


def _run_celery(jobs, on_done) -> None:
    from celery.exceptions import CeleryError
    from kombu.exceptions import OperationalError

    from readingroom.ocr.tasks import app as celery_app
    from readingroom.ocr.tasks import ocr_page

    try:
        waiting = {ocr_page.delay(dataclasses.asdict(job)): job for job in jobs}
    except (OperationalError, CeleryError, OSError) as exc:
        fail(f"cannot reach the Celery broker {celery_app.conf.broker_url}: {exc}")
    while waiting:
        for result in [r for r in waiting if r.ready()]:
            job = waiting.pop(result)
            try:
                value = result.get(propagate=True, timeout=5)
                on_done(job.page_id, value["saved"], value["error"])
            except Exception as exc:  # a task that crashed on the worker: report it, keep going
                on_done(job.page_id, "failed", f"worker error: {exc}")
        time.sleep(0.3)


@app.command("ocr-accept")
def ocr_accept(
    record: Annotated[str | None, typer.Option(help="Only this record")] = None,
    collection: Annotated[str | None, typer.Option(help="Only this collection")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every proposed reading")] = False,
    replace_corrections: Annotated[bool, typer.Option(
        "--replace-corrections", help="Also replace page text that staff corrected and published")] = False,
) -> None:
    """Make proposed re-readings the pages' text; the previous text stays in history. Pages whose text
    staff corrected keep it unless --replace-corrections says otherwise."""
    open_archive()
    from readingroom.catalog.coordinates import newest_authority
    from readingroom.catalog.models import Correction
    from readingroom.catalog.page_text import accept
    from readingroom.catalog.text_versions import PageText

    if sum(bool(x) for x in (collection, record, all_)) != 1:
        fail("say which readings: --collection X, --record ID or --all")
    versions = PageText.objects.filter(status=PageText.Status.PROPOSED).select_related("page__content__record")
    if record:
        versions = versions.filter(page__content__record__public_id=record)
    if collection:
        versions = versions.filter(page__content__record__collection__identifier=collection)
    # The newest proposal per page wins.
    chosen: dict[int, PageText] = {}
    for version in versions.order_by("page_id", "-created", "-pk"):
        chosen.setdefault(version.page_id, version)
    corrected = set(Correction.objects.filter(page_id__in=list(chosen), published__isnull=False)
                    .values_list("page_id", flat=True))
    if corrected and not replace_corrections:
        # A machine re-reading must not silently undo a person's reading of the page.
        for page_id in sorted(corrected):
            page = chosen.pop(page_id).page
            console.print(f"[yellow]kept[/yellow] {page.content.record.public_id} page {page.position + 1}: staff "
                          "corrected its text; --replace-corrections replaces it", highlight=False)
    for version in chosen.values():
        accept(version)
    out.print(f"Accepted {len(chosen)} page reading{'s' if len(chosen) != 1 else ''}.")
    if chosen:
        after_changes(new_places_after=newest_authority())  # OCR makes no places


@app.command("ocr-archive")
def ocr_archive(
    record: Annotated[str | None, typer.Option(help="Only this record")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every record with scans")] = False,
    jobs: Annotated[int, typer.Option(help="OCRmyPDF's parallel jobs")] = 1,
) -> None:
    """Make the archival PDF/A of scans with OCRmyPDF: a separate step from reading, slower, run any time."""
    open_archive()
    from readingroom.catalog.models import Content
    from readingroom.ocr.archival import build_archival_pdf
    from readingroom.ocr.engine import OcrError
    from readingroom.ocr.jobs import record_languages

    if bool(record) == all_:
        fail("say which scans: --record ID or --all")
    contents = Content.objects.filter(kind=Content.Kind.SCAN, pages__isnull=False).distinct().select_related("record")
    if record:
        contents = contents.filter(record__public_id=record)
    failures = 0
    for content in contents:
        started = time.perf_counter()
        try:
            name = build_archival_pdf(content, record_languages(content.record), jobs=jobs)
        except OcrError as exc:
            failures += 1
            console.print(f"[red]failed[/red] {content.record.public_id}: {exc}", highlight=False)
            continue
        out.print(f"{content.record.public_id}: {name} ({time.perf_counter() - started:.1f} s)", highlight=False)
    if failures:
        raise typer.Exit(1)


@app.command("ocr-report")
def ocr_report(
    collection: Annotated[str | None, typer.Option(help="Only records of this collection")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table")] = False,
    pages: Annotated[bool, typer.Option("--pages", help="Pages instead of records: failed, then least confident")] = False,
) -> None:
    """OCR quality per record, worst first: CER/WER against a transcript in the same language, confidence."""
    open_archive()
    import json

    from rich.table import Table

    from readingroom.ocr.report import page_rows, quality_rows

    if pages:
        for row in page_rows(collection):
            conf = f"{row['confidence']:.1f}" if row["confidence"] is not None else "-"
            line = json.dumps(row, ensure_ascii=False) if as_json else (
                f"{row['record']} p.{row['page']} ({row['file']}): {row['status']}, confidence {conf}"
                + (f": {row['note']}" if row["note"] else ""))
            out.print(line, highlight=False, markup=False, soft_wrap=True)
        return
    rows = quality_rows(collection)
    if as_json:
        for row in rows:
            out.print(json.dumps(row, ensure_ascii=False), highlight=False, soft_wrap=True)
        return
    if not rows:
        out.print("No records with scans.")
        return
    table = Table(title="OCR quality, worst first")
    for column in ("record", "pages", "failed", "no text", "mean conf.", "CER", "WER", "char. distance", "transcript"):
        table.add_column(column, justify="left" if column in ("record", "transcript") else "right")
    for row in rows:
        q = row["quality"]
        table.add_row(
            row["record"], str(row["pages"]), str(row["failed"]), str(row["no_text"]),
            f"{row['confidence']:.1f}" if row["confidence"] is not None else "-",
            f"{q['cer']:.2%}" if q else "-", f"{q['wer']:.2%}" if q else "-",
            f"{q['similarity_error']:.2%}" if q else "-",
            row["transcript"] or "none in the same language",
        )
    out.print(table)
