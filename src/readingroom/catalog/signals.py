"""The catalogue's change signals: how the rest of readingroom learns that records changed.

`records_changed(pks)` is the one trigger search listens to. Model saves and deletes made through the
ORM (the admin, the careful import path, OCR results) send it from here; code that writes rows without
model saves (bulk inserts, `QuerySet.update`) sends it itself with `announce`. OCR results reach it
through the content's saved text. `names_changed` says that
collection titles or authority names changed, so caches of display names are forgotten.
`relations_changed` says that relations between records changed: they are in no search document, so
they announce no record, but pages that list them must not show old ones."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver

from . import counts
from .models import Authority, Collection, Content, Footnote, NameVariant, Record, RecordAuthority, Repository
from .relations import Relation

# kwargs: pks (list of Record primary keys; the records may be gone)
records_changed = Signal()
# no kwargs: collection titles, authority names or variants changed
names_changed = Signal()
# no kwargs: relations were added, removed or edited (model saves send it from here; bulk writers themselves)
relations_changed = Signal()


def announce(pks: Iterable[int | None], counted: bool = False) -> None:
    """Tell listeners that these records changed (or were deleted). `counted`: the writer gave the public
    counts these records itself (counts.count_new), so they need no recount."""
    unique = [pk for pk in dict.fromkeys(pks) if pk is not None]
    if unique:
        records_changed.send(sender=Record, pks=unique, counted=counted)


@receiver(records_changed, dispatch_uid="catalog-public-counts")
def _count(sender, pks: list[int], counted: bool = False, **kwargs) -> None:
    if not counted:
        counts.follow(pks)


@receiver(post_save, sender=Record, dispatch_uid="catalog-record-saved")
@receiver(post_delete, sender=Record, dispatch_uid="catalog-record-deleted")
def _record(sender, instance: Record, **kwargs) -> None:
    announce([instance.pk])


@receiver(post_save, sender=Content, dispatch_uid="catalog-content-saved")
@receiver(post_delete, sender=Content, dispatch_uid="catalog-content-deleted")
@receiver(post_save, sender=RecordAuthority, dispatch_uid="catalog-link-saved")
@receiver(post_delete, sender=RecordAuthority, dispatch_uid="catalog-link-deleted")
def _part_of_record(sender, instance, **kwargs) -> None:
    announce([instance.record_id])


@receiver(post_save, sender=Footnote, dispatch_uid="catalog-footnote-saved")
@receiver(post_delete, sender=Footnote, dispatch_uid="catalog-footnote-deleted")
def _part_of_content(sender, instance, **kwargs) -> None:
    announce(Content.objects.filter(pk=instance.content_id).values_list("record_id", flat=True))


def _linked_records(authority_id: int) -> list[int]:
    return list(RecordAuthority.objects.filter(authority_id=authority_id).values_list("record_id", flat=True))


@receiver(post_save, sender=Authority, dispatch_uid="catalog-authority-saved")
@receiver(post_delete, sender=Authority, dispatch_uid="catalog-authority-deleted")
def _authority(sender, instance: Authority, **kwargs) -> None:
    names_changed.send(sender=Authority)
    if kwargs.get("signal") is post_save:  # a deleted one's links are deleted too, and say so themselves
        announce(_linked_records(instance.pk))


@receiver(post_save, sender=NameVariant, dispatch_uid="catalog-variant-saved")
@receiver(post_delete, sender=NameVariant, dispatch_uid="catalog-variant-deleted")
def _variant(sender, instance: NameVariant, **kwargs) -> None:
    names_changed.send(sender=NameVariant)
    announce(_linked_records(instance.authority_id))


@receiver(post_save, sender=Collection, dispatch_uid="catalog-collection-saved")
@receiver(post_delete, sender=Collection, dispatch_uid="catalog-collection-deleted")
def _collection(sender, instance: Collection, **kwargs) -> None:
    """Titles and paths are indexed with each record below the collection."""
    names_changed.send(sender=Collection)
    if kwargs.get("signal") is post_save:
        ids = Collection.subtree_pks(instance.pk)
        announce(Record.objects.filter(collection_id__in=ids).values_list("pk", flat=True))


@receiver(post_save, sender=Repository, dispatch_uid="catalog-repository-saved")
@receiver(pre_delete, sender=Repository, dispatch_uid="catalog-repository-deleting")
def _repository(sender, instance: Repository, **kwargs) -> None:
    """A repository's name is indexed with each record it holds, directly or through its collections'
    tree. Before a delete: the database then clears the links without a save, and they cannot be found."""
    collections: list[int] = []
    for pk in Collection.objects.filter(repository=instance).values_list("pk", flat=True):
        collections.extend(Collection.subtree_pks(pk))
    announce(Record.objects.filter(Q(repository=instance) | Q(collection_id__in=collections))
             .values_list("pk", flat=True))


@receiver(post_save, sender=Relation, dispatch_uid="catalog-relation-saved")
@receiver(post_delete, sender=Relation, dispatch_uid="catalog-relation-deleted")
def _relation(sender, instance: Relation, **kwargs) -> None:
    relations_changed.send(sender=Relation)
