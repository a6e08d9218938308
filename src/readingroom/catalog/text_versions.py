"""The history of a page's text: every OCR result and every replaced original, so nothing read is lost.

A page's current text lives on Page. A re-OCR with other settings is stored here as *proposed* and the
page keeps its accepted text until someone accepts the new one (`readingroom ocr-accept`). What reads
and writes these rows: catalog/page_text.py."""

from __future__ import annotations

from django.db import models


class PageText(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (not yet shown)"
        ACCEPTED = "accepted", "Accepted (shown)"
        SUPERSEDED = "superseded", "Superseded"

    page = models.ForeignKey("catalog.Page", related_name="text_versions", on_delete=models.CASCADE)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    # The original the text was read from: it changes when a re-import brings a new version of the file.
    image_name = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    words = models.JSONField(default=list, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    dpi = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, default="ocr", help_text="ocr, or text_layer (the PDF's own text)")
    engine = models.CharField(max_length=100, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ocr_pagetext"  # the name the table has in existing archives: renaming it would gain nothing
        ordering = ["page", "-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} text of {self.page}"
