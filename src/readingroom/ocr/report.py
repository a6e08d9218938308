"""Quality figures per record: what staff see on the document page and in `readingroom ocr-report`."""

from __future__ import annotations

from django.db.models import Prefetch

from readingroom.catalog.models import Content, Page, Record

from .quality import Quality, compare


def _scan_and_transcript(record: Record) -> tuple[Content | None, Content | None]:
    contents = list(record.contents.all())
    scan = next((c for c in contents if c.kind == Content.Kind.SCAN), None)
    if scan is None:
        return None, None
    language = scan.language or (record.languages[0] if record.languages else "")
    transcript = next(
        (c for c in contents if c.kind == Content.Kind.TRANSCRIPT and c.text.strip()
         and (not language or not c.language or c.language == language)),
        None,
    )
    return scan, transcript


def record_quality(record: Record) -> dict | None:
    """None when the record has no scan; otherwise pages, confidence and (with a transcript) CER/WER."""
    scan, transcript = _scan_and_transcript(record)
    if scan is None:
        return None
    pages = list(scan.pages.all())
    confidences = [p.confidence for p in pages if p.confidence is not None]
    quality: Quality | None = compare(scan.text, transcript.text) if transcript and scan.text.strip() else None
    return {
        "record": record.public_id,
        "title": record.title,
        "pages": len(pages),
        "failed": sum(1 for p in pages if p.ocr_status == Page.OcrStatus.FAILED),
        "pending": sum(1 for p in pages if p.ocr_status == Page.OcrStatus.PENDING),
        "no_text": sum(1 for p in pages if p.ocr_status == Page.OcrStatus.NO_TEXT),
        "confidence": round(sum(confidences) / len(confidences), 1) if confidences else None,
        "transcript": transcript.display_label if transcript else "",
        "quality": quality.as_dict() if quality else None,
    }


def quality_rows(collection: str | None = None) -> list[dict]:
    records = Record.objects.filter(contents__kind=Content.Kind.SCAN).distinct().prefetch_related(
        Prefetch("contents", queryset=Content.objects.prefetch_related("pages")))
    if collection:
        records = records.filter(collection__identifier=collection)
    rows = [row for row in (record_quality(r) for r in records.iterator(chunk_size=200)) if row]

    def badness(row: dict) -> tuple:
        q = row["quality"]
        return (q is not None, q["cer"] if q else 0.0, -(row["confidence"] or 0.0))

    return sorted(rows, key=badness, reverse=True)


def page_rows(collection: str | None = None, limit: int = 50) -> list[dict]:
    """The pages most in need of a look: failed ones first, then those where no text was found (is it
    really a picture?), then by ascending mean word confidence."""
    pages = Page.objects.filter(content__kind=Content.Kind.SCAN).exclude(ocr_status=Page.OcrStatus.PENDING)
    if collection:
        pages = pages.filter(content__record__collection__identifier=collection)
    failed = pages.filter(ocr_status=Page.OcrStatus.FAILED)
    no_text = pages.filter(ocr_status=Page.OcrStatus.NO_TEXT)
    read = pages.filter(ocr_status=Page.OcrStatus.DONE, confidence__isnull=False).order_by("confidence")
    rows = []
    for page in [*failed.select_related("content__record")[:limit], *no_text.select_related("content__record")[:limit],
                 *read.select_related("content__record")[:limit]]:
        rows.append({"record": page.content.record.public_id, "page": page.position + 1,
                     "status": page.ocr_status, "confidence": page.confidence,
                     "note": page.ocr_error, "file": page.original_name})
    return rows[:limit]
