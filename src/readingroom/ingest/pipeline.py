"""Stores ParsedRecords in the catalogue: one transaction per record, idempotent by checksum."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import transaction

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

from .records import AuthorityRef, CollectionRef, ParsedRecord, RepositoryRef, slugify_name


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
    parent = store_collection(ref.parent)
    values = {
        "title": ref.title,
        "level": ref.level,
        "parent": parent,
        "position": ref.position,
        "editors": ref.editors,
        "publication_year": ref.publication_year,
        "description": ref.description,
    }
    repository = _repository(ref.repository)
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
    known = {v.lower() for v in authority.variants.values_list("name", flat=True)} | {authority.preferred_name.lower()}
    for variant in ref.variants:
        if variant.lower() not in known:
            NameVariant.objects.create(authority=authority, name=variant)
            known.add(variant.lower())
    return authority


def store_record(parsed: ParsedRecord, source: str = "") -> tuple[Record, Outcome]:
    """Create or update one record from a parse. Unchanged input writes nothing."""
    checksum = parsed.checksum()
    existing = Record.objects.filter(public_id=parsed.public_id).first()
    if existing is not None and existing.import_checksum == checksum:
        return existing, Outcome.UNCHANGED
    with transaction.atomic():
        record = existing or Record(public_id=parsed.public_id)
        record.title = parsed.title
        record.date_edtf = parsed.date_edtf
        record.summary = parsed.summary
        record.document_type = parsed.document_type
        record.classification = parsed.classification
        record.languages = list(parsed.languages)
        record.rights = parsed.rights
        record.access_level = parsed.access_level or "public"
        record.embargo_until = dt.date.fromisoformat(parsed.embargo_until) if parsed.embargo_until else None
        record.repository = _repository(parsed.repository)
        record.collection = store_collection(parsed.collection)
        record.container = parsed.container
        record.folder = parsed.folder
        record.source_reference = parsed.source_reference
        record.source_url = parsed.source_url
        record.place_of_writing = parsed.place_of_writing
        record.signed_by = parsed.signed_by
        record.position = parsed.position
        record.import_source = source
        record.import_checksum = checksum
        record.save()

        # Contents are replaced wholesale, except scan pages already stored: those are originals.
        _replace_contents(record, parsed)
        record.authority_links.all().delete()
        for ref in parsed.authorities:
            authority = store_authority(ref)
            RecordAuthority.objects.get_or_create(record=record, authority=authority, role=ref.role)
    return record, (Outcome.UPDATED if existing is not None else Outcome.IMPORTED)


def _replace_contents(record: Record, parsed: ParsedRecord) -> None:
    existing = list(record.contents.all())
    for position, item in enumerate(parsed.contents):
        content = existing[position] if position < len(existing) else Content(record=record)
        content.position = position
        content.kind = item.kind
        content.language = item.language
        content.label = item.label
        content.text = item.text
        content.markup = item.markup
        content.page_breaks = item.page_breaks
        content.save()
        if item.pages:
            _store_scan_pages(content, item)
        content.footnotes.all().delete()
        Footnote.objects.bulk_create(
            Footnote(content=content, number=f.number, anchor_id=f.anchor_id, text=f.text, position=i)
            for i, f in enumerate(item.footnotes)
        )
    for stale in existing[len(parsed.contents):]:
        if not stale.pages.exists():
            stale.delete()


def _store_scan_pages(content: Content, item) -> None:
    # The scan's text is what OCR read from its pages, not the (empty) text the parser had.
    from .pages import joined_page_text, store_pages

    store_pages(content, item.pages)
    content.text = joined_page_text(content)
    content.save(update_fields=["text"])
