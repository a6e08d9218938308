"""Stores ParsedRecords in the catalogue, idempotent by checksum.

`store_record` stores one record in its own transaction. `RecordWriter.write_batch` stores many at once
for importers of whole volumes: one query tells which records are unchanged, collections, repositories
and authorities are looked up once per import instead of once per record (ingest/lookups.py), and new
records go in as plain inserts (ingest/bulk.py). The caller wraps a batch in one transaction (see
ingest/runner.py); if it rolls back, `forget()` drops the cached rows with it."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from django.db import transaction

from readingroom.catalog import corrections
from readingroom.catalog.models import Content, Footnote, Record, RecordAuthority
from readingroom.catalog.page_text import refresh_text

from .bulk import insert_new, select_in
from .lookups import Lookups
from .pages import write_pages
from .records import ContentItem, ParsedRecord
from .rows import FOOTNOTE_FIELDS, TEXT_FIELDS, content_fields, footnote_rows, record_fields


class Outcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def store_record(parsed: ParsedRecord, source: str = "", lookups: Lookups | None = None,
                 checksum: str | None = None) -> tuple[Record, Outcome]:
    """Create or update one record from a parse. Unchanged input writes nothing."""
    checksum = checksum or parsed.checksum()
    existing = Record.objects.filter(public_id=parsed.public_id).first()
    if existing is not None and existing.import_checksum == checksum:
        return existing, Outcome.UNCHANGED
    lookups = lookups or Lookups()
    with transaction.atomic():
        record = existing or Record(public_id=parsed.public_id)
        for name, value in record_fields(parsed, checksum, source, lookups, new=existing is None).items():
            setattr(record, name, value)
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


def _replace_contents(record: Record, parsed: ParsedRecord, source: str, lookups: Lookups) -> None:
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
        for name, value in content_fields(item, position).items():
            if not (keep and name in TEXT_FIELDS):
                setattr(content, name, value)
        content.clean_fields(exclude=["record"])
        content.save()
        if item.pages:
            # The scan's text is what OCR read from its pages, not the (empty) text the parser had.
            write_pages(content, item.pages)
            refresh_text(content)
        content.footnotes.all().delete()
        Footnote.objects.bulk_create(Footnote(**dict(zip(FOOTNOTE_FIELDS, row, strict=True)))
                                     for row in footnote_rows(content.pk, item))
    for stale in existing[len(parsed.contents):]:
        if not stale.pages.exists():
            stale.delete()


class RecordWriter(Lookups):
    """Writes batches of records, remembering the rows it looked up or created during one import."""

    def write_batch(self, batch: list[ParsedRecord], source: str = "") -> list[Outcome]:
        """Store records in the caller's transaction; outcomes in the batch's order."""
        checksums = [parsed.checksum() for parsed in batch]
        stored = dict(select_in(Record, ("public_id", "import_checksum"), "public_id",
                                list({p.public_id: None for p in batch})))
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
            insert_new([batch[i] for i in fresh], [checksums[i] for i in fresh], source, self)
            for index in fresh:
                outcomes[index] = Outcome.IMPORTED
        for index, parsed in enumerate(batch):
            if outcomes[index] is None:  # changed records, scans and repeats: the careful path
                outcomes[index] = store_record(parsed, source, lookups=self, checksum=checksums[index])[1]
        return outcomes  # type: ignore[return-value]
