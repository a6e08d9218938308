"""Plain records that parsers yield. Parsers know nothing of Django: they fill these in and the
pipeline (ingest/pipeline.py) stores them, or says why it cannot (StoreError)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field


class StoreError(Exception):
    """A record that cannot be stored (e.g. a page file changed mid-import): reported, the rest goes on."""


@functools.lru_cache(maxsize=4096)  # the same names recur in every document of a volume
def slugify_name(text: str) -> str:
    """'Gdańsk' -> 'gdansk'; a name in another script keeps its letters ('Молотов' -> 'молотов', '毛泽东')."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii() or not any(
            ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in decomposed):
        # Latin names are folded to ASCII, as identifiers stored before other scripts were kept.
        folded = decomposed.encode("ascii", "ignore").decode("ascii").lower()
        return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:150] or "unnamed"
    # Folding to ASCII would leave nothing of 'Молотов' or '毛泽东': every such name became one "unnamed"
    # authority. Accents go (Хрущёв and Хрущев are one name); letters of every script stay.
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", bare).lower()).strip("-")[:150] or "unnamed"


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
    # Safe HTML of a note with inline markup (links, emphasis); "" when the plain text says it all.
    markup: str = ""


@dataclass
class PageSource:
    """One page of a scan as found on disk: its original file (checked, never modified) and where in it."""

    path: str  # the original file, absolute
    checksum: str  # SHA-256 of the whole original file
    name: str  # the file's name as the sidecar gave it
    frame: int = 0  # page index within a multi-page TIFF or PDF
    frames: int = 1  # how many pages the original file has
    kind: str = "image"  # image | pdf
    width: int | None = None
    height: int | None = None
    dpi: int | None = None  # as the file states it (None when it says nothing)
    text_layer: str = ""  # a PDF page's own text, kept only when it passed the garbage check
    text_layer_words: list[list] = field(default_factory=list)  # its word boxes: [x, y, w, h, -1, word] in pixels
    note: str = ""  # e.g. why a PDF's text layer was not used


@dataclass
class ContentItem:
    kind: str  # scan | transcript | translation
    language: str = ""
    text: str = ""
    label: str = ""
    markup: str = ""
    footnotes: list[FootnoteItem] = field(default_factory=list)
    page_breaks: list[dict] = field(default_factory=list)
    pages: list[PageSource] = field(default_factory=list)  # scans only: the page originals, in order


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
class ReferenceItem:
    """What a record's source says about another record, before it is resolved to one (ingest/relations.py).

    `target` is one of {"document": "d12"} (a document of the same volume), {"page": "188", "footnote": "3"}
    (the document that begins on a printed page, or holds that footnote there), {"step": -1} (the volume's
    previous document: "Supra."), or {"date": "1944-02-02", "numbers": ["123"]} (a telegram named by date).
    `inverse`: the other record is the source ("For the text of the reply, see p. 190")."""

    kind: str  # a Relation.Kind value: replies_to | mentions | ...
    target: dict
    note: str = ""
    inverse: bool = False


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
    # "" when the source does not say (FRUS volumes, archive-page exports): a new record is public and a
    # stored one keeps the access staff gave it, so a re-import never opens a record staff closed.
    access_level: str = ""
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
    # Texts named by the source that could not be read this time, as (position in contents, kind, language):
    # a re-import keeps what is stored for them rather than deleting it (pipeline.store_record).
    unread_texts: list[tuple[int, str, str]] = field(default_factory=list)
    # Other records its source refers to. Not digested: relations are resolved again on every import, so an
    # unchanged record still links to a target that arrived since (ingest/relations.py).
    references: list[ReferenceItem] = field(default_factory=list)

    def checksum(self) -> str:
        """A digest of everything stored, so a re-import can tell 'unchanged' from 'updated'."""
        # The same JSON as json.dumps(asdict(self)), without asdict's deep copy (most of the cost of
        # checking a volume of unchanged records): nested dataclasses are written from their fields.
        # An unstated access level digests as "public", its meaning for new records, so checksums stored
        # before access could be left unstated still match.
        fields = {**self.__dict__, "access_level": self.access_level or "public"}
        del fields["references"]
        if not self.unread_texts:
            del fields["unread_texts"]  # so checksums stored before the field existed still match
        payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_fields_or_text)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fields_or_text(value: object) -> object:
    # A dataclass instance's __dict__ holds exactly its fields (these classes add no other attributes).
    if isinstance(value, FootnoteItem) and not value.markup:
        # Notes without markup digest as before the field existed, so their records stay "unchanged".
        return {k: v for k, v in value.__dict__.items() if k != "markup"}
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
