"""`{% ocr_quality record as q %}`: the record's OCR figures for the staff box on the document page."""

from __future__ import annotations

from django import template

from readingroom.ocr.report import record_quality

register = template.Library()


@register.simple_tag
def ocr_quality(record) -> dict | None:
    figures = record_quality(record)
    if figures and figures["quality"]:
        figures["cer_display"] = f"{figures['quality']['cer']:.2%}"
        figures["wer_display"] = f"{figures['quality']['wer']:.2%}"
        figures["distance_display"] = f"{figures['quality']['similarity_error']:.2%}"
    return figures
