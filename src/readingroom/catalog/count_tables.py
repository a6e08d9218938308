"""The tables behind the counts the public sees (catalog/counts.py keeps them): a page reads a few kept
rows instead of counting over the whole catalogue per request."""

from __future__ import annotations

from django.db import models


class PublicCount(models.Model):
    """Public records per key of one dimension: "c" collection pk (records filed directly in it), "b" a
    collection's box and folder, "m" the month a record starts ("YYYY-MM", "" undated), "l" a language,
    "p" a place and the decade a record starts ("345:1940", the map's slider).
    Totals are sums over a dimension's rows (a few hundred), never one row every writer updates."""

    dimension = models.CharField(max_length=1)
    key = models.CharField(max_length=500)
    records = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dimension", "key"], name="unique_public_count_key")]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} = {self.records}"


class AuthorityCount(models.Model):
    """Public records linked to an authority (each record once, whatever its roles). No database
    constraint: the row outlives a deleted authority until the deleted links bring it to zero."""

    authority = models.OneToOneField("catalog.Authority", primary_key=True, related_name="public_count",
                                     db_constraint=False, on_delete=models.DO_NOTHING)
    records = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authority {self.authority_id} = {self.records}"


class CountedRecord(models.Model):
    """A public record as last counted: the keys it adds one to, so that a change (restricted, deleted,
    re-dated, relinked) takes exactly those away again without recounting any key. Also the public
    records' dates and stamps, indexed, for the date span, the recent list and the sitemap's stamp."""

    record_id = models.BigIntegerField(primary_key=True)  # no foreign key: a deleted record's row is read after
    keys = models.JSONField(default=list)  # "c:12", "b:12\x1f171\x1f3", "m:1944-03", "l:en", "a:345", "p:345:1940"
    date_start = models.DateField(null=True, db_index=True)
    date_end = models.DateField(null=True, db_index=True)
    created = models.DateTimeField(db_index=True)
    updated = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"record {self.record_id}"


class CountsState(models.Model):
    """One row per fact about the counts as a whole; today only "public_as_of": the day (YYYYMMDD) up to
    which ended embargoes were counted. Written once a day, never by ordinary writes."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField()
