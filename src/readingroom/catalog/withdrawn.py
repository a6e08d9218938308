"""Withdrawn records: a tombstone for each deleted record, so that harvesters (OAI-PMH) learn of the
deletion instead of keeping a record the archive no longer has.

A tombstone keeps only what the harvest protocol needs: the public id, when it was withdrawn and where the
record sat (its collection and themes), so a set-selective harvest of that collection reports it too.
A record created again under the same public id takes its tombstone away."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from .models import Record


class WithdrawnRecord(models.Model):
    public_id = models.CharField(max_length=200, unique=True)
    withdrawn = models.DateTimeField(auto_now=True, db_index=True)
    # Plain ids, not foreign keys: the collection or theme may go too, and the tombstone must stay. Theme
    # ids as text (",3,7,"), so that "in theme 3" is a LIKE that every database engine runs.
    collection_id = models.BigIntegerField(null=True, blank=True)
    theme_ids = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "withdrawn record"

    def __str__(self) -> str:
        return f"{self.public_id} (withdrawn {self.withdrawn:%Y-%m-%d})"


def theme_ids_text(ids: list[int]) -> str:
    return "," + ",".join(str(i) for i in ids) + "," if ids else ""


@receiver(pre_delete, sender=Record, dispatch_uid="catalog-record-withdrawn")
def _withdrawn(sender, instance: Record, **kwargs) -> None:
    """Before the delete: its theme entries are deleted with it."""
    themes = sorted(set(instance.theme_entries.values_list("theme_id", flat=True)))
    WithdrawnRecord.objects.update_or_create(
        public_id=instance.public_id,
        defaults={"collection_id": instance.collection_id, "theme_ids": theme_ids_text(themes)})


@receiver(post_save, sender=Record, dispatch_uid="catalog-record-back")
def _back(sender, instance: Record, created: bool, **kwargs) -> None:
    if created:
        WithdrawnRecord.objects.filter(public_id=instance.public_id).delete()
