"""Highlighted snippets: from the transcript first, then a translation, then the OCR text (marked as
machine-read, so readers know to check the scan), then the summary. Tantivy escapes the text and
wraps matches in <b>, so the HTML is safe to show."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import tantivy

from .schema import build_schema

SNIPPET_FIELDS = ["transcript", "translation", "ocr", "summary"]
SNIPPET_CHARS = 240


@dataclass
class SnippetResult:
    html: str
    field: str
    machine_read: bool


class Highlighter:
    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query) -> None:
        schema = build_schema()
        self.generators: dict[str, tantivy.SnippetGenerator] = {}
        for name in [*SNIPPET_FIELDS, "title"]:
            generator = tantivy.SnippetGenerator.create(searcher, query, schema, name)
            generator.set_max_num_chars(1000 if name == "title" else SNIPPET_CHARS)
            self.generators[name] = generator

    def title(self, doc: tantivy.Document) -> str:
        snippet = self.generators["title"].snippet_from_doc(doc)
        return snippet.to_html() if snippet.highlighted() else escape(doc.get_first("title") or "")

    def snippet(self, doc: tantivy.Document) -> SnippetResult | None:
        for name in SNIPPET_FIELDS:
            if doc.get_first(name) is None:
                continue
            snippet = self.generators[name].snippet_from_doc(doc)
            if snippet.highlighted():
                return SnippetResult(snippet.to_html(), name, name == "ocr")
        # No highlighted words (a fuzzy or date-only match): the start of the best text, plainly.
        for name in SNIPPET_FIELDS:
            text = doc.get_first(name)
            if text:
                cut = text[:SNIPPET_CHARS]
                return SnippetResult(escape(cut) + ("…" if len(text) > SNIPPET_CHARS else ""), name, name == "ocr")
        return None
