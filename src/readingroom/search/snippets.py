"""Highlighted snippets: from the transcript first, then a translation, then the OCR text (marked as
machine-read, so readers know to check the scan), then the summary. Tantivy escapes the text and
wraps matches in <b>, so the HTML is safe to show.

Two kinds of match Tantivy's snippets cannot mark are marked here: Han text is indexed folded to
Simplified, so a snippet of Traditional text is cut from the folded text and shown, at the same offsets,
from the text as written; and a word found through a language's stemmer (правах for право, Verhandlungen
for Verhandlung) matched a field that is not stored, so the words of the stored text with the same stem
are marked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

import tantivy

from . import ocr_noise
from .schema import FOLDED, LANGUAGE_STEMMERS, analyzers, build_schema, unspace_cjk, written_field

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
    near = ocr_noise.matcher(words) if text else None
    return _marked_snippet(text, near, max_chars, glue=True) if near is not None else None


# The analyzers a word may have been found by in a field without stored text: each content language's
# (English matches are in the stored fields, where Tantivy marks them itself).
_STEM_ANALYZERS = tuple(LANGUAGE_STEMMERS)
_PREFIX = 3  # a word and its stem's other forms share their first letters (право, правах; Recht, Rechte)


class StemMatcher:
    """Whether a word is one of the query's words as some language's stemmer sees it (правах for право,
    Rechten for Recht, libres for libre). Only words sharing a query word's first letters are stemmed."""

    def __init__(self, words: list[str], languages: Iterable[str] = _STEM_ANALYZERS) -> None:
        self._analyzers = analyzers()
        self._targets: dict[str, set[str]] = {code: set() for code in languages if code in _STEM_ANALYZERS}
        self._prefixes: set[str] = set()
        for word in words:
            for token in self._analyzers[FOLDED].analyze(word):
                self._prefixes.add(token[:_PREFIX])
                for code, targets in self._targets.items():
                    targets.update(self._analyzers[code].analyze(token))

    def __bool__(self) -> bool:
        return bool(self._prefixes)

    def __call__(self, candidate: str) -> bool:
        folded = self._analyzers[FOLDED].analyze(candidate)
        if len(folded) != 1 or folded[0][:_PREFIX] not in self._prefixes:
            return False
        return any(stem in targets for code, targets in self._targets.items()
                   for stem in self._analyzers[code].analyze(folded[0]))


def stemmed_snippet(text: str, words: list[str], languages: Iterable[str], max_chars: int = SNIPPET_CHARS) -> str | None:
    """A snippet around the words of `text` that the stemmer of one of `languages` makes one of the query's words."""
    matcher = StemMatcher(words, languages)
    if not matcher or not text:
        return None
    return _marked_snippet(text, matcher, max_chars)


def _marked_snippet(text: str, near, max_chars: int, glue: bool = False) -> str | None:
    tokens = list(_WORD.finditer(text))
    marked: list[tuple[int, int]] = []
    for i, m in enumerate(tokens):
        word = m.group().lower()
        if near(word):
            marked.append((m.start(), m.end()))
        elif glue and i + 1 < len(tokens) and near(word + tokens[i + 1].group().lower()):
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


def written_text(doc: tantivy.Document, name: str) -> str | None:
    """A stored field's text as written (Traditional characters where the index folded them)."""
    written = doc.get_first(written_field(name))
    return written.decode("utf-8", "surrogatepass") if written is not None else doc.get_first(name)


def snippet_html(snippet: tantivy.Snippet, doc: tantivy.Document, name: str) -> str:
    """The snippet's HTML in the script the text was written in. Tantivy's offsets are bytes of the
    folded text; folding keeps every character's place, so the same characters of the written text
    are cut and marked."""
    written = doc.get_first(written_field(name))
    if written is None:
        return unspace_cjk(snippet.to_html())
    folded = doc.get_first(name).encode("utf-8", "surrogatepass")
    text = written.decode("utf-8", "surrogatepass")
    fragment = snippet.fragment_range()

    def char_at(byte_offset: int) -> int:
        return len(folded[:byte_offset].decode("utf-8", "surrogatepass"))

    start, end = char_at(fragment.start), char_at(fragment.end)
    parts, pos = [], start
    for mark in snippet.highlighted():
        a, b = char_at(fragment.start + mark.start), char_at(fragment.start + mark.end)
        parts.append(escape(text[pos:a]) + "<b>" + escape(text[a:b]) + "</b>")
        pos = b
    parts.append(escape(text[pos:end]))
    return unspace_cjk("".join(parts))


class Highlighter:
    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, words: list[str] | None = None,
                 searched: list[str] | None = None) -> None:
        """`words`: the single words asked for (approximate OCR matches); `searched`: every word of the
        query's words and phrases (matches through a language's stemmer)."""
        self.words = words or []
        self.searched = searched or self.words
        schema = build_schema()
        self.generators: dict[str, tantivy.SnippetGenerator] = {}
        for name in [*SNIPPET_FIELDS, "title"]:
            generator = tantivy.SnippetGenerator.create(searcher, query, schema, name)
            generator.set_max_num_chars(1000 if name == "title" else SNIPPET_CHARS)
            self.generators[name] = generator

    def title(self, doc: tantivy.Document) -> str:
        snippet = self.generators["title"].snippet_from_doc(doc)
        if snippet.highlighted():
            return snippet_html(snippet, doc, "title")
        return unspace_cjk(escape(written_text(doc, "title") or ""))

    def snippet(self, doc: tantivy.Document) -> SnippetResult | None:
        for name in SNIPPET_FIELDS:
            if doc.get_first(name) is None:
                continue
            if name == "ocr" and (html := approximate_snippet(written_text(doc, name), self.words)):
                # Machine-read text: mark the noisy matches too ("Ghantung" for Shantung).
                return SnippetResult(unspace_cjk(html), name, True)
            snippet = self.generators[name].snippet_from_doc(doc)
            if snippet.highlighted():
                return SnippetResult(snippet_html(snippet, doc, name), name, name == "ocr")
        # A word found by a content language's stemmer, in a field Tantivy cannot make snippets of. Only
        # records with texts in such a language: reading every word of the others cost half the result page.
        stemmed = doc.get_all("stemmed")
        for name in SNIPPET_FIELDS if stemmed else ():
            text = written_text(doc, name)
            if text and (html := stemmed_snippet(text, self.searched, stemmed)):
                return SnippetResult(unspace_cjk(html), name, name == "ocr")
        # Otherwise (a date-only or name-variant match): the start of the best text, plainly.
        for name in SNIPPET_FIELDS:
            text = written_text(doc, name)
            if text:
                cut = text[:SNIPPET_CHARS]
                return SnippetResult(unspace_cjk(escape(cut)) + ("…" if len(text) > SNIPPET_CHARS else ""), name,
                                     name == "ocr")
        return None
