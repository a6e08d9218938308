"""Plain records that parsers yield. Parsers know nothing of Django: they fill these in and the
pipeline (ingest/pipeline.py) stores them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass
class RepositoryRef:
    name: str
    place: str = ""


@dataclass
class CollectionRef:
    identifier: str
    title: str
    level: str = "collection"  # collection | series | subseries
    parent: CollectionRef | None = None
    repository: RepositoryRef | None = None
    position: int = 0
    editors: str = ""
    publication_year: int | None = None
    description: str = ""


@dataclass
class FootnoteItem:
    number: str
    text: str
    anchor_id: str = ""


@dataclass
class ContentItem:
    kind: str  # scan | transcript | translation
    language: str = ""
    text: str = ""
    label: str = ""
    markup: str = ""
    footnotes: list[FootnoteItem] = field(default_factory=list)
    page_breaks: list[dict] = field(default_factory=list)


@dataclass
class AuthorityRef:
    kind: str  # person | place | organization | subject
    name: str
    role: str = "mentioned"  # author | recipient | mentioned | subject | written_at
    identifier: str = ""  # stable id; derived from kind and name when empty
    variants: list[str] = field(default_factory=list)
    dates: str = ""
    description: str = ""


@dataclass
class ParsedRecord:
    public_id: str
    title: str
    date_edtf: str = ""
    summary: str = ""
    document_type: str = ""
    classification: str = ""
    languages: list[str] = field(default_factory=list)
    rights: str = ""
    access_level: str = "public"
    embargo_until: str = ""
    repository: RepositoryRef | None = None
    collection: CollectionRef | None = None
    container: str = ""
    folder: str = ""
    source_reference: str = ""
    source_url: str = ""
    place_of_writing: str = ""
    signed_by: str = ""
    position: int = 0
    contents: list[ContentItem] = field(default_factory=list)
    authorities: list[AuthorityRef] = field(default_factory=list)

    def checksum(self) -> str:
        """A digest of everything stored, so a re-import can tell 'unchanged' from 'updated'."""
        # The same JSON as json.dumps(asdict(self)), without asdict's deep copy (most of the cost of
        # checking a volume of unchanged records): nested dataclasses are written from their fields.
        payload = json.dumps(self, sort_keys=True, ensure_ascii=False, default=_fields_or_text)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fields_or_text(value: object) -> object:
    # A dataclass instance's __dict__ holds exactly its fields (these classes add no other attributes).
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return value.__dict__
    return str(value)


@dataclass
class Problem:
    """Bad input found while parsing: reported with file and place, never raised past the runner."""

    source: str
    message: str
    line: int | None = None
    fatal: bool = True  # False: reported, but the record still imports (a dangling reference)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"
