"""One FRUS document (`<div type="document">`) as a ParsedRecord: title, date, place, classification,
people, terms, source note, signature and the transcript. Knows the volume it belongs to (its front
matter lists of persons and terms) through `Volume`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from readingroom.catalog.dates import DateError, parse_edtf

from .frus_references import document_references
from .records import AuthorityRef, CollectionRef, ContentItem, ParsedRecord, Problem
from .tei_transcript import FRUS_NS, HSG_DOCUMENTS, TEI_NS, XML_ID, TranscriptBuilder, local_name, plain_text

OFFICE_OF_THE_HISTORIAN = "Office of the Historian, U.S. Department of State"
RIGHTS = "Public domain: a work of the United States Government (Foreign Relations of the United States)."

# Markings on the original that are security classifications; "priority", "plain", "niact" are not.
CLASSIFICATIONS = ["limited official use", "official use only", "top secret", "confidential", "restricted",
                   "unclassified", "secret"]
_CLASSIFICATION = re.compile(r"\b(" + "|".join(CLASSIFICATIONS) + r")\b", re.IGNORECASE)
DOCUMENT_TYPES = {
    "memorandum": "memorandum", "letter": "letter", "telegram": "telegram", "minutes": "minutes",
    "editorial note": "editorial note", "report": "report", "despatch": "despatch", "dispatch": "despatch",
    "airgram": "airgram", "instruction": "instruction", "note": "note", "paper": "paper", "message": "message",
    "circular": "circular telegram", "aide-mémoire": "aide-mémoire", "notes": "notes",
}
_ISO = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?")
_F = f"{{{FRUS_NS}}}"
ATTACHMENT = f"{_F}attachment"
DATELINE, DATE, PLACE, PERSNAME, GLOSS, NOTE, HEAD, CLOSER, SIGNED, OPENER = (
    f"{{{TEI_NS}}}{n}" for n in ("dateline", "date", "placeName", "persName", "gloss", "note", "head", "closer",
                                 "signed", "opener")
)


@dataclass
class Entity:
    """A person (p_...) or term (t_...) from the volume's front matter."""

    kind: str
    name: str
    description: str
    identifier: str

    def ref(self, role: str) -> AuthorityRef:
        return AuthorityRef(kind=self.kind, name=self.name, role=role, identifier=self.identifier,
                            description=self.description)


@dataclass
class Volume:
    identifier: str
    path: str
    collection: CollectionRef
    entities: dict[str, Entity] = field(default_factory=dict)
    # reference -> [first line, count]: reported once per volume at its end
    dangling: dict[str, list[int]] = field(default_factory=dict)
    unknown: dict[str, list[int]] = field(default_factory=dict)
    line_offset: int = 0  # lines before the text being read (when reading resumed after broken XML)

    def lookup(self, reference: str, line: int) -> Entity | None:
        key = reference.strip().lstrip("#")
        entity = self.entities.get(key)
        if entity is None:
            seen = self.dangling.setdefault(reference.strip(), [line + self.line_offset, 0])
            seen[1] += 1
        return entity

    def describe(self, reference: str) -> str | None:
        entity = self.entities.get(reference.split()[0].lstrip("#")) if reference.split() else None
        if entity is None:
            return None
        return f"{entity.name}: {entity.description}" if entity.description else entity.name


