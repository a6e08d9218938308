"""New records as plain inserts: the import's fast path for records the catalogue does not have yet.

Rows go in with one executemany per table instead of a model save per row, with the field checks
`store_record` makes (without their cost when every value is plainly fine), and the public counts are
given the new rows' keys in the same transaction instead of recounting them after it."""

from __future__ import annotations

import functools
import re

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
IN_CHUNK = 500  # values per IN (...): within every database's limit on query parameters


def insert_new(batch: list[ParsedRecord], checksums: list[str], source: str, lookups: Lookups) -> None:
    """Insert records none of which is stored yet (nor has scan pages), in the caller's transaction."""
    # Rows are dictionaries of column values, not model instances: building an instance per record and per
    # text cost more than inserting it. The values are the ones an instance would have had (insert_values).
    records = [_new_record(parsed, checksum, source, lookups) for parsed, checksum in zip(batch, checksums, strict=True)]
    insert_values(Record, records)
    ids = dict(select_in(Record, ("public_id", "id"), "public_id", [r["public_id"] for r in records]))
    for record in records:
        record["id"] = ids[record["public_id"]]
    contents: list[dict] = []
    notes: list = []
    links: list[tuple[int, int, str]] = []
    linked: dict[int, list[int]] = {}
    for record, parsed in zip(records, batch, strict=True):
        record_id = record["id"]
        for position, item in enumerate(parsed.contents):
            content = {"record_id": record_id, **content_fields(item, position)}
            check_values(Content, content)
            contents.append(content)
            notes.append(item)
        roles: set[tuple[int, str]] = set()
        for ref in parsed.authorities:
            authority = lookups.authority(ref)
            if (authority.pk, ref.role) not in roles:
                roles.add((authority.pk, ref.role))
                links.append((record_id, authority.pk, ref.role))
                linked.setdefault(record_id, []).append(authority.pk)
    insert_values(Content, contents)
    content_ids = {(record_id, position): pk for record_id, position, pk in select_in(
        Content, ("record_id", "position", "id"), "record_id", list(ids.values()))}
    # Footnotes and links are plain rows with no defaults to fill in.
    insert_rows(Footnote, list(FOOTNOTE_FIELDS), [
        row for content, item in zip(contents, notes, strict=True)
        for row in footnote_rows(content_ids[(content["record_id"], content["position"])], item)])
    insert_rows(RecordAuthority, ["record", "authority", "role"], links)
    # The rows are at hand: the counts take them now, in this transaction (no reading back after the commit).
    columns = [("id" if f == "pk" else f) for f in counts.RECORD_FIELDS]
    counts.count_new([(tuple(r[c] for c in columns), linked.get(r["id"], ())) for r in records])
    # Model saves announce themselves (catalog/signals.py); these inserts make none, so say it once.
    announce(ids.values(), counted=True)


def _new_record(parsed: ParsedRecord, checksum: str, source: str, lookups: Lookups) -> dict:
    record = {"public_id": parsed.public_id, **record_fields(parsed, checksum, source, lookups, new=True)}
    span = parse_edtf(record["date_edtf"])  # what Record.save() does; bulk inserts do not call save()
    record["date_edtf"], record["date_start"], record["date_end"] = span.edtf, span.start, span.end
    check_values(Record, record)
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


def check_values(model: type[Model], values: dict) -> None:
    """What clean_fields checks on a new row's values (by attribute name), without its cost when every value
    is plainly fine (the usual case): any doubt and the real clean_fields runs on an instance, raising the
    same ValidationError store_record would."""
    checks, unchecked = _checked_fields(model)
    for attname, max_length, blank, choices, is_url in checks:
        value = values.get(attname)
        if not value:
            if not blank or (choices is not None and value not in choices):
                break
            continue
        if (max_length and len(value) > max_length) or (choices is not None and value not in choices):
            break
        if is_url and not _valid_url(value):
            break
    else:
        return
    model(**values).clean_fields(exclude=unchecked)


# URLs of one volume differ in their last path segment only. A URL is valid when another one with the same
# address up to its last "/" was and its last segment is plain letters, digits and .~_- (URLValidator's
# pattern allows any non-space after the host, and the host, scheme and length checks see the same values).
_VALID_URL_PARENTS: set[str] = set()
_PLAIN_SEGMENT = re.compile(r"[\w.~-]*", re.ASCII)


def _valid_url(value: str) -> bool:
    parent, _, last = value.rpartition("/")
    if parent in _VALID_URL_PARENTS and len(value) <= _URL.max_length and _PLAIN_SEGMENT.fullmatch(last):
        return True
    try:
        _URL(value)
    except ValidationError:
        return False
    if _PLAIN_SEGMENT.fullmatch(last) and "://" in parent and len(_VALID_URL_PARENTS) < 1000:
        _VALID_URL_PARENTS.add(parent)
    return True


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


def insert_values(model: type[Model], rows: list[dict]) -> None:
    """Bulk inserts of new rows given as column values by attribute name, with the values a model instance
    would have had (a field's default when the row does not say; auto_now dates: one time for the batch,
    also set in the rows), without bulk_create's per-value SQL compilation, which dominated an import.
    The caller reads the new ids back."""
    if not rows:
        return
    fields, kinds, sql = _insert_plan(model)
    now = timezone.now()
    for f, kind in zip(fields, kinds, strict=True):
        if kind == 2:
            for row in rows:
                row[f.attname] = now
    stamped = {f.attname: f.get_db_prep_save(now, connection) for f, kind in zip(fields, kinds, strict=True) if kind == 2}
    plan = [(f.attname, kind, f) for f, kind in zip(fields, kinds, strict=True)]
    names = {attname for attname, _, _ in plan}
    values = []
    for row in rows:
        if not names <= row.keys():
            for attname, _, f in plan:
                if attname not in row:
                    row[attname] = f.get_default()
        values.append([row[attname] if kind == 0 else stamped[attname] if kind == 2
                       else f.get_db_prep_save(row[attname], connection) for attname, kind, f in plan])
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def insert_rows(model: type[Model], field_names: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in field_names)
    placeholders = ", ".join(["%s"] * len(field_names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)


def select_in(model: type[Model], columns: tuple[str, ...], key: str, values: list) -> list[tuple]:
    """Rows' columns where `key` is one of `values`, as plain SQL: the ORM spent longer preparing an
    IN (...) of a batch's 250 values than the database took to answer it."""
    quote = connection.ops.quote_name
    meta = model._meta
    select = (f"SELECT {', '.join(quote(meta.get_field(c).column) for c in columns)} FROM {quote(meta.db_table)} "
              f"WHERE {quote(meta.get_field(key).column)} IN ")
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start:start + IN_CHUNK]
            cursor.execute(select + f"({', '.join(['%s'] * len(chunk))})", chunk)
            rows.extend(cursor.fetchall())
    return rows
