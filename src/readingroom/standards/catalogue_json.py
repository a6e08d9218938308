"""The catalogue as JSON: plain dicts of records, collections and authorities, built from the same
querysets the templates use. The `.json` twins of pages, the API and `readingroom export` write them."""

from __future__ import annotations

from readingroom.catalog.languages import language_name
from readingroom.catalog.models import Authority, Collection, Record
from readingroom.catalog.originals import original_content
from readingroom.standards.citations import chicago, record_url


def collection_summary(collection: Collection | None) -> dict | None:
    if collection is None:
        return None
    return {
        "identifier": collection.identifier,
        "title": collection.title,
        "level": collection.level,
        "path": collection.path_titles(),
        "url": collection.get_absolute_url(),
    }


def record_summary(record: Record) -> dict:
    return {
        "id": record.public_id,
        "title": record.title,
        "date": record.date_edtf,
        "date_display": record.date_display,
        "url": record.get_absolute_url(),
    }


def record_detail(record: Record) -> dict:
    """Every field and every content item of a record: what `export` writes and `.json` serves.

    Each content item names its language (the BCP 47 tag as stored, and its English name) and whether it is
    the original that the record's translations were made from."""
    contents = list(record.contents.all())
    original = original_content(contents, record.languages)
    return {
        "id": record.public_id,
        "title": record.title,
        "date": record.date_edtf,
        "date_display": record.date_display,
        "date_start": record.date_start.isoformat() if record.date_start else None,
        "date_end": record.date_end.isoformat() if record.date_end else None,
        "summary": record.summary,
        "document_type": record.document_type,
        "classification": record.classification,
        "languages": [{"code": c, "name": language_name(c)} for c in record.languages],
        "rights": record.rights,
        "access_level": record.access_level,
        "embargo_until": record.embargo_until.isoformat() if record.embargo_until else None,
        "repository": {"name": record.repository.name, "place": record.repository.place} if record.repository else None,
        "collection": collection_summary(record.collection),
        "container": record.container,
        "folder": record.folder,
        "source_reference": record.source_reference,
        "source_url": record.source_url,
        "place_of_writing": record.place_of_writing,
        "signed_by": record.signed_by,
        "citation": chicago(record),
        "permalink": record_url(record),
        "contents": [
            {
                "kind": c.kind,
                "label": c.display_label,
                "language": c.language,
                "language_name": language_name(c.language) if c.language else "",
                "original": c is original,
                "machine_read": c.machine_read,
                "corrected": c.corrected.isoformat() if c.corrected else None,
                "text": c.text,
                "page_breaks": c.page_breaks,
                "footnotes": [{"number": f.number, "text": f.text, **({"html": f.markup} if f.markup else {})}
                              for f in c.footnotes.all()],
                "pages": [
                    {"position": p.position, "width": p.width, "height": p.height, "confidence": p.confidence,
                     "ocr_status": p.ocr_status}
                    for p in c.pages.all()
                ],
            }
            for c in contents
        ],
        "authorities": [
            {
                "kind": link.authority.kind,
                "id": link.authority.identifier,
                "name": link.authority.preferred_name,
                "role": link.role,
                "url": link.authority.get_absolute_url(),
            }
            for link in record.authority_links.all()
        ],
        "created": record.created.isoformat() if record.created else None,
        "updated": record.updated.isoformat() if record.updated else None,
    }


def authority_detail(authority: Authority) -> dict:
    return {
        "id": authority.identifier,
        "kind": authority.kind,
        "name": authority.preferred_name,
        "variants": [v.name for v in authority.variants.all()],
        "dates": authority.dates,
        "description": authority.description,
        "wikidata": authority.wikidata,
        "viaf": authority.viaf,
        "geonames": authority.geonames,
        "source": authority.source,
    }
