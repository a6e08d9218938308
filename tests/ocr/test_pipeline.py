"""Import scans, OCR them in the local process pool, re-OCR into history, accept, and measure: real
Tesseract on pages the test renders, through the real commands and document page."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from typer.testing import CliRunner

from readingroom.catalog.models import Content, Page, Record
from readingroom.catalog.text_versions import PageText
from readingroom.cli import app
from readingroom.ingest.runner import run_import
from readingroom.ocr.engine import OcrOptions
from readingroom.ocr.jobs import make_job, select_pages
from readingroom.ocr.pool import run_local
from readingroom.ocr.quality import cer
from tests.ocr.processes import children, command_name, reading_child
from tests.scan_fixtures import SECOND_PAGE, TELEGRAM, photograph, save_page

pytestmark = pytest.mark.django_db(transaction=True)


def _import(tmp_path: Path, languages: str = "English", access: str = "public") -> Record:
    folder = tmp_path / "telegram"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM, noise=0.002)
    save_page(folder / "p2.png", SECOND_PAGE, stated_dpi=72)
    (folder / "sidecar.csv").write_text(
        "id,title,date,languages,access,files,transcript\n"
        f'tg1,Telegram,1944-02-02,{languages},{access},p1.png;p2.png,"{TELEGRAM} {SECOND_PAGE}"\n', encoding="utf-8")
    summary = run_import([str(folder)])
    assert summary.ok, [str(p) for p in summary.problems]
    return Record.objects.get(public_id="tg1")


def test_pool_reads_pages_and_reocr_waits_for_acceptance(tmp_path: Path) -> None:
    record = _import(tmp_path, languages="Russian; English")
    jobs = [make_job(page, OcrOptions(), None) for page in select_pages(record_id="tg1")]
    assert [j.options["languages"] for j in jobs] == ["rus+eng", "rus+eng"]  # from the record's languages
    results = run_local(jobs, workers=2)
    assert sorted(saved for _, saved in results) == ["saved", "saved"]
    pages = list(Page.objects.filter(content__record=record).order_by("position"))
    assert [p.ocr_status for p in pages] == [Page.OcrStatus.DONE] * 2
    assert pages[0].dpi == 200 and pages[1].ocr_settings["dpi_source"] == "estimated by tesseract"
    assert all(p.words and p.confidence > 80 and p.ocr_engine.startswith("tesseract") for p in pages)
    scan = record.contents.get(kind=Content.Kind.SCAN)
    assert scan.text == f"{pages[0].text}\n\n{pages[1].text}"
    assert cer(scan.text, f"{TELEGRAM} {SECOND_PAGE}") < 0.03
    assert select_pages(record_id="tg1").count() == 0  # nothing left to read

    # The same job again (a retried task) changes nothing.
    again = run_local([make_job(p, OcrOptions(languages="rus+eng"), None) for p in pages], workers=1)
    assert [saved for _, saved in again] == ["duplicate", "duplicate"]

    # Other settings: a proposal beside the shown text, which stays until accepted.
    first_text = pages[0].text
    redo = run_local([make_job(pages[0], OcrOptions(psm=6), "eng")], workers=1)
    assert redo[0][1] == "proposed"
    page = Page.objects.get(pk=pages[0].pk)
    assert page.text == first_text
    proposal = PageText.objects.get(page=page, status=PageText.Status.PROPOSED)
    assert proposal.settings["options"]["psm"] == 6

    runner = CliRunner()
    accepted = runner.invoke(app, ["ocr-accept", "--record", "tg1"])
    assert accepted.exit_code == 0 and "Accepted 1 page reading" in accepted.output
    page.refresh_from_db()
    assert page.ocr_settings["options"]["psm"] == 6 and page.text == proposal.text
    statuses = sorted(PageText.objects.filter(page=page).values_list("status", flat=True))
    assert statuses == ["accepted", "superseded"]


def test_pool_worker_killed_mid_page_fails_that_page_cleanly_and_a_rerun_reads_it(tmp_path: Path, monkeypatch) -> None:
    # The killed process leaves its scratch folder behind: keep it inside the test's folder.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = tmp_path / "slow"
    folder.mkdir()
    # A long page at 400 dpi takes seconds to read, so the test can catch it mid-page.
    save_page(folder / "long.png", " ".join([TELEGRAM, SECOND_PAGE] * 3), dpi=400)
    (folder / "sidecar.csv").write_text("id,title,files\nslow1,Long telegram,long.png\n", encoding="utf-8")
    assert run_import([str(folder)]).ok
    page = Page.objects.get(content__record__public_id="slow1")
    outcomes: list = []
    reader = threading.Thread(target=lambda: outcomes.extend(
        run_local([make_job(page, OcrOptions(), "eng")], workers=1)))
    reader.start()
    victim, deadline = None, time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        victim = reading_child(os.getpid())
        time.sleep(0.05)
    assert victim is not None
    orphans = [g for g in children(victim) if command_name(g) == "tesseract"]
    os.kill(victim, signal.SIGKILL)
    for pid in orphans:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    reader.join(timeout=120)
    [(outcome, saved)] = outcomes
    assert saved == "failed" and "the OCR process died" in outcome.error
    page.refresh_from_db()
    assert (page.ocr_status, page.text, page.words) == (Page.OcrStatus.FAILED, "", [])
    assert not PageText.objects.filter(page=page).exists()
    # Failed pages are read again by the next run.
    [(_, saved)] = run_local([make_job(p, OcrOptions(), "eng") for p in select_pages(record_id="slow1")], workers=1)
    page.refresh_from_db()
    assert saved == "saved" and page.ocr_status == Page.OcrStatus.DONE and page.text


def test_ocr_command_report_and_staff_quality_box(tmp_path: Path, client) -> None:
    _import(tmp_path, access="public")
    runner = CliRunner()
    missing = runner.invoke(app, ["ocr"])
    assert missing.exit_code != 0 and "--collection X, --record ID or --all" in str(missing.exception)
    result = runner.invoke(app, ["ocr", "--record", "tg1", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "OCR: 2 pages in" in result.output and "2 saved" in result.output
    # What OCR read is searchable when the command ends, with no index writer running.
    assert "Search index:" in result.output
    from readingroom.search import search

    assert [h.public_id for h in search("Indonesia", with_facets=False).hits] == ["tg1"]

    report = runner.invoke(app, ["ocr-report", "--json"])
    assert report.exit_code == 0
    assert '"record": "tg1"' in report.output and '"cer": 0.0' in report.output
    worst = runner.invoke(app, ["ocr-report", "--pages"])
    assert worst.exit_code == 0 and worst.output.startswith("tg1 p.") and "done, confidence" in worst.output

    # Readers do not see the figures; staff do.
    assert "OCR quality" not in client.get("/document/tg1/").content.decode()
    staff = User.objects.create_user("archivist", password="pw", is_staff=True)
    client.force_login(staff)
    page = client.get("/document/tg1/").content.decode()
    assert "OCR quality" in page and "Character error rate (CER)" in page and "Mean word confidence" in page


def test_archival_pdfa_is_a_separate_step(tmp_path: Path) -> None:
    import hashlib

    import pikepdf
    import pypdfium2 as pdfium

    record = _import(tmp_path)
    result = CliRunner().invoke(app, ["ocr-archive", "--record", "tg1"])
    assert result.exit_code == 0, result.output
    name = result.output.split(": ", 1)[1].split(" (", 1)[0]
    path = default_storage.path(name)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
        assert pdf.open_metadata().pdfa_status.startswith("2")  # PDF/A-2
    document = pdfium.PdfDocument(path)
    assert cer(document[0].get_textpage().get_text_bounded(), TELEGRAM) < 0.05
    # The originals are untouched by it.
    for page in Page.objects.filter(content__record=record):
        assert page.checksum == hashlib.sha256(default_storage.open(page.image.name).read()).hexdigest()


def test_text_layer_page_reread_with_searchable_pdf_keeps_the_layer_text_in_history(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from tests.scan_fixtures import render_page, text_pdf

    pdf = text_pdf(tmp_path / "memo.pdf", TELEGRAM, image=render_page(TELEGRAM))
    assert run_import([str(pdf)]).ok
    page = Page.objects.get(content__record__public_id="scan-memo")
    assert page.ocr_status == Page.OcrStatus.TEXT_LAYER and select_pages(record_id="scan-memo").count() == 0
    layer_text = page.text

    [redo] = select_pages(record_id="scan-memo", redo=True)
    job = make_job(redo, OcrOptions(searchable_pdf=True), None)
    assert job.accept is False  # the page shows text already: a new reading is only proposed
    [(outcome, saved)] = run_local([dataclasses.replace(job, accept=True)], workers=1)
    assert saved == "saved", outcome.error
    page.refresh_from_db()
    assert page.ocr_status == Page.OcrStatus.DONE and page.words and cer(page.text, TELEGRAM) < 0.03
    assert page.ocr_settings["original"].endswith("/memo.pdf") and page.ocr_settings["frame"] == 0
    searchable = pdfium.PdfDocument(default_storage.path(page.ocr_settings["searchable_pdf"]))
    assert cer(searchable[0].get_textpage().get_text_bounded(), TELEGRAM) < 0.05
    [old] = PageText.objects.filter(page=page, status=PageText.Status.SUPERSEDED)
    assert (old.source, old.text) == ("text_layer", layer_text)


def test_demo_hook_reads_the_sample_scans() -> None:
    from rich.console import Console

    from readingroom.cli import sample_data_dir
    from readingroom.ocr.demo import read_sample_scans
    from readingroom.ocr.report import quality_rows

    assert run_import([str(sample_data_dir() / "scans")]).ok
    console = Console(record=True, width=200)
    read_sample_scans(console)
    assert "Sample scans: 2 pages read by OCR" in console.export_text()
    [row] = quality_rows()
    assert row["record"] == "209771-typed-scan" and row["pending"] == 0 and row["failed"] == 0
    assert row["quality"]["cer"] < 0.02  # the typed telegram against its transcript
    # The PNG says 96 dpi; it is a 200 dpi page, and Tesseract's estimate is used instead.
    second = Page.objects.get(content__record__public_id="209771-typed-scan", position=1)
    assert second.ocr_settings["dpi_source"] == "estimated by tesseract" and 150 <= second.dpi <= 400


def test_cleanup_defaults_come_from_the_setting(settings) -> None:
    from readingroom.ocr.engine import OcrError
    from readingroom.ocr.jobs import configured_options

    assert configured_options() == OcrOptions()  # all off by default
    settings.READINGROOM_OCR_CLEANUP = ["deskew"]
    assert configured_options(clean=True) == OcrOptions(deskew=True, clean=True)
    settings.READINGROOM_OCR_CLEANUP = ["sharpen"]
    with pytest.raises(OcrError, match="unknown step sharpen"):
        configured_options()


def test_ocr_accept_keeps_a_page_staff_corrected(tmp_path: Path) -> None:
    from readingroom.catalog import corrections
    from readingroom.catalog.models import Record
    from readingroom.catalog.text_versions import PageText

    _import(tmp_path, access="public")
    assert CliRunner().invoke(app, ["ocr", "--record", "tg1", "--workers", "1"]).exit_code == 0
    record = Record.objects.get(public_id="tg1")
    first, second = corrections.targets(record)[:2]
    for target in (first, second):  # a machine re-reading proposed for both pages
        page = target.page
        PageText.objects.create(page=page, status=PageText.Status.PROPOSED, image_name=page.image.name,
                                checksum=page.checksum, text=page.text + " Re-read.", engine="test")
    draft = corrections.save_text(first, "A person read this page: Vladivostok.", 0, None)
    corrections.publish(first, corrections.review(first, draft.revision, None).revision, None)

    kept = CliRunner().invoke(app, ["ocr-accept", "--all"])
    assert kept.exit_code == 0, kept.output
    assert "Accepted 1 page reading." in kept.output and "staff corrected its text" in kept.output
    first.page.refresh_from_db()
    second.page.refresh_from_db()
    assert first.page.text == "A person read this page: Vladivostok."
    assert second.page.text.endswith(" Re-read.")

    replaced = CliRunner().invoke(app, ["ocr-accept", "--all", "--replace-corrections"])
    assert "Accepted 1 page reading." in replaced.output
    first.page.refresh_from_db()
    assert first.page.text.endswith(" Re-read.")


def test_photograph_page_is_no_text_found_skipped_on_reruns_and_read_once_it_has_text(tmp_path: Path, client) -> None:
    folder = tmp_path / "album"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM)
    photograph(folder / "p2.png")
    (folder / "sidecar.csv").write_text("id,title,date,languages,access,files\n"
                                        "al1,Album,1944-02-02,English,public,p1.png;p2.png\n", encoding="utf-8")
    assert run_import([str(folder)]).ok
    runner = CliRunner()
    first = runner.invoke(app, ["ocr", "--record", "al1", "--workers", "1"])
    assert first.exit_code == 0, first.output  # a picture is not a failure
    assert "1 no text" in first.output and "1 saved" in first.output and "failed" not in first.output
    text_page, picture = Page.objects.filter(content__record__public_id="al1").order_by("position")
    assert text_page.ocr_status == Page.OcrStatus.DONE and cer(text_page.text, TELEGRAM) < 0.03
    assert picture.ocr_status == Page.OcrStatus.NO_TEXT and picture.text == "" and picture.words == []
    assert picture.ocr_error == "" and picture.ocr_settings["no_text"] and picture.ocr_engine.startswith("tesseract")
    assert picture.get_ocr_status_display() == "No text found"

    # A rerun does not read the picture again, and says so.
    rerun = runner.invoke(app, ["ocr", "--record", "al1"])
    assert rerun.exit_code == 0 and "No pages to read" in rerun.output
    assert "Skipped 1 page where no text was found" in rerun.output
    worst = runner.invoke(app, ["ocr-report", "--pages"])
    assert "al1 p.2 (p2.png): no_text" in worst.output
    report = runner.invoke(app, ["ocr-report", "--json"])
    assert '"no_text": 1' in report.output
    staff = User.objects.create_user("archivist", password="pw", is_staff=True)
    client.force_login(staff)
    assert "1 with no text found" in client.get("/document/al1/").content.decode()

    # --redo reads it again (still a picture: still no text, nothing proposed for the text page's twin).
    redo = runner.invoke(app, ["ocr", "--record", "al1", "--redo", "--workers", "1"])
    assert redo.exit_code == 0 and "1 no text" in redo.output and "Skipped" not in redo.output
    picture.refresh_from_db()
    assert picture.ocr_status == Page.OcrStatus.NO_TEXT

    # Day two: the page's file is replaced by a scan with text; the next run reads it and search finds it.
    save_page(folder / "p2.png", SECOND_PAGE)
    assert run_import([str(folder)]).ok
    picture.refresh_from_db()
    assert picture.ocr_status == Page.OcrStatus.PENDING
    read = runner.invoke(app, ["ocr", "--record", "al1"])
    assert read.exit_code == 0 and "1 saved" in read.output and "Skipped" not in read.output
    picture.refresh_from_db()
    assert picture.ocr_status == Page.OcrStatus.DONE and cer(picture.text, SECOND_PAGE) < 0.03
    from readingroom.search import search

    word = max(SECOND_PAGE.split(), key=len).strip(".,")
    assert [h.public_id for h in search(word, with_facets=False).hits] == ["al1"]
