"""Stores ParsedRecords in the catalogue, idempotent by checksum.

`store_record` stores one record in its own transaction. `RecordStore.store_batch` stores many at once
for importers of whole volumes: one query tells which records are unchanged, collections, repositories
and authorities are looked up once per import instead of once per record, and new records go in with
bulk inserts. The caller wraps a batch in one transaction (see ingest/runner.py); if it rolls back,
`forget()` drops the cached rows with it."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import DateField, Field, JSONField, Model, URLField
from django.utils import timezone

from readingroom.catalog import corrections
from readingroom.catalog.dates import parse_edtf
from readingroom.catalog.models import (
    Authority,
    Collection,
    Content,
    Footnote,
    NameVariant,
    Record,
    RecordAuthority,
    Repository,
)
from readingroom.catalog.page_text import refresh_text
from readingroom.catalog.signals import announce

from .records import AuthorityRef, CollectionRef, ContentItem, ParsedRecord, RepositoryRef, slugify_name


class StoreError(Exception):
    """A record that cannot be stored (e.g. a page file changed mid-import): reported, the rest goes on."""


class Outcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _repository(ref: RepositoryRef | None) -> Repository | None:
    if ref is None or not ref.name:
        return None
    repo, created = Repository.objects.get_or_create(name=ref.name, defaults={"place": ref.place})
    if not created and ref.place and repo.place != ref.place:
        repo.place = ref.place
        repo.save(update_fields=["place"])
    return repo


def store_collection(ref: CollectionRef | None) -> Collection | None:
    """Creates or updates the collection and its ancestors."""
    if ref is None:
        return None
    return _upsert_collection(ref, store_collection(ref.parent), _repository(ref.repository))


def _upsert_collection(ref: CollectionRef, parent: Collection | None, repository: Repository | None) -> Collection:
    """Create the collection, or update the fields that changed since it was stored."""
    values = {
        "title": ref.title,
        "level": ref.level,
        "parent": parent,
        "position": ref.position,
        "editors": ref.editors,
        "publication_year": ref.publication_year,
        "description": ref.description,
    }
    if repository is not None:
        values["repository"] = repository
    collection, created = Collection.objects.get_or_create(identifier=ref.identifier, defaults=values)
    if not created:
        changed = [k for k, v in values.items() if getattr(collection, k) != v]
        if changed:
            for k in changed:
                setattr(collection, k, values[k])
            collection.save(update_fields=changed)
    return collection


def authority_identifier(ref: AuthorityRef) -> str:
    return ref.identifier or f"{ref.kind}-{slugify_name(ref.name)}"


def store_authority(ref: AuthorityRef) -> Authority:
    authority, _ = Authority.objects.get_or_create(
        identifier=authority_identifier(ref),
        defaults={"kind": ref.kind, "preferred_name": ref.name, "dates": ref.dates, "description": ref.description},
    )
    # Staff merged this one into another (catalog/merging.py): link to that one, never split them again.
    authority = authority.current()
    known = {v.lower() for v in authority.variants.values_list("name", flat=True)} | {authority.preferred_name.lower()}
    for variant in ref.variants:
        if variant.lower() not in known:
            NameVariant.objects.create(authority=authority, name=variant)
            known.add(variant.lower())
    return authority


def store_record(parsed: ParsedRecord, source: str = "", lookups: RecordStore | None = None,
                 checksum: str | None = None) -> tuple[Record, Outcome]:
    """Create or update one record from a parse. Unchanged input writes nothing."""
    checksum = checksum or parsed.checksum()
    existing = Record.objects.filter(public_id=parsed.public_id).first()
    if existing is not None and existing.import_checksum == checksum:
        return existing, Outcome.UNCHANGED
    lookups = lookups or RecordStore()
    with transaction.atomic():
        record = existing or Record(public_id=parsed.public_id)
        record.title = parsed.title
        record.date_edtf = parsed.date_edtf
        record.summary = parsed.summary
        record.document_type = parsed.document_type
        record.classification = parsed.classification
        record.languages = list(parsed.languages)
        record.rights = parsed.rights
        if parsed.access_level or existing is None:
            record.access_level = parsed.access_level or "public"
            record.embargo_until = dt.date.fromisoformat(parsed.embargo_until) if parsed.embargo_until else None
        record.repository = lookups.repository(parsed.repository)
        record.collection = lookups.collection(parsed.collection)
        record.container = parsed.container
        record.folder = parsed.folder
        record.source_reference = parsed.source_reference
        record.source_url = parsed.source_url
        record.place_of_writing = parsed.place_of_writing
        record.signed_by = parsed.signed_by
        record.position = parsed.position
        record.import_source = source[:1000]
        record.import_checksum = checksum
        # Field limits are checked here rather than left to the database: SQLite would store an
        # over-long value that PostgreSQL refuses, and both must behave alike.
        record.clean_fields(exclude=["public_id", "repository", "collection"])
        record._change_reason = f"import of {source}"[:1000]  # the version's author is the import
        record.save()

        # Contents are replaced wholesale, except scan pages already stored (originals) and texts staff
        # corrected and published (see catalog/corrections.py:on_import).
        if existing is not None and parsed.unread_texts:
            parsed = _with_stored_texts(record, parsed)
        _replace_contents(record, parsed, source, lookups)
        record.authority_links.all().delete()
        for ref in parsed.authorities:
            authority = lookups.authority(ref)
            RecordAuthority.objects.get_or_create(record=record, authority=authority, role=ref.role)
    return record, (Outcome.UPDATED if existing is not None else Outcome.IMPORTED)


def _with_stored_texts(record: Record, parsed: ParsedRecord) -> ParsedRecord:
    """The parse with the stored text in place of each text whose file could not be read this time: a
    translation file gone missing must not delete the translation imported before."""
    stored = list(record.contents.exclude(text="").order_by("position"))
    sources = dict(record.corrections.filter(page__isnull=True).values_list("content_id", "source_text"))
    contents = list(parsed.contents)
    for position, kind, language in sorted(parsed.unread_texts):
        match = next((c for c in stored if c.kind == kind and c.language == language), None)
        if match is None:
            continue
        stored.remove(match)
        # A corrected text is given as the source's text it corrects, so the correction stays as it is.
        contents.insert(min(position, len(contents)), ContentItem(
            kind=kind, language=language, label=match.label, text=sources.get(match.pk, match.text),
            markup=match.markup, page_breaks=match.page_breaks))
    return replace(parsed, contents=contents)


def _replace_contents(record: Record, parsed: ParsedRecord, source: str, lookups: RecordStore) -> None:
    existing = list(record.contents.all())
    corrected = set(record.corrections.filter(page__isnull=True).values_list("content_id", flat=True)
                    ) if existing else set()
    for position, item in enumerate(parsed.contents):
        content = existing[position] if position < len(existing) else Content(record=record)
        keep = False
        if content.pk in corrected:
            keep, warning = corrections.on_import(content, item.text, source)
            if warning:
                lookups.warnings.append(warning)
        content.position = position
        content.kind = item.kind
        content.language = item.language
        content.label = item.label
        if not keep:
            content.text = item.text
            content.markup = item.markup
            content.page_breaks = item.page_breaks
        content.clean_fields(exclude=["record"])
        content.save()
        if item.pages:
            _store_scan_pages(content, item)
        content.footnotes.all().delete()
        Footnote.objects.bulk_create(
            Footnote(content=content, number=f.number, anchor_id=f.anchor_id, text=f.text, markup=f.markup, position=i)
            for i, f in enumerate(item.footnotes)
        )
    for stale in existing[len(parsed.contents):]:
        if not stale.pages.exists():
            stale.delete()


_URL = URLValidator()


def _pk(instance: Model | None) -> int | None:
    # Ids, not instances: Django's related-object descriptors cost more than the rest of a new row.
    return instance.pk if instance is not None else None


class RecordStore:
    """Stores batches of records, remembering the rows it looked up or created during one import."""

    def __init__(self) -> None:
        self._repositories: dict[tuple[str, str], Repository] = {}
        self._collections: dict[str, tuple[tuple, Collection]] = {}
        self._authorities: dict[str, tuple[Authority, frozenset[str]]] = {}
        # For the import summary: e.g. a re-import that changed a text staff corrected (kept).
        self.warnings: list[str] = []

    def forget(self) -> None:
        """The transaction holding rows created here rolled back: they no longer exist."""
        self._repositories.clear()
        self._collections.clear()
        self._authorities.clear()
        self.warnings.clear()

    def take_warnings(self) -> list[str]:
        taken, self.warnings = self.warnings, []
        return taken

    # -- cached lookups (the same results store_record's helpers give, without repeating queries)
    def repository(self, ref: RepositoryRef | None) -> Repository | None:
        if ref is None or not ref.name:
            return None
        key = (ref.name, ref.place)
        if key not in self._repositories:
            self._repositories[key] = _repository(ref)
        return self._repositories[key]

    def collection(self, ref: CollectionRef | None) -> Collection | None:
        if ref is None:
            return None
        parent = self.collection(ref.parent)
        key = (ref.title, ref.level, parent.pk if parent else None, ref.position, ref.editors, ref.publication_year,
               ref.description, ref.repository.name if ref.repository else None,
               ref.repository.place if ref.repository else None)
        cached = self._collections.get(ref.identifier)
        if cached is not None and cached[0] == key:
            return cached[1]
        collection = _upsert_collection(ref, parent, self.repository(ref.repository))
        self._collections[ref.identifier] = (key, collection)
        return collection

    def authority(self, ref: AuthorityRef) -> Authority:
        identifier = authority_identifier(ref)
        cached = self._authorities.get(identifier)
        if cached is not None and all(v.lower() in cached[1] for v in ref.variants):
            return cached[0]
        authority = store_authority(ref)
        known = {v.lower() for v in authority.variants.values_list("name", flat=True)} | {authority.preferred_name.lower()}
        self._authorities[identifier] = (authority, frozenset(known))
        return authority

    # -- batches
    def store_batch(self, batch: list[ParsedRecord], source: str = "") -> list[Outcome]:
        """Store records in the caller's transaction; outcomes in the batch's order."""
        checksums = [parsed.checksum() for parsed in batch]
        stored = dict(
            Record.objects.filter(public_id__in={p.public_id for p in batch}).values_list("public_id", "import_checksum")
        )
        outcomes: list[Outcome | None] = [None] * len(batch)
        fresh: list[int] = []
        seen: set[str] = set()
        for index, parsed in enumerate(batch):
            if parsed.public_id in seen:
                continue  # the same id twice in a batch: the later one goes through store_record below
            seen.add(parsed.public_id)
            if parsed.public_id in stored:
                if stored[parsed.public_id] == checksums[index]:
                    outcomes[index] = Outcome.UNCHANGED
            elif not any(getattr(item, "pages", None) for item in parsed.contents):
                fresh.append(index)
        if fresh:
            self._insert([batch[i] for i in fresh], [checksums[i] for i in fresh], source)
            for index in fresh:
                outcomes[index] = Outcome.IMPORTED
        for index, parsed in enumerate(batch):
            if outcomes[index] is None:  # changed records, scans and repeats: the careful path
                outcomes[index] = store_record(parsed, source, lookups=self, checksum=checksums[index])[1]
        return outcomes  # type: ignore[return-value]

    def _insert(self, batch: list[ParsedRecord], checksums: list[str], source: str) -> None:
        records = [self._new_record(parsed, checksum, source) for parsed, checksum in zip(batch, checksums, strict=True)]
        _insert_models(records)
        ids = dict(Record.objects.filter(public_id__in=[r.public_id for r in records]).values_list("public_id", "pk"))
        for record in records:
            record.pk = ids[record.public_id]
        contents: list[Content] = []
        notes: list[list] = []
        links: list[tuple[int, int, str]] = []
        for record, parsed in zip(records, batch, strict=True):
            for position, item in enumerate(parsed.contents):
                content = Content(record_id=record.pk, position=position, kind=item.kind, language=item.language,
                                  label=item.label, text=item.text, markup=item.markup, page_breaks=item.page_breaks)
                _check_fields(content)
                contents.append(content)
                notes.append(item.footnotes)
            roles: set[tuple[int, str]] = set()
            for ref in parsed.authorities:
                authority = self.authority(ref)
                if (authority.pk, ref.role) not in roles:
                    roles.add((authority.pk, ref.role))
                    links.append((record.pk, authority.pk, ref.role))
        _insert_models(contents)
        content_ids = {(record_id, position): pk for record_id, position, pk in Content.objects.filter(
            record_id__in=list(ids.values())).values_list("record_id", "position", "pk")}
        for content in contents:
            content.pk = content_ids[(content.record_id, content.position)]
        # Footnotes and links are plain rows with no defaults to fill in: inserted without building model
        # instances, which costs more than the insert itself at thousands of rows a second.
        _insert_rows(Footnote, ["content", "number", "anchor_id", "text", "markup", "position"], [
            (content.pk, f.number, f.anchor_id, f.text, f.markup, i)
            for content, footnotes in zip(contents, notes, strict=True)
            for i, f in enumerate(footnotes)
        ])
        _insert_rows(RecordAuthority, ["record", "authority", "role"], links)
        # Model saves announce themselves (catalog/signals.py); these inserts make none, so say it once.
        announce(ids.values())

    def _new_record(self, parsed: ParsedRecord, checksum: str, source: str) -> Record:
        span = parse_edtf(parsed.date_edtf)  # what Record.save() does; bulk inserts do not call save()
        record = Record(
            public_id=parsed.public_id, title=parsed.title, date_edtf=span.edtf, date_start=span.start,
            date_end=span.end, summary=parsed.summary, document_type=parsed.document_type,
            classification=parsed.classification, languages=list(parsed.languages), rights=parsed.rights,
            access_level=parsed.access_level or "public",
            embargo_until=dt.date.fromisoformat(parsed.embargo_until) if parsed.embargo_until else None,
            repository_id=_pk(self.repository(parsed.repository)), collection_id=_pk(self.collection(parsed.collection)),
            container=parsed.container, folder=parsed.folder, source_reference=parsed.source_reference,
            source_url=parsed.source_url, place_of_writing=parsed.place_of_writing, signed_by=parsed.signed_by,
            position=parsed.position, import_source=source[:1000], import_checksum=checksum,
        )
        _check_fields(record)
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


def _check_fields(instance: Model) -> None:
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


def _insert_models(instances: list[Model]) -> None:
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


def _insert_rows(model: type[Model], field_names: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in field_names)
    placeholders = ", ".join(["%s"] * len(field_names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)


def _store_scan_pages(content: Content, item) -> None:
    # The scan's text is what OCR read from its pages, not the (empty) text the parser had.
    from .pages import store_pages

    store_pages(content, item.pages)
    refresh_text(content)
