"""Which of a record's texts is the original and which are translations of it.

The page, the citations and the `.json` twin must agree on this, so it is decided once, here, from the
record's contents as they are loaded (no queries of its own beyond `contents.all()`).
"""

from __future__ import annotations

from .models import Content, Record


def original_content(contents: list[Content], languages: list[str] | None = None) -> Content | None:
    """The text a translation was made from: a transcript (one in a catalogued original language first),
    else the scan, whose text is its OCR. None when the record has neither."""
    transcripts = [c for c in contents if c.kind == Content.Kind.TRANSCRIPT]
    for content in transcripts:
        if languages and content.language in languages:
            return content
    if transcripts:
        return transcripts[0]
    return next((c for c in contents if c.kind == Content.Kind.SCAN), None)


def translations(contents: list[Content]) -> list[Content]:
    """The record's translations in catalogue order, one per language (a second in the same language,
    which imports refuse, would make `?translation=<tag>` ambiguous)."""
    seen: set[str] = set()
    found = []
    for content in contents:
        if content.kind == Content.Kind.TRANSLATION and content.language not in seen:
            seen.add(content.language)
            found.append(content)
    return found


def original_language(record: Record) -> str:
    """The original's BCP 47 tag: the original text's own, else the record's first catalogued language."""
    original = original_content(list(record.contents.all()), record.languages)
    if original is not None and original.language:
        return original.language
    return record.languages[0] if record.languages else ""


def translation_languages(record: Record) -> list[str]:
    return [c.language for c in translations(list(record.contents.all())) if c.language]