def clip(value: str, limit: int) -> str:
    """Database columns have limits (PostgreSQL enforces them): keep what fits, say it was cut."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def iso_part(value: str | None) -> str:
    match = _ISO.match((value or "").strip())
    return "".join(g for g in match.groups() if g) if match else ""


def _outside_nested(el: etree._Element, doc: etree._Element) -> bool:
    """True when el belongs to the document itself, not to an attachment or a note inside it."""
    node = el.getparent()
    while node is not None and node is not doc:
        if node.tag in (ATTACHMENT, NOTE):
            return False
        node = node.getparent()
    return True


def _own(doc: etree._Element, tag: str) -> list[etree._Element]:
    return [el for el in doc.iter(tag) if _outside_nested(el, doc)]


def document_date(doc: etree._Element) -> tuple[str, etree._Element | None, str]:
    """EDTF date, the dateline it came from, and a problem message when there is none."""
    datelines = _own(doc, DATELINE)
    date_el = next((d for dl in datelines for d in dl.iter(DATE)), None)
    candidates: list[str] = []
    if date_el is not None:
        when = iso_part(date_el.get("when"))
        start, end = iso_part(date_el.get("from")), iso_part(date_el.get("to"))
        not_before, not_after = iso_part(date_el.get("notBefore")), iso_part(date_el.get("notAfter"))
        if when:  # the date as printed or as the editors gave it in the heading
            candidates.append(when)
        if start or end:
            candidates.append(f"{start or '..'}/{end or '..'}")
        if not_before or not_after:
            # An editor's inference from the content: somewhere in this span, not certain.
            candidates.append(f"{not_before + '?' if not_before else '..'}/{not_after + '?' if not_after else '..'}")
    low, high = iso_part(doc.get(f"{_F}doc-dateTime-min")), iso_part(doc.get(f"{_F}doc-dateTime-max"))
    if low and high:
        candidates.append(low if low == high else f"{low}/{high}")
    elif low or high:
        candidates.append(low or high)
    dateline = date_el.getparent() if date_el is not None else (datelines[0] if datelines else None)
    bad: list[str] = []
    for candidate in candidates:
        try:
            return parse_edtf(candidate).edtf, dateline, ("" if not bad else f"unreadable date {bad[0]!r}, used {candidate!r}")
        except DateError:
            bad.append(candidate)
    if bad:
        return "", dateline, f"unreadable date {bad[0]!r}; the document is imported as undated"
    return "", dateline, "document has no date (no <date> in a dateline, no frus:doc-dateTime-min/max); imported as undated"


def classification_of(doc: etree._Element) -> str:
    for opener in doc.iterchildren(OPENER):
        for seg in opener:
            if seg.tag == DATELINE or not isinstance(seg.tag, str):
                continue
            match = _CLASSIFICATION.search(plain_text(seg))
            if match:
                return match.group(1).upper()
    return ""


_SOURCE_LABEL = re.compile(r"^Source:\s*")
_DOCUMENT_TYPE_WORDS = re.compile(r"[a-zà-ÿ][a-zà-ÿ -]{1,40}")


def _source_text(note: etree._Element) -> str:
    """The archival reference: the whole note when short, else its first paragraph, without "Source:"."""
    paragraphs = [p for p in note if local_name(p) == "p"]
    text = plain_text(paragraphs[0] if paragraphs else note, skip_notes=False)
    return _SOURCE_LABEL.sub("", text)


# Newer volumes give the marking in the source note: "Source: ... Secret; Priority. Drafted by ..."
_MARKING_IN_NOTE = re.compile(r"(?:^|[.;]\s+)(" + "|".join(CLASSIFICATIONS) + r")(?=[.;,]|\s*$)", re.IGNORECASE)


def classification_in_note(source_note: str) -> str:
    match = _MARKING_IN_NOTE.search(source_note)
    return match.group(1).upper() if match else ""


def document_type_of(source_note: str, title: str) -> str:
    if ":" in source_note:
        candidate = source_note.rsplit(":", 1)[1].strip().rstrip(".").lower()
        if _DOCUMENT_TYPE_WORDS.fullmatch(candidate):
            return candidate
    lowered = title.lower()
    for prefix in sorted(DOCUMENT_TYPES, key=len, reverse=True):
        if lowered.startswith(prefix):
            return DOCUMENT_TYPES[prefix]
    return ""


def _authorities(doc: etree._Element, head: etree._Element | None, volume: Volume) -> list[AuthorityRef]:
    refs: list[AuthorityRef] = []
    seen: set[tuple[str, str]] = set()

    def add(ref: AuthorityRef) -> None:
        key = (ref.identifier or f"{ref.kind}:{ref.name}", ref.role)
        if key not in seen and ref.name:
            seen.add(key)
            refs.append(ref)

    if head is not None:
        for el in head.iter(PERSNAME, GLOSS):
            kind = el.get("type")
            if kind not in ("from", "to"):
                continue
            role = "author" if kind == "from" else "recipient"
            reference = el.get("corresp") if el.tag == PERSNAME else el.get("target")
            entities = [volume.lookup(r, el.sourceline or 0) for r in (reference or "").split()]
            found = [e for e in entities if e is not None]
            if found:
                for entity in found:
                    add(entity.ref(role))
            else:  # no front matter entry (or a dangling one): the name as printed
                add(AuthorityRef(kind="person", name=clip(plain_text(el), 500), role=role))
    linked = {r.identifier for r in refs if r.identifier}
    for el in doc.iter(PERSNAME, GLOSS):
        if head is not None and el.get("type") in ("from", "to") and _inside(el, head):
            continue
        reference = el.get("corresp") if el.tag == PERSNAME else el.get("target")
        for part in (reference or "").split():
            if not part.startswith("#"):
                continue  # a reference into another volume: not ours to resolve
            entity = volume.lookup(part, el.sourceline or 0)
            if entity is not None and entity.identifier not in linked:
                add(entity.ref("mentioned"))
    return refs


def _inside(el: etree._Element, ancestor: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


@dataclass
class ConvertedDocument:
    record: ParsedRecord
    problems: list[Problem]
    last_page: str | None


def convert_document(doc: etree._Element, doc_id: str, volume: Volume, collection: CollectionRef,
                     position: int, start_page: str | None) -> ConvertedDocument:
    line = doc.sourceline or 0
    problems: list[Problem] = []
    head = next(doc.iterchildren(HEAD), None)
    # Older volumes print the source note above the heading; newer ones make it footnote 1 of the heading.
    source_note_el = next((n for n in doc.iterchildren(NOTE) if n.get("type") == "source"), None)
    in_head = source_note_el is None and head is not None
    if in_head:
        source_note_el = next((n for n in head.iter(NOTE) if n.get("type") == "source"), None)
    source_note = _source_text(source_note_el) if source_note_el is not None else ""
    number = doc.get("n") or doc_id.lstrip("d")
    title = plain_text(head) if head is not None else ""
    # The printed heading starts with the document's number ("22. Memorandum of..."): the id carries it.
    # (String tests, not a pattern made from the number: a pattern per document was compiled anew each time.)
    if number and title.startswith(f"{number}.") and title[len(number) + 1:len(number) + 2].isspace():
        title = title[len(number) + 1:].lstrip()
    title = title or f"Document {number}"
    date_edtf, dateline, date_problem = document_date(doc)
    if date_problem:
        problems.append(Problem(volume.path, f"document {doc_id}: {date_problem}", line, fatal=False))
    place = ""
    if dateline is not None:
        place_el = next(dateline.iter(PLACE), None)
        if place_el is not None:
            place = plain_text(place_el).strip("[],. ")
    closer = next(doc.iterchildren(CLOSER), None)
    signed_el = next(closer.iter(SIGNED), None) if closer is not None else None
    if signed_el is None:
        signed_el = next(iter(_own(doc, SIGNED)), None)
    signed = plain_text(signed_el) if signed_el is not None else ""

    authorities = _authorities(doc, head, volume)
    if place:
        authorities.append(AuthorityRef(kind="place", name=clip(place, 500), role="written_at"))

    builder = TranscriptBuilder(volume.identifier, doc_id, volume.describe,
                                skip={source_note_el} if source_note_el is not None and not in_head else None,
                                start_page=start_page)
    transcript = builder.build(doc)
    for name, first_line in transcript.unknown.items():
        seen = volume.unknown.setdefault(name, [first_line + volume.line_offset, 0])
        seen[1] += 1
    page_breaks = transcript.page_breaks
    if start_page and not (page_breaks and page_breaks[0]["offset"] == 0):
        # The document opens on a page that began before it: readers cite its first lines by that page.
        page_breaks = [{"n": start_page, "offset": 0}, *page_breaks]

    record = ParsedRecord(
        public_id=f"{volume.identifier}/{doc_id}",
        title=clip(title, 1000),
        date_edtf=date_edtf,
        document_type=clip(document_type_of(source_note, title), 100),
        classification=classification_of(doc) or classification_in_note(source_note),
        languages=["en"],
        rights=RIGHTS,
        collection=collection,
        source_reference=clip(source_note, 1000),
        source_url=f"{HSG_DOCUMENTS}/{volume.identifier}/{doc_id}",
        place_of_writing=clip(place, 300),
        signed_by=clip(signed, 300),
        position=position,
        contents=[ContentItem(kind="transcript", language="en", label="Transcript - English", text=transcript.text,
                              markup=transcript.markup, footnotes=transcript.footnotes, page_breaks=page_breaks)],
        authorities=authorities,
        references=document_references(doc, volume.identifier, doc_id),
    )
    return ConvertedDocument(record, problems, transcript.last_page)


def front_matter_entities(container: etree._Element, volume_id: str) -> dict[str, Entity]:
    """Persons (xml:id p_...) and terms (t_...) listed in the front matter, by xml:id."""
    found: dict[str, Entity] = {}
    for el in container.iter():
        xml_id = el.get(XML_ID)
        if not xml_id or not xml_id.startswith(("p_", "t_")):
            continue
        item = el
        for _ in range(4):
            if local_name(item) == "item" or item.getparent() is None:
                break
            item = item.getparent()
        if el is item:  # the id is on the <item>: the name is its first (bold) part
            name_el = next((c for c in el if local_name(c) in ("hi", "persName", "term", "name")), None)
            name = plain_text(name_el) if name_el is not None else plain_text(el).split(",")[0]
        else:
            name = plain_text(el)
        whole = plain_text(item)
        description = whole[len(name):] if whole.startswith(name) else whole
        description = description.lstrip(" ,:;—–-").strip()
        kind = "person" if xml_id.startswith("p_") else "subject"
        found[xml_id] = Entity(kind, clip(name.rstrip(","), 500) or xml_id, description, f"{volume_id}-{xml_id}")
    return found
