"""A scan's text in one place: the pages' text joined into their content's text, and the history of each
page's text (what was read before stays; a new reading waits until it is accepted). Import (a page's file
replaced) and OCR (a new reading) both go through here."""

from __future__ import annotations

from django.db import transaction

from .models import Content, Page
from .text_versions import PageText

# Facts about the page's original that stay with the page whatever reading it shows.
PAGE_FACTS = ("original", "frame", "text_layer")


def joined_page_text(content: Content) -> str:
    """A scan's text for reading and search: its pages' text in order, a blank line between pages."""
    return "\n\n".join(t for t in content.pages.order_by("position").values_list("text", flat=True) if t.strip())


def refresh_text(content: Content) -> None:
    """Save the content's text as its pages' joined text (after a page's text changed)."""
    content.text = joined_page_text(content)
    content.save(update_fields=["text"])


def page_facts(page: Page) -> dict:
    return {k: page.ocr_settings[k] for k in PAGE_FACTS if k in (page.ocr_settings or {})}


def archive_page_text(page: Page, note: str = "", keep_empty: bool = True) -> PageText | None:
    """Keep the page's current reading (and which original it came from) as a superseded version.
    A reading not yet in the history (a PDF's own text layer) is copied into it; with keep_empty=False a
    page that shows no text leaves nothing to keep."""
    if not page.checksum:
        return None
    current = PageText.objects.filter(page=page, status=PageText.Status.ACCEPTED).first()
    if current is not None:
        current.status = PageText.Status.SUPERSEDED
        current.note = "; ".join(n for n in (current.note, note) if n)
        current.save(update_fields=["status", "note"])
        return current
    if not keep_empty and not page.text.strip():
        return None
    return PageText.objects.create(
        page=page, status=PageText.Status.SUPERSEDED, image_name=page.image.name, checksum=page.checksum,
        text=page.text, words=page.words, confidence=page.confidence, dpi=page.dpi,
        source="text_layer" if page.ocr_status == Page.OcrStatus.TEXT_LAYER else "ocr",
        engine=page.ocr_engine, settings=page.ocr_settings, note=note,
    )


def accept(version: PageText) -> None:
    """Make a proposed reading the page's text; the reading it replaces becomes history."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("content").get(pk=version.page_id)
        archive_page_text(page, keep_empty=False)
        page.text, page.words, page.confidence = version.text, version.words, version.confidence
        page.dpi = version.dpi or page.dpi
        page.ocr_engine, page.ocr_settings = version.engine, {**version.settings, **page_facts(page)}
        page.ocr_status, page.ocr_error = Page.OcrStatus.DONE, version.note
        page.save()
        version.status = PageText.Status.ACCEPTED
        version.save(update_fields=["status"])
        refresh_text(page.content)
