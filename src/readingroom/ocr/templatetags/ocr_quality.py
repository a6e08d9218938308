"""`{% ocr_quality record as q %}`: the record's OCR figures for the staff box on the document page."""

from __future__ import annotations

from django import template

from readingroom.ocr.report import record_quality

register = template.Library()


@register.simple_tag
def ocr_quality(record) -> dict | None:
    figures = record_quality(record)
    if figures and figures["quality"]:
        # Percentages as numbers, so the template writes them in the reader's locale ("1,25%" in Russian).
        figures["cer_percent"] = figures["quality"]["cer"] * 100
        figures["wer_percent"] = figures["quality"]["wer"] * 100
        figures["distance_percent"] = figures["quality"]["similarity_error"] * 100
    return figures
