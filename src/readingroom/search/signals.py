"""Catalogue saves and deletes enqueue index updates; nothing here touches the index itself."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from readingroom.catalog.models import (
    Authority,
    Collection,
    Content,
    Footnote,
    NameVariant,
    Record,
    RecordAuthority,
)

from . import facets, variants
from .models import IndexTask
from .queue import enqueue


@receiver(post_save, sender=Record, dispatch_uid="search-record-saved")
def record_saved(sender, instance: Record, raw: bool = False, **kwargs) -> None:
    enqueue([instance.pk])


@receiver(post_delete, sender=Record, dispatch_uid="search-record-deleted")
def record_deleted(sender, instance: Record, **kwargs) -> None:
    enqueue([instance.pk], IndexTask.Op.DELETE)


@receiver(post_save, sender=Content, dispatch_uid="search-content-saved")
@receiver(post_delete, sender=Content, dispatch_uid="search-content-deleted")
def content_changed(sender, instance: Content, **kwargs) -> None:
    enqueue([instance.record_id])


@receiver(post_save, sender=Footnote, dispatch_uid="search-footnote-saved")
@receiver(post_delete, sender=Footnote, dispatch_uid="search-footnote-deleted")
def footnote_changed(sender, instance: Footnote, **kwargs) -> None:
    record_id = Content.objects.filter(pk=instance.content_id).values_list("record_id", flat=True).first()
    if record_id is not None:
        enqueue([record_id])


@receiver(post_save, sender=RecordAuthority, dispatch_uid="search-link-saved")
@receiver(post_delete, sender=RecordAuthority, dispatch_uid="search-link-deleted")
def link_changed(sender, instance: RecordAuthority, **kwargs) -> None:
    enqueue([instance.record_id])


def _linked_records(authority_id: int) -> list[int]:
    return list(RecordAuthority.objects.filter(authority_id=authority_id).values_list("record_id", flat=True))


@receiver(post_save, sender=Authority, dispatch_uid="search-authority-saved")
@receiver(post_delete, sender=Authority, dispatch_uid="search-authority-deleted")
def authority_changed(sender, instance: Authority, **kwargs) -> None:
    variants.forget()
    facets.labels.forget()
    if kwargs.get("signal") is post_save:
        enqueue(_linked_records(instance.pk))


@receiver(post_save, sender=NameVariant, dispatch_uid="search-variant-saved")
@receiver(post_delete, sender=NameVariant, dispatch_uid="search-variant-deleted")
def variant_changed(sender, instance: NameVariant, **kwargs) -> None:
    variants.forget()
    enqueue(_linked_records(instance.authority_id))


@receiver(post_save, sender=Collection, dispatch_uid="search-collection-saved")
@receiver(post_delete, sender=Collection, dispatch_uid="search-collection-deleted")
def collection_changed(sender, instance: Collection, **kwargs) -> None:
    """Titles and paths are indexed with each record below the collection."""
    facets.labels.forget()
    if kwargs.get("signal") is post_save:
        ids = Collection.subtree_pks(instance.pk)
        enqueue(Record.objects.filter(collection_id__in=ids).values_list("pk", flat=True))
