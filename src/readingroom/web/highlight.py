"""Marks a search's words in a transcript and finds them among a scan page's OCR word boxes.

The words come from search (`words_to_mark`: the query as its parser read it, with the names it matched).

Matching is on lowercased word forms with punctuation stripped, so "Stalin's" and "Stalin," both match
"stalin"; a word that a language's stemmer makes a search word is marked too (правах for право, Rechten
for Recht), and Chinese is matched with Traditional read as Simplified (权利 marks 權利), as search finds
them. It is a reading aid, not the search engine's own scoring.
"""

from __future__ import annotations

import re

from django.utils.html import escape

WORD = re.compile(r"\w+", re.UNICODE)
TAG = re.compile(r"(<[^>]+>)")
MARK = '<mark class="hit">'


# Chinese, Japanese and Korean put no spaces between words: a term in those scripts is marked wherever it
# stands in a run of characters, as search finds it (each character is a token there).
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True) if not CJK_CHAR.search(t))
    # Whole words, with an optional possessive or plural tail: Stalin -> Stalin's, telegram -> telegrams.
    return re.compile(f"(?:{words})(?:'s|s|es)?", re.IGNORECASE | re.UNICODE) if words else None


_WORD_AND_TAIL = re.compile(r"\w+(?:'s)?", re.UNICODE)


def _spans(text: str, terms: list[str], stems) -> list[tuple[int, int]]:
    """Where the terms stand in a piece of text (between tags), in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    pattern = _pattern(terms)
    for m in _WORD_AND_TAIL.finditer(text):
        # Entity names and numbers ("&amp;", "&#39;") stay whole when someone searches "amp" or "39".
        if m.start() and text[m.start() - 1] in "&#":
            continue
        word = m.group()
        if (pattern is not None and pattern.fullmatch(word)) or (not CJK_CHAR.search(word) and stems(word)):
            spans.append(m.span())
    runs = [t for t in terms if CJK_CHAR.search(t)]
    if runs and CJK_CHAR.search(text):
        from readingroom.search import fold_han

        folded = fold_han(text)  # the same length: offsets in it are offsets in the text
        for run in {fold_han(t) for t in runs}:
            start = folded.find(run)
            while start >= 0:
                spans.append((start, start + len(run)))
                start = folded.find(run, start + len(run))
    kept: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if not kept or a >= kept[-1][1]:
            kept.append((a, b))
    return kept


def highlight_html(html: str, terms: list[str]) -> str:
    """Wrap the terms in <mark> in trusted HTML, touching text between tags only."""
    if not terms or not html:
        return html
    from readingroom.search import StemMatcher

    stems = StemMatcher([t for t in terms if not CJK_CHAR.search(t)])
    pieces = TAG.split(html)
    for i in range(0, len(pieces), 2):  # even indexes are text, odd ones are tags
        text, out, pos = pieces[i], [], 0
        for a, b in _spans(text, terms, stems):
            out.append(text[pos:a] + MARK + text[a:b] + "</mark>")
            pos = b
        pieces[i] = "".join(out) + text[pos:]
    return "".join(pieces)


def plain_text_html(text: str) -> str:
    """Plain text as paragraphs (like Django's linebreaks filter), escaped."""
    paragraphs = re.split(r"\n{2,}", (text or "").replace("\r\n", "\n").strip())
    return "\n".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def word_matches(word: str, terms: list[str], stems=None) -> bool:
    low = "".join(WORD.findall(word.lower()))
    # "Stalin's" reads as "stalins" once punctuation is gone; plurals match like in the transcript.
    if any(low.startswith(t) and low[len(t):] in {"", "s", "es"} for t in terms):
        return True
    return bool(stems and low and stems(low))


def hit_boxes(words: list, terms: list[str]) -> list[list[int]]:
    """[x, y, w, h] of every OCR word on a page that matches a term."""
    from readingroom.search import StemMatcher

    stems = StemMatcher([t for t in terms if not CJK_CHAR.search(t)])
    boxes = []
    for entry in words or []:
        if len(entry) >= 6 and isinstance(entry[5], str) and word_matches(entry[5], terms, stems):
            boxes.append([int(entry[0]), int(entry[1]), int(entry[2]), int(entry[3])])
    return boxes
