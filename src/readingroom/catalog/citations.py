"""Citations built from catalogue fields, never stored as free text.

The Chicago-style form follows the archive the seed record came from:
"Title", Date, Archive Name, Container # N, Folder, Collection, Repository, Place URL
"""

from __future__ import annotations

import re

from django.conf import settings

from .languages import base_language, language_name
from .models import Record
from .originals import original_language, translation_languages


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


FRUS_SERIES = "Foreign Relations of the United States"
FRUS_DOCUMENTS = "https://history.state.gov/historicaldocuments"
_FRUS_VOLUME = re.compile(r"^frus(\d{4})(?:-(\d{2,4}))?")


def frus_citation(record: Record) -> str | None:
    """The Office of the Historian's own form for a document of a FRUS volume (a collection whose id is
    the volume's, e.g. frus1944Quebec): series, years, volume, document number, and its history.state.gov
    address. None for any other record."""
    if record.collection is None:
        return None
    volume = record.collection.root()
    match = _FRUS_VOLUME.match(volume.identifier)
    if not match or not record.public_id.startswith(volume.identifier + "/"):
        return None
    document = record.public_id.split("/", 1)[1]
    title = volume.title
    rest = title[len(FRUS_SERIES):].lstrip(" ,:") if title.startswith(FRUS_SERIES) else title
    if not re.match(r"\d{4}", rest):
        first, last = match.groups()
        years = first if not last else f"{first}–{first[:4 - len(last)]}{last}"
        rest = f"{years}, {rest}"
    number = document[1:] if re.fullmatch(r"d\d+\w*", document) else document
    return f"{FRUS_SERIES}, {rest}, document {number}, {FRUS_DOCUMENTS}/{volume.identifier}/{document}"


def language_note(record: Record, translation: str | None = None) -> str | None:
    """What a citation says about languages: "Translated from Russian into English" when the reader cites a
    translation (a tag of one of the record's translations); else "Original in Russian", named whenever the
    record has translations or is not in English, the language citations are written in (an English-only
    record's citation stays as the archive prints it)."""
    original = original_language(record)
    if translation:
        if original:
            return f"Translated from {language_name(original)} into {language_name(translation)}"
        return f"Translated into {language_name(translation)}"
    if original and (base_language(original) != "en" or translation_languages(record)):
        return f"Original in {language_name(original)}"
    return None


def chicago(record: Record, translation: str | None = None) -> str:
    """The citation a record is shown with: FRUS documents as history.state.gov cites them, everything
    else in the seed archive's Chicago form; either with the languages of the text cited (`language_note`)."""
    note = language_note(record, translation)
    frus = frus_citation(record)
    if frus is not None:
        return f"{frus}. {note}." if note else frus
    pieces = [f'"{record.title}"']
    if record.date_edtf:
        pieces.append(record.date_display)
    pieces.append(settings.READINGROOM_ARCHIVE_NAME)
    pieces.extend(provenance_parts(record))
    if note:
        return ", ".join(pieces) + f". {note}. " + record_url(record)
    return ", ".join(pieces) + " " + record_url(record)
