"""Text history of pages: what was read before stays, and a new reading waits until it is accepted."""

from __future__ import annotations

from django.db import transaction

from readingroom.catalog.models import Content, Page

from .models import PageText


def archive_page_text(page: Page, note: str = "") -> PageText | None:
    """Keep the page's current reading (and which original it came from) as a superseded version."""
    if not page.checksum:
        return None
    current = PageText.objects.filter(page=page, status=PageText.Status.ACCEPTED).first()
    if current is not None:
        current.status = PageText.Status.SUPERSEDED
        current.note = "; ".join(n for n in (current.note, note) if n)
        current.save(update_fields=["status", "note"])
        return current
    return PageText.objects.create(
        page=page, status=PageText.Status.SUPERSEDED, image_name=page.image.name, checksum=page.checksum,
        text=page.text, words=page.words, confidence=page.confidence, dpi=page.dpi,
        source="text_layer" if page.ocr_status == Page.OcrStatus.TEXT_LAYER else "ocr",
        engine=page.ocr_engine, settings=page.ocr_settings, note=note,
    )


def refresh_content_text(content: Content) -> None:
    from readingroom.ingest.pages import joined_page_text

    content.text = joined_page_text(content)
    content.save(update_fields=["text"])


def accept(version: PageText) -> None:
    """Make a proposed reading the page's text; the reading it replaces becomes history."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("content").get(pk=version.page_id)
        PageText.objects.filter(page=page, status=PageText.Status.ACCEPTED).update(status=PageText.Status.SUPERSEDED)
        page.text, page.words, page.confidence = version.text, version.words, version.confidence
        page.dpi = version.dpi or page.dpi
        page.ocr_engine, page.ocr_settings = version.engine, version.settings
        page.ocr_status, page.ocr_error = Page.OcrStatus.DONE, version.note
        page.save()
        version.status = PageText.Status.ACCEPTED
        version.save(update_fields=["status"])
        refresh_content_text(page.content)
