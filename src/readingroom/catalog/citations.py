"""Citations built from catalogue fields, never stored as free text.

The Chicago-style form follows the archive the seed record came from:
"Title", Date, Archive Name, Container # N, Folder, Collection, Repository, Place URL
"""

from __future__ import annotations

from django.conf import settings

from .models import Record


def record_url(record: Record) -> str:
    return f"{settings.READINGROOM_BASE_URL}/document/{record.public_id}"


def provenance_parts(record: Record) -> list[str]:
    """Container, folder, collection path (top first) and repository, as they read in a citation."""
    parts: list[str] = []
    if record.container:
        parts.append(f"Container # {record.container}")
    if record.folder:
        parts.append(f"Folder {record.folder}")
    if record.collection is not None:
        parts.extend(reversed(record.collection.path_titles()))
    repository = record.repository or (record.collection.root().repository if record.collection else None)
    if repository is not None:
        parts.append(repository.name)
        if repository.place:
            parts.append(repository.place)
    return parts


def chicago(record: Record) -> str:
    pieces = [f'"{record.title}"']
    if record.date_edtf:
        pieces.append(record.date_display)
    pieces.append(settings.READINGROOM_ARCHIVE_NAME)
    pieces.extend(provenance_parts(record))
    return ", ".join(pieces) + " " + record_url(record)
