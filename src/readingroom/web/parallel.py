"""An original beside one of its translations, aligned paragraph by paragraph where the paragraphs correspond.

"Correspond" is decided from the texts alone: the same number of paragraphs, and each paragraph holding about
the same share of its text as its counterpart does of the other. Shares rather than lengths, because a Chinese
paragraph is a third as long as its English translation; within a pair of texts that density is constant, so
a paragraph merged, split, dropped or moved in one of them shows up as a share far off its counterpart's.
Measured on the Universal Declaration (80 paragraphs in zh-Hans, en, ru, ja) the ratio of shares stays within
0.43-1.73; one paragraph dropped and another doubled pushes it to 0.03 and 22.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import get_language

from readingroom.catalog.languages import base_language, language_code, language_name, script_direction
from readingroom.catalog.models import Content
from readingroom.catalog.originals import original_content, translations
from readingroom.web.highlight import highlight_html, plain_text_html

# Bounds of a paragraph's share of its text over its counterpart's share: beyond them the pair does not match.
SHARE_RATIO = 3.0
# Paragraphs under this fraction of the average paragraph on both sides (a heading, a signature) vary too much
# in share to judge, and pass.
SMALL_PART = 0.25

_BLANK_LINE = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """A plain text's paragraphs: separated by blank lines, as importers and editors write them."""
    return [p.strip() for p in _BLANK_LINE.split((text or "").replace("\r\n", "\n")) if p.strip()]


def corresponds(original: list[str], translation: list[str]) -> bool:
    """Whether two texts' paragraphs can be shown row by row, each row a paragraph and its translation."""
    if len(original) != len(translation) or len(original) < 2:
        return False
    total_o, total_t = sum(map(len, original)), sum(map(len, translation))
    small = SMALL_PART / len(original)
    for o, t in zip(original, translation, strict=True):
        share_o, share_t = len(o) / total_o, len(t) / total_t
        if share_o < small and share_t < small:
            continue
        if not (1 / SHARE_RATIO <= share_t / share_o <= SHARE_RATIO):
            return False
    return True


@dataclass
class TextBlock:
    """One side of the pair: the content, its language and direction, and its text as HTML."""

    content: Content
    language: str
    direction: str
    name: str
    html: str  # the whole text (markup, or paragraphs), for the side-by-side columns
    paragraphs: list[str] = field(default_factory=list)  # one HTML paragraph each, when aligned


@dataclass
class Pair:
    original: TextBlock
    translation: TextBlock
    aligned: bool
    single: bool = False  # one paragraph on each side: nothing to align, and nothing that fails to correspond

    @property
    def columns(self) -> list[TextBlock]:
        return [self.original, self.translation]

    @property
    def rows(self) -> list[tuple[str, str]]:
        return list(zip(self.original.paragraphs, self.translation.paragraphs, strict=True))


@dataclass
class Choice:
    """The translations a reader can pick from, the one shown, and whether the asked-for tag was unknown."""

    options: list[Content]
    chosen: Content | None
    unknown: str = ""


def original_text(content: Content) -> str:
    """A transcript's text, or a scan's OCR text (its pages', as the page shows them)."""
    if content.kind == Content.Kind.SCAN:
        return "\n\n".join(p.text.strip() for p in content.pages.all() if p.text.strip()) or content.text
    return content.text


def choose_translation(contents: list[Content], asked: str, interface_language: str) -> Choice:
    """The translation `?translation=<tag>` asks for; otherwise (or for a tag the record has no translation
    in) one in the reader's interface language, else English, else the first catalogued."""
    options = translations(contents)
    if not options:
        return Choice([], None, asked)
    by_tag = {c.language.lower(): c for c in options}
    if asked:
        found = by_tag.get(asked.strip().lower()) or by_tag.get((language_code(asked) or "").lower())
        if found is not None:
            return Choice(options, found)
    wanted = base_language(interface_language or "en")
    chosen = (next((c for c in options if base_language(c.language) == wanted), None)
              or next((c for c in options if base_language(c.language) == "en"), None) or options[0])
    return Choice(options, chosen, asked.strip()[:40] if asked else "")


def _block(content: Content, text: str, terms: list[str], split: bool) -> TextBlock:
    language = content.language
    parts = paragraphs(text) if split else []
    html = content.markup if content.kind != Content.Kind.SCAN and content.markup else plain_text_html(text)
    return TextBlock(
        content=content, language=language, direction=script_direction(language) if language else "ltr",
        name=language_name(language, get_language()) if language else "", html=highlight_html(html, terms),
        paragraphs=[highlight_html(plain_text_html(p), terms) for p in parts],
    )


def build_pair(contents: list[Content], languages: list[str], translation: Content | None,
               terms: list[str]) -> Pair | None:
    """The original beside `translation`, or None when there is no translation or no original text to pair."""
    if translation is None:
        return None
    original = original_content(contents, languages)
    if original is None or not original_text(original).strip():
        return None
    o_text, t_text = original_text(original), translation.text
    # Importer markup (FRUS TEI) carries structure the plain paragraphs would lose: shown whole, never split.
    plain = not (original.markup and original.kind != Content.Kind.SCAN) and not translation.markup
    o_paragraphs, t_paragraphs = paragraphs(o_text), paragraphs(t_text)
    aligned = plain and corresponds(o_paragraphs, t_paragraphs)
    single = len(o_paragraphs) <= 1 and len(t_paragraphs) <= 1
    return Pair(_block(original, o_text, terms, aligned), _block(translation, t_text, terms, aligned), aligned,
                single)
