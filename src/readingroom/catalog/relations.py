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
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import addresses, prepared_sql
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
        ordering = ["source_id", "kind", "target_id"]  # the columns: see Content in models.py
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


# A document page lists at most this many records of each group; the group's own page has the rest.
RELATED_LIMIT = 50
# Undated records sort last, after every date, on SQLite and PostgreSQL alike (the two disagree on NULLs).
UNDATED_LAST = dt.date(9999, 12, 31)


@dataclass
class RelatedGroup:
    """Records related to one record in one way, named as the reader of that record reads it: the first of
    them (`records`) and how many there are in all (`total`)."""

    key: str  # e.g. "replies_to" or "replied_to_by": stable, for the JSON twin and the group's own page
    label: str
    records: list[Record]
    total: int = 0
    of: str = ""  # the public id of the record they are related to

    @property
    def more_url(self) -> str | None:
        """The group's own page, when the record's page does not list all of it."""
        return addresses.related(self.of, self.key) if self.total > len(self.records) else None

    @property
    def more_json_url(self) -> str | None:
        return addresses.related(self.of, self.key, json=True) if self.total > len(self.records) else None


def _inverse_key(kind: str) -> str:
    return {"replies_to": "replied_to_by", "encloses": "enclosed_in", "draft_of": "has_draft",
            "same_conversation": "same_conversation", "mentions": "mentioned_in"}[kind]


# Each group's key: (the kind, read backwards from the target's side).
GROUP_KEYS = {(_inverse_key(kind) if inverse else kind): (kind, inverse) for kind, inverse in ORDER}


def group_label(key: str) -> str:
    kind, inverse = GROUP_KEYS[key]
    return str(INVERSE[kind] if inverse else Relation.Kind(kind).label)


def related_groups(record: Record, user, limit: int = RELATED_LIMIT) -> list[RelatedGroup]:
    """The record's relations in both directions, grouped by how they read from this record; only records
    this user may see are listed, the first `limit` of each group by date (undated last), then id, with the
    group's total. One query, on this record's relations alone, its SQL built once per side and day
    (building it cost more than running it); its rows stay plain tuples until sorted and cut to `limit`,
    since building a model instance for each of a hub's hundreds of relations was the page's cost."""
    fields = ("pk", "public_id", "title", "date_edtf", "date_start")
    today = timezone.localdate()

    def build(pk: int):
        return (Relation.objects.filter((Q(source_id=pk) & visible_q(user, "target__", today))
                                        | (Q(target_id=pk) & visible_q(user, "source__", today)))
                .order_by().values_list("kind", "note", "source_id", *(f"target__{f}" for f in fields),
                                        *(f"source__{f}" for f in fields)))

    rows = prepared_sql.rows("related-groups", (sees_restricted(user), today), build, pk=record.pk)
    # (kind, inverse) -> {other's pk: (other's values, note)}: a symmetric relation stated both ways once
    buckets: dict[tuple[str, bool], dict[int, tuple[tuple, str]]] = {}
    width = len(fields)
    for kind, note, source_id, *values in rows:
        outgoing = source_id == record.pk
        other = tuple(values[:width] if outgoing else values[width:])
        symmetric = kind == Relation.Kind.SAME_CONVERSATION
        buckets.setdefault((kind, not outgoing and not symmetric), {})[other[0]] = (other, note)
    groups = []
    for kind, inverse in ORDER:
        found = buckets.get((kind, inverse))
        if not found:
            continue
        ordered = sorted(found.values(), key=lambda item: (item[0][4] or UNDATED_LAST, item[0][1]))
        shown = []
        for values, note in ordered[:limit]:
            other = Record(**dict(zip(("id", *fields[1:]), values, strict=True)))
            other.relation_note = note
            shown.append(other)
        key = _inverse_key(kind) if inverse else kind
        groups.append(RelatedGroup(key, group_label(key), shown, len(ordered), record.public_id))
    return groups


def group_records(record: Record, key: str, user) -> models.QuerySet[Record]:
    """Every record of one of the record's groups (`key` as RelatedGroup.key; KeyError for no such group)
    that this user may see, annotated with `sort_date` (the date, undated last) for paging by key. A join
    from the relations (their source and target indexes) to the records: a page costs the record's relations
    of that kind. As `pk IN (subquery)`, SQLite walked the whole catalogue checking each record against the
    list (55 ms a page at 100,000 records)."""
    kind, inverse = GROUP_KEYS[key]
    if kind == Relation.Kind.SAME_CONVERSATION:  # either side, read first (few): the list is a pk lookup
        of_kind = Relation.objects.filter(kind=kind)
        pks = {*of_kind.filter(source_id=record.pk).values_list("target_id", flat=True),
               *of_kind.filter(target_id=record.pk).values_list("source_id", flat=True)}
        related = Record.objects.filter(pk__in=sorted(pks))
    elif inverse:  # the records whose relation points here
        related = Record.objects.filter(relations_out__target_id=record.pk, relations_out__kind=kind)
    else:
        related = Record.objects.filter(relations_in__source_id=record.pk, relations_in__kind=kind)
    # One relation per (source, target, kind) (unique_record_relation): the join repeats no record.
    return related.filter(visible_q(user)).annotate(sort_date=Coalesce("date_start", Value(UNDATED_LAST)))


def relation_notes(record: Record, key: str, others: list[int]) -> dict[int, str]:
    """The note of each relation of a group between the record and `others` (one query)."""
    kind, inverse = GROUP_KEYS[key]
    outgoing = Q(source_id=record.pk, target_id__in=others)
    incoming = Q(target_id=record.pk, source_id__in=others)
    if kind == Relation.Kind.SAME_CONVERSATION:
        wanted = outgoing | incoming
    else:
        wanted = incoming if inverse else outgoing
    rows = Relation.objects.filter(wanted, kind=kind).order_by().values_list("source_id", "target_id", "note")
    return {(target if source == record.pk else source): note for source, target, note in rows}
