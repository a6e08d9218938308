"""Relations between records: a reply and what it answers, an enclosure and its covering letter, a draft
and the text sent, telegrams of one conversation, a document that mentions another.

One row states a relation once, from `source` to `target` ("source replies to target"); the target's page
reads it backwards ("replied to by"). `origin` says who stated it, so that a re-import replaces only the
relations its own importer made and never those staff entered.

Relations are not part of any record's search document, so saving one announces nothing to the index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import prepared_sql
from .models import Record, sees_restricted, visible_q


class Relation(models.Model):
    class Kind(models.TextChoices):
        REPLIES_TO = "replies_to", _("Replies to")
        ENCLOSES = "encloses", _("Encloses")
        DRAFT_OF = "draft_of", _("Draft of")
        SAME_CONVERSATION = "same_conversation", _("Same conversation")
        MENTIONS = "mentions", _("Mentions")

    class Origin(models.TextChoices):
        STAFF = "staff", _("Staff")
        FRUS = "frus", _("FRUS import")
        TEXT = "text", _("Text reference")

    source = models.ForeignKey(Record, related_name="relations_out", on_delete=models.CASCADE)
    target = models.ForeignKey(Record, related_name="relations_in", on_delete=models.CASCADE)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.MENTIONS)
    note = models.CharField(max_length=500, blank=True, help_text="e.g. the footnote or sentence that states it")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.STAFF)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_record_relation"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="no_self_relation"),
        ]

    def __str__(self) -> str:
        return f"{self.source.public_id} {self.get_kind_display().lower()} {self.target.public_id}"

    def clean(self) -> None:
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("A record cannot be related to itself.")})
        if self.kind == self.Kind.SAME_CONVERSATION and self.source_id and self.target_id:
            # Symmetric: B-A states what A-B already does.
            mirror = Relation.objects.filter(source_id=self.target_id, target_id=self.source_id, kind=self.kind)
            if mirror.exclude(pk=self.pk).exists():
                raise ValidationError({"target": _("These records are already in the same conversation.")})


# How each kind reads from the target's side; a symmetric kind reads the same both ways.
INVERSE = {
    Relation.Kind.REPLIES_TO: _("Replied to by"),
    Relation.Kind.ENCLOSES: _("Enclosed in"),
    Relation.Kind.DRAFT_OF: _("Has draft"),
    Relation.Kind.SAME_CONVERSATION: _("Same conversation"),
    Relation.Kind.MENTIONS: _("Mentioned in"),
}
# The order of the groups on a page: the closest ties first.
ORDER = [
    (Relation.Kind.REPLIES_TO, False), (Relation.Kind.REPLIES_TO, True),
    (Relation.Kind.SAME_CONVERSATION, False),
    (Relation.Kind.ENCLOSES, False), (Relation.Kind.ENCLOSES, True),
    (Relation.Kind.DRAFT_OF, False), (Relation.Kind.DRAFT_OF, True),
    (Relation.Kind.MENTIONS, False), (Relation.Kind.MENTIONS, True),
]


@dataclass
class RelatedGroup:
    """Records related to one record in one way, named as the reader of that record reads it."""

    key: str  # e.g. "replies_to" or "replied_to_by": stable, for the JSON twin
    label: str
    records: list[Record]


def _inverse_key(kind: str) -> str:
    return {"replies_to": "replied_to_by", "encloses": "enclosed_in", "draft_of": "has_draft",
            "same_conversation": "same_conversation", "mentions": "mentioned_in"}[kind]


def related_groups(record: Record, user) -> list[RelatedGroup]:
    """The record's relations in both directions, grouped by how they read from this record; only records
    this user may see are listed. One query, on this record's relations alone (plain rows, not model
    instances: most records have none), its SQL built once per side and day (building it cost more than
    running it)."""
    fields = ("pk", "public_id", "title", "date_edtf", "date_start")
    today = timezone.localdate()

    def build(pk: int):
        return (Relation.objects.filter((Q(source_id=pk) & visible_q(user, "target__", today))
                                        | (Q(target_id=pk) & visible_q(user, "source__", today)))
                .order_by().values_list("kind", "note", "source_id", *(f"target__{f}" for f in fields),
                                        *(f"source__{f}" for f in fields)))

    rows = prepared_sql.rows("related-groups", (sees_restricted(user), today), build, pk=record.pk)
    buckets: dict[tuple[str, bool], list[Record]] = {}
    width = len(fields)
    for kind, note, source_id, *values in rows:
        outgoing = source_id == record.pk
        other = Record(**dict(zip(("id", *fields[1:]), values[:width] if outgoing else values[width:], strict=True)))
        other.relation_note = note
        symmetric = kind == Relation.Kind.SAME_CONVERSATION
        buckets.setdefault((kind, not outgoing and not symmetric), []).append(other)
    groups = []
    for kind, inverse in ORDER:
        found = buckets.get((kind, inverse))
        if not found:
            continue
        unique = list({r.pk: r for r in found}.values())
        unique.sort(key=lambda r: (r.date_start is None, r.date_start or dt.date.min, r.public_id))
        label = INVERSE[kind] if inverse else Relation.Kind(kind).label
        groups.append(RelatedGroup(_inverse_key(kind) if inverse else kind, str(label), unique))
    return groups
