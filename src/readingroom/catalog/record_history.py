"""A record's first version. Records imported in bulk have no history rows (that keeps imports fast), so
before such a record's first change through the ORM, its stored state is kept as version one: the audit
list can then say what the change changed, not only what the record became."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Record


@receiver(pre_save, sender=Record, dispatch_uid="catalog-record-history-baseline")
def _baseline(sender, instance: Record, raw: bool = False, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None or Record.history.filter(id=instance.pk).exists():
        return
    stored = Record.objects.filter(pk=instance.pk).first()
    if stored is None:
        return
    model = Record.history.model
    model.objects.create(
        history_date=stored.updated or timezone.now(), history_type="+", history_user=None,
        history_change_reason=(f"import of {stored.import_source}" if stored.import_source
                               else "The record as it was before its history was kept"),
        **{f.attname: getattr(stored, f.attname) for f in model.tracked_fields},
    )
