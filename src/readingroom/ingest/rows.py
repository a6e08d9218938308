"""What a parsed record becomes in the catalogue: the field values of its Record, Content and Footnote
rows. Both ways of storing (pipeline.store_record, one record through the ORM, and bulk.insert_new, new
records as plain inserts) take their values from here."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model

from .lookups import Lookups
from .records import ContentItem, ParsedRecord

# A footnote row's columns, in the order of footnote_rows' tuples.
FOOTNOTE_FIELDS = ("content_id", "number", "anchor_id", "text", "markup", "position")


def _pk(instance: Model | None) -> int | None:
    # Ids, not instances: Django's related-object descriptors cost more than the rest of a new row.
    return instance.pk if instance is not None else None


def record_fields(parsed: ParsedRecord, checksum: str, source: str, lookups: Lookups, new: bool) -> dict:
    """A Record's values by attribute name. Access and embargo only for a new record or when the source
    states an access level: a re-import that says nothing of access keeps what staff set."""
    fields = {
        "title": parsed.title, "date_edtf": parsed.date_edtf, "summary": parsed.summary,
        "document_type": parsed.document_type, "classification": parsed.classification,
        "languages": list(parsed.languages), "rights": parsed.rights,
        "repository_id": _pk(lookups.repository(parsed.repository)),
        "collection_id": _pk(lookups.collection(parsed.collection)),
        "container": parsed.container, "folder": parsed.folder, "source_reference": parsed.source_reference,
        "source_url": parsed.source_url, "place_of_writing": parsed.place_of_writing, "signed_by": parsed.signed_by,
        "position": parsed.position, "import_source": source[:1000], "import_checksum": checksum,
    }
    if parsed.access_level or new:
        fields["access_level"] = parsed.access_level or "public"
        fields["embargo_until"] = dt.date.fromisoformat(parsed.embargo_until) if parsed.embargo_until else None
    return fields


def content_fields(item: ContentItem, position: int) -> dict:
    """A Content's values by attribute name (its record aside)."""
    return {"position": position, "kind": item.kind, "language": item.language, "label": item.label,
            "text": item.text, "markup": item.markup, "page_breaks": item.page_breaks}


# A content's own text, which a text staff corrected keeps on re-import (catalog/corrections.py).
TEXT_FIELDS = ("text", "markup", "page_breaks")


def footnote_rows(content_id: int, item: ContentItem) -> list[tuple]:
    """The content's footnotes as rows of FOOTNOTE_FIELDS."""
    return [(content_id, f.number, f.anchor_id, f.text, f.markup, i) for i, f in enumerate(item.footnotes)]
