"""New records as plain inserts: the import's fast path for records the catalogue does not have yet.

Rows go in with one executemany per table instead of a model save per row, with the field checks
`store_record` makes (without their cost when every value is plainly fine), and the public counts are
given the new rows' keys in the same transaction instead of recounting them after it."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection
from django.db.models import DateField, Field, JSONField, Model, URLField
from django.utils import timezone

from readingroom.catalog import counts
from readingroom.catalog.dates import parse_edtf
from readingroom.catalog.models import Content, Footnote, Record, RecordAuthority
from readingroom.catalog.signals import announce

from .lookups import Lookups
from .records import ParsedRecord
from .rows import FOOTNOTE_FIELDS, content_fields, footnote_rows, record_fields

_URL = URLValidator()


def insert_new(batch: list[ParsedRecord], checksums: list[str], source: str, lookups: Lookups) -> None:
    """Insert records none of which is stored yet (nor has scan pages), in the caller's transaction."""
    records = [_new_record(parsed, checksum, source, lookups) for parsed, checksum in zip(batch, checksums, strict=True)]
    insert_models(records)
    ids = dict(Record.objects.filter(public_id__in=[r.public_id for r in records]).values_list("public_id", "pk"))
    for record in records:
        record.pk = ids[record.public_id]
    contents: list[Content] = []
    notes: list = []
    links: list[tuple[int, int, str]] = []
    linked: dict[int, list[int]] = {}
    for record, parsed in zip(records, batch, strict=True):
        for position, item in enumerate(parsed.contents):
            content = Content(record_id=record.pk, **content_fields(item, position))
            check_fields(content)
            contents.append(content)
            notes.append(item)
        roles: set[tuple[int, str]] = set()
        for ref in parsed.authorities:
            authority = lookups.authority(ref)
            if (authority.pk, ref.role) not in roles:
                roles.add((authority.pk, ref.role))
                links.append((record.pk, authority.pk, ref.role))
                linked.setdefault(record.pk, []).append(authority.pk)
    insert_models(contents)
    content_ids = {(record_id, position): pk for record_id, position, pk in Content.objects.filter(
        record_id__in=list(ids.values())).values_list("record_id", "position", "pk")}
    for content in contents:
        content.pk = content_ids[(content.record_id, content.position)]
    # Footnotes and links are plain rows with no defaults to fill in: inserted without building model
    # instances, which costs more than the insert itself at thousands of rows a second.
    insert_rows(Footnote, list(FOOTNOTE_FIELDS), [
        row for content, item in zip(contents, notes, strict=True) for row in footnote_rows(content.pk, item)])
    insert_rows(RecordAuthority, ["record", "authority", "role"], links)
    # The rows are at hand: the counts take them now, in this transaction (no reading back after the commit).
    counts.count_new([(tuple(getattr(r, f) for f in counts.RECORD_FIELDS), linked.get(r.pk, ())) for r in records])
    # Model saves announce themselves (catalog/signals.py); these inserts make none, so say it once.
    announce(ids.values(), counted=True)


def _new_record(parsed: ParsedRecord, checksum: str, source: str, lookups: Lookups) -> Record:
    record = Record(public_id=parsed.public_id, **record_fields(parsed, checksum, source, lookups, new=True))
    span = parse_edtf(record.date_edtf)  # what Record.save() does; bulk inserts do not call save()
    record.date_edtf, record.date_start, record.date_end = span.edtf, span.start, span.end
    check_fields(record)
    return record


@functools.cache
def _checked_fields(model: type[Model]) -> tuple[list[tuple], frozenset[str]]:
    """The fields store_record's clean_fields can refuse (lengths, required values, choices, URLs), as
    (attname, max length, may be blank, allowed choices, is a URL), and the names it need not check."""
    fields = [f for f in model._meta.concrete_fields
              if (f.max_length is not None or f.choices) and f.name not in ("public_id", "record")]
    checks = [(f.attname, f.max_length, f.blank, frozenset(v for v, _ in f.flatchoices) if f.choices else None,
               isinstance(f, URLField)) for f in fields]
    unchecked = frozenset(f.name for f in model._meta.concrete_fields if f not in fields)
    return checks, unchecked


def check_fields(instance: Model) -> None:
    """What clean_fields checks, without its cost when every value is plainly fine (the usual case): any
    doubt and the real clean_fields runs, raising the same ValidationError store_record would."""
    checks, unchecked = _checked_fields(type(instance))
    for attname, max_length, blank, choices, is_url in checks:
        value = getattr(instance, attname)
        if not value:
            if not blank or (choices is not None and value not in choices):
                instance.clean_fields(exclude=unchecked)
                return
            continue
        if (max_length and len(value) > max_length) or (choices is not None and value not in choices):
            instance.clean_fields(exclude=unchecked)
            return
        if is_url:
            try:
                _URL(value)
            except ValidationError:
                instance.clean_fields(exclude=unchecked)
                return


@functools.cache
def _insert_plan(model: type[Model]) -> tuple[list[Field], list[int], str]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # 0: as it is (strings, numbers, ids); 1: the database's own form (dates, JSON); 2: now (auto_now).
    kinds = [2 if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
             else 1 if isinstance(f, DateField | JSONField) else 0 for f in fields]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    return fields, kinds, sql


def insert_models(instances: list[Model]) -> None:
    """Bulk inserts of whole model instances, as bulk_create does them (defaults, auto_now dates: one
    time for the batch), without its per-value SQL compilation, which dominated an import. The caller
    reads the new ids back."""
    if not instances:
        return
    fields, kinds, sql = _insert_plan(type(instances[0]))
    now = timezone.now()
    for f, kind in zip(fields, kinds, strict=True):
        if kind == 2:
            for obj in instances:
                setattr(obj, f.attname, now)
    stamped = {f.attname: f.get_db_prep_save(now, connection) for f, kind in zip(fields, kinds, strict=True) if kind == 2}
    rows = [
        [getattr(obj, f.attname) if kind == 0 else stamped[f.attname] if kind == 2
         else f.get_db_prep_save(getattr(obj, f.attname), connection)
         for f, kind in zip(fields, kinds, strict=True)]
        for obj in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    for obj in instances:
        obj._state.adding, obj._state.db = False, connection.alias


def insert_rows(model: type[Model], field_names: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in field_names)
    placeholders = ", ".join(["%s"] * len(field_names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)
