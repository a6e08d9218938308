"""The Tantivy schema and its analyzers. Bump SCHEMA_VERSION whenever a field or analyzer changes:
`readingroom index --if-needed` then rebuilds, and searches refuse an index of another version."""

from __future__ import annotations

import re
from functools import cache

import tantivy
from tantivy import Filter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer

from .scripts import HAN, fold_han

SCHEMA_VERSION = 10  # 5: a second, public index in each generation; 6: CJK characters set apart;
# 7: Han text folded to Simplified (scripts.py), the text as written kept beside it; 8: `stemmed` stored;
# 9: the repository (its name) as a field and a facet; 10: each record in one index (the first holds the
# withheld records only, no longer a copy of every record)

# English is the default analysis: most holdings are English, and queries are typed in English.
ENGLISH = "en"
# Content languages with a Tantivy stemmer get a field of their own, so "Verhandlungen" finds "Verhandlung".
LANGUAGE_STEMMERS = {"de": "german", "fr": "french", "ru": "russian", "es": "spanish"}
FOLDED = "folded"  # lowercased, accents folded, not stemmed: names, codes, field queries on short values

# Text fields a word query searches, with their weights. OCR text is machine-read: it counts, but less.
TEXT_FIELDS: dict[str, float] = {
    "title": 4.0,
    "summary": 2.0,
    "names": 2.0,
    "transcript": 1.5,
    "translation": 1.5,
    **{f"text_{code}": 1.2 for code in LANGUAGE_STEMMERS},
    "ocr": 0.8,
    "notes": 0.6,
}
# Adjacent tokens glued together ("resig nation" -> "resignation"): recall for split words, ranked low.
JOINED_FIELD = "joined"
JOINED_WEIGHT = 0.4
FUZZY_FIELD = "ocr"
FUZZY_WEIGHT = 0.25

# Field prefixes users may type, mapped to the indexed text field they search.
FIELD_PREFIXES = {
    "title": "title",
    "person": "person",
    "people": "person",
    "place": "place",
    "subject": "subject",
    "organization": "organization",
    "org": "organization",
    "collection": "collection",
    "type": "type",
    "language": "language",
    "lang": "language",
    "classification": "classification",
    "repository": "repository",
    "summary": "summary",
    "id": "public_id_text",
}

# Facet dimensions: raw, fast, multi-valued text fields (and two integer ones).
FACET_FIELDS = {
    "collection": "f_collection",
    "type": "f_type",
    "language": "f_language",
    "classification": "f_classification",
    "person": "f_person",
    "place": "f_place",
    "subject": "f_subject",
    "organization": "f_organization",
    "repository": "f_repository",
}
INTEGER_FACETS = {"decade": "decade", "year": "year"}


# Chinese, Japanese and Korean put no spaces between words, so Tantivy's simple tokenizer made a run such
# as 毛泽东同志在北京 one token (dropped past 60 bytes), and 北京 found nothing. Text with such characters
# is indexed with a space around each of them, so each is a token; a query's CJK word, spaced the same way,
# becomes a phrase of its characters (query_compile.py makes multi-token words phrases) and is found wherever it
# stands, without a dictionary of words. Only text that has such characters pays for this: Tantivy's
# regex tokenizer did the same for every text at a third of the rebuild's speed. Snippets and titles
# made from the stored (spaced) text are joined again by `unspace_cjk`.
_CJK = f"\u3040-\u30ff{HAN}\uac00-\ud7af"  # kana, Han, Hangul
_CJK_CHAR = re.compile(f"([{_CJK}])")
_CJK_SPACED = re.compile(f" ?([{_CJK}]) ?")
# A space between two CJK characters, with a snippet's <b> marks on either side of it; CJK punctuation
# (，。「」 and the full-width forms) counts as CJK there, or snippets read 自由 ， 在.
_CJK_JOINS = _CJK + "\u3000-\u303f\uff00-\uffef"
_CJK_GAP = re.compile(f"([{_CJK_JOINS}])((?:</?b>)*) ((?:</?b>)*)(?=[{_CJK_JOINS}])")


