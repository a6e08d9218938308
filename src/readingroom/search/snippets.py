"""Highlighted snippets: from the transcript first, then a translation, then the OCR text (marked as
machine-read, so readers know to check the scan), then the summary. Tantivy escapes the text and
wraps matches in <b>, so the HTML is safe to show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import tantivy
from rapidfuzz.distance import Levenshtein

from .schema import build_schema, unspace_cjk

SNIPPET_FIELDS = ["transcript", "translation", "ocr", "summary"]
SNIPPET_CHARS = 240


@dataclass
class SnippetResult:
    html: str
    field: str
    machine_read: bool


_WORD = re.compile(r"\w+")


def approximate_snippet(text: str, words: list[str], max_chars: int = SNIPPET_CHARS) -> str | None:
    """A snippet around words of `text` that are within OCR-noise distance of a query word, or that spell
    one when glued to the next word ("resig nation"). Tantivy cannot highlight fuzzy matches itself."""
    from .query import fuzzy_distance

    targets = [(w.lower(), fuzzy_distance(w)) for w in words]
    if not targets or not text:
        return None
    tokens = list(_WORD.finditer(text))

    def near(candidate: str) -> bool:
        return any(Levenshtein.distance(candidate, t, score_cutoff=d) <= d for t, d in targets)

    marked: list[tuple[int, int]] = []
    for i, m in enumerate(tokens):
        word = m.group().lower()
        if near(word):
            marked.append((m.start(), m.end()))
        elif i + 1 < len(tokens) and near(word + tokens[i + 1].group().lower()):
            marked.append((m.start(), tokens[i + 1].end()))
    if not marked:
        return None
    start = max(0, marked[0][0] - max_chars // 3)
    end = min(len(text), start + max_chars)
    parts, pos = [], start
    for a, b in marked:
        if a < pos or b > end:
            continue
        parts.append(escape(text[pos:a]) + "<b>" + escape(text[a:b]) + "</b>")
        pos = b
    parts.append(escape(text[pos:end]))
    return ("…" if start else "") + "".join(parts).strip() + ("…" if end < len(text) else "")


class Highlighter:
    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, words: list[str] | None = None) -> None:
        self.words = words or []
        schema = build_schema()
        self.generators: dict[str, tantivy.SnippetGenerator] = {}
        for name in [*SNIPPET_FIELDS, "title"]:
            generator = tantivy.SnippetGenerator.create(searcher, query, schema, name)
            generator.set_max_num_chars(1000 if name == "title" else SNIPPET_CHARS)
            self.generators[name] = generator

    def title(self, doc: tantivy.Document) -> str:
        snippet = self.generators["title"].snippet_from_doc(doc)
        return unspace_cjk(snippet.to_html() if snippet.highlighted() else escape(doc.get_first("title") or ""))

    def snippet(self, doc: tantivy.Document) -> SnippetResult | None:
        for name in SNIPPET_FIELDS:
            if doc.get_first(name) is None:
                continue
            if name == "ocr" and (html := approximate_snippet(doc.get_first(name), self.words)):
                # Machine-read text: mark the noisy matches too ("Ghantung" for Shantung).
                return SnippetResult(unspace_cjk(html), name, True)
            snippet = self.generators[name].snippet_from_doc(doc)
            if snippet.highlighted():
                return SnippetResult(unspace_cjk(snippet.to_html()), name, name == "ocr")
        # Otherwise (a date-only or name-variant match): the start of the best text, plainly.
        for name in SNIPPET_FIELDS:
            text = doc.get_first(name)
            if text:
                cut = text[:SNIPPET_CHARS]
                return SnippetResult(unspace_cjk(escape(cut)) + ("…" if len(text) > SNIPPET_CHARS else ""), name,
                                     name == "ocr")
        return None
