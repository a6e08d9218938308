"""Search listens to the catalogue's change signals: changed records join the index queue, and caches
of display names are forgotten. Nothing here touches the index itself."""

from __future__ import annotations

from django.dispatch import receiver

from readingroom.catalog.signals import names_changed, records_changed

from . import facets, variants
from .queue import enqueue


@receiver(records_changed, dispatch_uid="search-records-changed")
def records_changed_(sender, pks: list[int], **kwargs) -> None:
    enqueue(pks)


@receiver(names_changed, dispatch_uid="search-names-changed")
def names_changed_(sender, **kwargs) -> None:
    variants.forget()
    facets.labels.forget()
