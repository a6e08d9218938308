"""What a FRUS document's TEI says about other documents of its volume, as ReferenceItems.

The editors state it in cross-references (`<ref target="#d12">`, `frus1969-76v17#d12`, a printed page
`#pg_188`, optionally ", fn. 3" after it) and in the one-word notes "Supra." and "Infra." (the document just
before or after). The words around one tell its kind: a note attached to "Replying to your 779" is a reply
to what it points at; a note saying "For the text of the reply, see post, p. 190" points at the reply.
Everything else is "mentions". References into other volumes are left to the links the transcript has.
"""

from __future__ import annotations

import re

from lxml import etree

from .records import ReferenceItem
from .tei_transcript import _WS, TEI_NS, local_name, plain_text

_T = f"{{{TEI_NS}}}"
REF, PTR, NOTE, LB = f"{_T}ref", f"{_T}ptr", f"{_T}note", f"{_T}lb"
BLOCKS = {"p", "item", "head", "quote", "cell", "closer", "opener", "ab", "dateline", "label"}
_TARGET = re.compile(r"^(?:(?P<volume>[\w.-]+))?#(?P<fragment>[\w.-]+)$")
_DOCUMENT = re.compile(r"^(?P<doc>d\d+[a-z]?)(?:fn\w+)?$")
_PAGE = re.compile(r"^pg_(?P<page>[\w-]+)$")
_FOOTNOTE_AFTER = re.compile(r"^\s*,?\s*fn\.?\s*(?P<n>\w+)", re.IGNORECASE)
# Said just before the note's anchor, in the same sentence: this document answers the one pointed at.
_REPLYING = re.compile(r"\b(?:replying|in reply|reply(?:ing)? to|in answer|answering|re-?urtel|reference your)\b",
                       re.IGNORECASE)
# Said in the note before the reference: the document pointed at answers this one.
_THE_REPLY = re.compile(r"\b(?:the|his|a|its|for)\s+reply\b|\breplied\b", re.IGNORECASE)
# Every match of _REPLYING holds one of these, every match of _THE_REPLY the first.
_REPLYING_STEMS, _THE_REPLY_STEMS = ("repl", "answer", "urtel", "reference your"), ("repl",)
_SUPRA = re.compile(r"^\s*(?P<word>supra|infra)\s*\.?\s*$", re.IGNORECASE)
_SUPRA_LONGEST = 40  # characters, spaces around the word included


def _text_before(stop: etree._Element, block: etree._Element) -> str:
    """The block's text up to `stop`, leaving out other notes (they are printed apart from the sentence)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> bool:
        if node is stop:
            return True
        if node is not block and node.tag == NOTE:
            return False
        parts.append(node.text or "")
        for child in node:
            if walk(child):
                return True
            parts.append(child.tail or "")
        return False

    walk(block)
    return _WS.sub(" ", "".join(parts))


def _enclosing(el: etree._Element, names: set[str] | None = None, tag: str | None = None) -> etree._Element | None:
    node = el.getparent()
    while node is not None:
        if (tag and node.tag == tag) or (names and local_name(node) in names):
            return node
        if local_name(node) == "div" and node.get("type") == "document":
            return None
        node = node.getparent()
    return None


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z“\"(])")
_FIRST_SENTENCE_END = re.compile(r"(?<=\.)\s")


def _last_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip())[-1][-200:]


def _says(el: etree._Element, stems: tuple[str, ...]) -> bool:
    """Whether the element's text holds any of these stems: substring tests that spare most references
    the walk to the sentence before them and its regular expression (the reader is timed against lxml)."""
    text = "".join(el.itertext()).lower()
    return any(stem in text for stem in stems)


def _kind(anchor: etree._Element, note: etree._Element | None, ref: etree._Element | None) -> tuple[str, bool]:
    """(kind, inverse) from the words around the reference."""
    block = _enclosing(anchor, BLOCKS)
    if (block is not None and _says(block, _REPLYING_STEMS)
            and _REPLYING.search(_last_sentence(_text_before(anchor, block)))):
        return "replies_to", False
    if (note is not None and ref is not None and _says(note, _THE_REPLY_STEMS)
            and _THE_REPLY.search(_last_sentence(_text_before(ref, note)))):
        return "replies_to", True
    return "mentions", False


def _note_text(note: etree._Element | None, ref: etree._Element | None = None, limit: int = 300) -> str:
    """The note as the relation's note: whole when short, else the sentence that holds the reference."""
    if note is None:
        return ""
    label = f"Note {note.get('n')}: " if note.get("n") else ""
    # itertext runs in C; plain_text is needed only where a line break must become a space.
    text = (plain_text(note, skip_notes=False) if note.find(f".//{LB}") is not None
            else _WS.sub(" ", "".join(note.itertext())).strip())
    if len(text) > limit and ref is not None:
        tail = _FIRST_SENTENCE_END.split(ref.tail or "", maxsplit=1)[0]
        tail = _WS.sub(" ", tail)
        text = f"… {_last_sentence(_text_before(ref, note))} {plain_text(ref)}{tail}"
    text = label + text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def document_references(doc: etree._Element, volume_id: str, doc_id: str) -> list[ReferenceItem]:
    found: list[ReferenceItem] = []
    seen: set[tuple] = set()

    def add(item: ReferenceItem) -> None:
        key = (item.kind, item.inverse, tuple(sorted(item.target.items())))
        if key not in seen:
            seen.add(key)
            found.append(item)

    short_notes: list[etree._Element] = []
    for ref in doc.iter(REF, PTR, NOTE):  # one pass over the document's elements
        if ref.tag == NOTE:
            # Most notes are sentences: only a note of a few characters, in at most one element
            # (<hi>Supra</hi>.), can be "Supra.", and these reads are cheaper than gathering its text.
            if len(ref) <= 1 and len(ref.text or "") <= _SUPRA_LONGEST:
                short_notes.append(ref)
            continue
        match = _TARGET.match((ref.get("target") or "").strip())
        if not match or (match.group("volume") and match.group("volume") != volume_id):
            continue
        fragment = match.group("fragment")
        document, page = _DOCUMENT.match(fragment), _PAGE.match(fragment)
        if document:
            if document.group("doc") == doc_id:
                continue
            target: dict = {"document": document.group("doc")}
        elif page:
            target = {"page": page.group("page")}
            footnote = _FOOTNOTE_AFTER.match(ref.tail or "")
            if footnote:
                target["footnote"] = footnote.group("n")
        else:
            continue
        note = _enclosing(ref, tag=NOTE)
        kind, inverse = _kind(note if note is not None else ref, note, ref)
        block = _enclosing(ref, BLOCKS)
        add(ReferenceItem(kind=kind, target=target, inverse=inverse, note=_note_text(note, ref) or _last_sentence(
            plain_text(block if block is not None else ref))))
    for note in short_notes:
        word = _SUPRA.match(plain_text(note, skip_notes=False))
        if word:
            kind, inverse = _kind(note, None, None)
            step = -1 if word.group("word").lower() == "supra" else 1
            add(ReferenceItem(kind=kind, target={"step": step}, note=_note_text(note)))
    return found