def has_cjk(text: str) -> bool:
    """Whether `text` has a Chinese, Japanese or Korean character (Han ones included). ASCII text is told
    by one fast check, without the regex scan (most of an archive's text)."""
    return not text.isascii() and _CJK_CHAR.search(text) is not None


def space_cjk(text: str) -> str:
    """Each CJK character set apart by one space, so the tokenizer makes it a token; other text unchanged."""
    if not _CJK_CHAR.search(text):
        return text
    return _CJK_SPACED.sub(r" \1 ", text).replace("  ", " ").strip(" ")


def searchable(text: str) -> str:
    """Text as the analyzers see it, in documents and queries alike: Han folded to Simplified, CJK spaced."""
    return space_cjk(fold_han(text))


# Stored text fields whose Han characters are folded: where folding changed something, the text as
# written is stored beside it (as UTF-8 bytes, stored only) for snippets and titles to show.
DISPLAY_FIELDS = ("title", "summary", "transcript", "translation", "ocr")


def written_field(name: str) -> str:
    return f"written_{name}"


def unspace_cjk(html: str) -> str:
    """Undo `space_cjk` for display: the spaces between two CJK characters go, across <b> marks too."""
    if not _CJK_CHAR.search(html):
        return html
    return _CJK_GAP.sub(r"\1\2\3", html)


def _analyzer(stemmer: str | None) -> TextAnalyzer:
    builder = (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(60))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
    )
    if stemmer:
        builder = builder.filter(Filter.stemmer(stemmer))
    return builder.build()


@cache
def analyzers() -> dict[str, TextAnalyzer]:
    found = {ENGLISH: _analyzer("english"), FOLDED: _analyzer(None)}
    for code, stemmer in LANGUAGE_STEMMERS.items():
        found[code] = _analyzer(stemmer)
    return found


def analyzer_for_field(field: str) -> TextAnalyzer:
    if field.startswith("text_"):
        return analyzers()[field.removeprefix("text_")]
    if field in {"person", "place", "subject", "organization", "type", "language", "classification",
                 "public_id_text"}:
        return analyzers()[FOLDED]
    return analyzers()[ENGLISH]


def register_analyzers(index: tantivy.Index) -> None:
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)


@cache
def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("pk", stored=True, indexed=True, fast=True)
    sb.add_integer_field("digest", stored=True, fast=True)
    sb.add_text_field("public_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("public_id_text", tokenizer_name=FOLDED)
    # Stored text fields feed the snippets.
    for name in DISPLAY_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name=ENGLISH)
        sb.add_bytes_field(written_field(name), stored=True)
    sb.add_text_field("names", tokenizer_name=ENGLISH)
    sb.add_text_field("notes", tokenizer_name=ENGLISH)
    for code in LANGUAGE_STEMMERS:
        sb.add_text_field(f"text_{code}", tokenizer_name=code)
    sb.add_text_field(JOINED_FIELD, tokenizer_name=ENGLISH, index_option="freq")
    # The stemmed languages a record's texts are in: only those records get a snippet made by stemming.
    sb.add_text_field("stemmed", stored=True, tokenizer_name="raw")
    for name in ("person", "place", "subject", "organization", "type", "language", "classification"):
        sb.add_text_field(name, tokenizer_name=FOLDED)
    sb.add_text_field("collection", tokenizer_name=ENGLISH)
    sb.add_text_field("repository", tokenizer_name=ENGLISH)
    for field in FACET_FIELDS.values():
        sb.add_text_field(field, fast=True, tokenizer_name="raw")
    # Dates as yyyymmdd integers: range filters and sorting stay simple and fast.
    for name in ("date_start", "date_end", "year", "decade"):
        sb.add_integer_field(name, stored=True, indexed=True, fast=True)
    # Access is filtered at query time, so an embargo that ends needs no re-index.
    sb.add_text_field("access", stored=True, fast=True, tokenizer_name="raw")
    sb.add_integer_field("embargo_until", indexed=True, fast=True)
    return sb.build()
