"""The index queue: saves and imports add rows here; the one index writer applies them in batches.
Keeping writes out of requests means a save never waits for the index lock."""

from __future__ import annotations

from django.db import models


class IndexTask(models.Model):
    class Op(models.TextChoices):
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"

    record_pk = models.BigIntegerField(db_index=True, help_text="Record primary key (the record may be gone)")
    op = models.CharField(max_length=10, choices=Op.choices, default=Op.UPDATE)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.op} record {self.record_pk}"
