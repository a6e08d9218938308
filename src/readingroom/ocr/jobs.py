"""OCR work as plain jobs: which pages to read, reading one (no database), and saving the result.

Reading and saving are split so the same job runs in a local process pool (the parent saves) or on a
Celery worker (the worker saves). Saving is one transaction per page, checked against the page's
checksum, and idempotent: a job run twice (a retried task) leaves the same state as one run.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet

from readingroom.catalog.languages import tesseract_languages
from readingroom.catalog.models import Content, Page, Record
from readingroom.catalog.page_text import archive_page_text, page_facts, refresh_text
from readingroom.catalog.text_versions import PageText

from .engine import OcrError, OcrOptions, installed_languages, ocr_image

DEFAULT_LANGUAGE = "eng"


@dataclass(frozen=True)
class PageJob:
    page_id: int
    image_path: str  # a local file path the worker can read
    checksum: str  # the original the job was made for: a result for an older original is dropped
    options: dict  # OcrOptions.as_dict()
    accept: bool = True  # False: store the result as a proposal beside the page's current text


@dataclass
class JobOutcome:
    page_id: int
    checksum: str
    options: dict
    accept: bool
    text: str = ""
    words: list = field(default_factory=list)
    confidence: float | None = None
    dpi: int | None = None
    engine: str = ""
    settings: dict = field(default_factory=dict)
    warning: str = ""
    error: str = ""
    pdf: bytes | None = None
    seconds: float = 0.0
    no_text: bool = False  # the page has ink but no text (a picture): stored as such, not as a failure

    @property
    def ok(self) -> bool:
        return not self.error


def configured_options(**flags: bool) -> OcrOptions:
    """Options from READINGROOM_OCR_CLEANUP, with clean-up steps a command asked for added."""
    from django.conf import settings

    from .cleanup import CLEANUP_STEPS

    unknown = [s for s in settings.READINGROOM_OCR_CLEANUP if s not in CLEANUP_STEPS]
    if unknown:
        raise OcrError(f"READINGROOM_OCR_CLEANUP: unknown step {', '.join(unknown)} (known: {', '.join(CLEANUP_STEPS)})")
    steps = {step: True for step in settings.READINGROOM_OCR_CLEANUP}
    return OcrOptions(**{**steps, **{k: v for k, v in flags.items() if v}})


def record_languages(record: Record) -> str:
    """Tesseract languages for a record: from its original language(s), those installed; English otherwise."""
    codes = [c for c in tesseract_languages(record.languages) if c in installed_languages()]
    return "+".join(codes) or DEFAULT_LANGUAGE


def select_pages(record_id: str | None = None, collection: str | None = None, redo: bool = False) -> QuerySet[Page]:
    """Pages still to read (pending or failed); with redo, every page of the selection (pages where no
    text was found included)."""
    pages = Page.objects.filter(content__kind=Content.Kind.SCAN).select_related("content__record")
    if record_id:
        pages = pages.filter(content__record__public_id=record_id)
    if collection:
        pages = pages.filter(content__record__collection__identifier=collection)
    if not redo:
        pages = pages.filter(ocr_status__in=[Page.OcrStatus.PENDING, Page.OcrStatus.FAILED])
    return pages.order_by("content__record_id", "content__position", "position")


def make_job(page: Page, options: OcrOptions, languages: str | None) -> PageJob:
    chosen = OcrOptions(**{**options.as_dict(), "languages": languages or record_languages(page.content.record)})
    has_text = page.ocr_status in (Page.OcrStatus.DONE, Page.OcrStatus.TEXT_LAYER) and bool(page.text.strip())
    return PageJob(page.pk, default_storage.path(page.image.name), page.checksum, chosen.as_dict(), accept=not has_text)


def worker_image_path(page_id: int, fallback: str) -> str:
    name = Page.objects.filter(pk=page_id).values_list("image", flat=True).first()
    return default_storage.path(name) if name else fallback


def run_job(job: PageJob) -> JobOutcome:
    """Read one page. Never raises for a bad page: the outcome carries the error."""
    started = time.perf_counter()
    outcome = JobOutcome(job.page_id, job.checksum, job.options, job.accept)
    try:
        result = ocr_image(Path(job.image_path), OcrOptions.from_dict(job.options))
    except OcrError as exc:
        outcome.error = str(exc)
    else:
        outcome.text, outcome.words, outcome.confidence = result.text, result.words, result.confidence
        outcome.dpi, outcome.engine, outcome.settings = result.dpi, result.engine, result.settings
        outcome.warning, outcome.pdf, outcome.no_text = result.warning, result.pdf, result.no_text
    outcome.seconds = time.perf_counter() - started
    return outcome


def _settings_key(options: dict) -> str:
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:16]


def save_outcome(outcome: JobOutcome) -> str:
    """Store one page's reading in one transaction. Returns what happened: saved, proposed, failed,
    no text (ink but no text: a picture), duplicate (this reading is already stored) or stale (the page
    has a newer original now)."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("content").filter(pk=outcome.page_id).first()
        if page is None or page.checksum != outcome.checksum:
            return "stale"
        if not outcome.ok:
            if outcome.accept:
                page.ocr_status, page.ocr_error = Page.OcrStatus.FAILED, outcome.error
                page.ocr_settings = {**page.ocr_settings, "options": outcome.options}
                page.save(update_fields=["ocr_status", "ocr_error", "ocr_settings"])
            return "failed"
        if outcome.no_text:
            if outcome.accept:  # a page with text keeps it: an empty re-reading is no proposal worth keeping
                archive_page_text(page, keep_empty=False)
                page.text, page.words, page.confidence = "", [], None
                page.dpi = outcome.dpi or page.dpi
                page.ocr_engine = outcome.engine
                page.ocr_settings = {**outcome.settings, "settings_key": _settings_key(outcome.options)}
                page.ocr_status, page.ocr_error = Page.OcrStatus.NO_TEXT, ""
                page.save()
                refresh_text(page.content)
            return "no text"
        settings = {**outcome.settings, "settings_key": _settings_key(outcome.options)}
        duplicate = PageText.objects.filter(
            page=page, checksum=outcome.checksum, text=outcome.text,
            settings__settings_key=settings["settings_key"],
            status__in=[PageText.Status.ACCEPTED, PageText.Status.PROPOSED],
        ).exists()
        if duplicate:
            return "duplicate"
        if outcome.pdf:
            name = f"derived/{page.checksum[:2]}/{page.checksum}/page-{page.position + 1:04d}-{settings['settings_key']}.pdf"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(outcome.pdf))
            settings["searchable_pdf"] = name
        settings.update(page_facts(page))
        version = PageText(
            page=page, image_name=page.image.name, checksum=page.checksum, text=outcome.text, words=outcome.words,
            confidence=outcome.confidence, dpi=outcome.dpi, engine=outcome.engine, settings=settings,
            note=outcome.warning,
            status=PageText.Status.ACCEPTED if outcome.accept else PageText.Status.PROPOSED,
        )
        if not outcome.accept:
            version.save()
            return "proposed"
        archive_page_text(page, keep_empty=False)
        version.save()
        page.text, page.words, page.confidence = outcome.text, outcome.words, outcome.confidence
        page.dpi = outcome.dpi or page.dpi
        page.ocr_engine, page.ocr_settings = outcome.engine, settings
        page.ocr_status, page.ocr_error = Page.OcrStatus.DONE, outcome.warning
        page.save()
        refresh_text(page.content)
    return "saved"
