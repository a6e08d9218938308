"""The learned OCR confusion table (search/ocr_noise.LEARNED_CONFUSIONS) in a real Tantivy index: long
words stay within the regex caps, and a word whose regex is too big still finds its misreadings through
the fallback (the confusions alone, and a Levenshtein automaton)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import tantivy

from readingroom.search import ocr_noise
from readingroom.search.documents import joined_pairs
from readingroom.search.index_dir import create_index
from readingroom.search.ocr_noise import DEFAULT, LEARNED_CONFUSIONS, MAX_AUTOMATA
from readingroom.search.query_compile import parse
from readingroom.search.schema import build_schema

LEARNED = replace(DEFAULT, confusions=LEARNED_CONFUSIONS)
LONG_WORDS = ("antidisestablishmentarianism", "electroencephalographic", "counterrevolutionaries",
              "incomprehensibilities", "internationalisation", "misrepresentations", "a" * 30, "e" * 30)


def letters() -> str:
    """Every letter of the learned table, in a word of the longest length matched approximately."""
    pieces = sorted({c for pair in LEARNED_CONFUSIONS for piece in pair for c in piece})
    return ("".join(pieces) * 30)[:LEARNED.max_word_chars]


@pytest.mark.parametrize("tol", [LEARNED, DEFAULT], ids=["learned", "default"])
def test_learned_regexes_for_long_words_stay_within_the_caps(tol):
    for word in (*LONG_WORDS, letters()):
        for edits in (0, 1):
            pattern = ocr_noise.confusion_regex(word, tol, edits=edits)
            assert pattern is None or len(pattern) <= tol.max_regex_chars
        clauses = ocr_noise.automata(word, tol)
        assert 1 <= len(clauses) <= 2  # always the fallback at least, never more than two
        assert len(ocr_noise.word_automata(word, word + "s", tol)) <= MAX_AUTOMATA


def test_the_learned_table_is_bigger_than_the_regex_cap_for_some_long_words():
    # Otherwise the next test would not exercise the fallback.
    assert ocr_noise.confusion_regex(letters(), LEARNED, edits=1) is None


def index_of(texts: dict[int, str], path) -> tantivy.Index:
    index = create_index(path)
    writer = index.writer(50_000_000, 1)
    schema = build_schema()
    for pk, text in texts.items():
        writer.add_document(tantivy.Document.from_dict(
            {"pk": [pk], "public_id": [str(pk)], "title": [""], "ocr": [text], "access": ["public"],
             "joined": [joined_pairs(text)]}, schema))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def found(index: tantivy.Index, word: str, tol) -> list[int]:
    query = parse(word, expand=False, tolerance=tol).query
    return sorted(int(index.searcher().doc(a).get_first("pk")) for _s, a in index.searcher().search(query, 10).hits)


def misread(word: str, pairs: tuple[tuple[str, str], ...], times: int) -> str:
    """The word with its first `times` confusable letters read as their learned confusion."""
    table = {a: b for a, b in pairs if len(a) == 1 and len(b) == 1} | {b: a for a, b in pairs
                                                                      if len(a) == 1 and len(b) == 1}
    out, done = [], 0
    for c in word:
        if done < times and c in table:
            out.append(table[c])
            done += 1
        else:
            out.append(c)
    assert done == times
    return "".join(out)


def test_a_word_past_the_regex_cap_finds_its_misreadings_through_the_fallback(tmp_path):
    word = letters()
    confused = misread(word, LEARNED_CONFUSIONS, 5)  # five confusions: beyond two edits, the confusion regex
    edited = word[:10] + word[11:]  # one letter lost: the Levenshtein automaton
    index = index_of({1: f"Read {confused} here.", 2: f"And {edited} there.", 3: "Nothing like it."}, tmp_path)
    assert found(index, word, LEARNED) == [1, 2]
    assert found(index, word, ocr_noise.NONE) == []


def test_learned_confusions_find_a_misread_word_that_edits_alone_miss(tmp_path):
    word = "remembrance"
    confused = misread(word, LEARNED_CONFUSIONS, 3)  # three confusions: Levenshtein 2 misses it
    index = index_of({1: f"In {confused} of them.", 2: "In memory of them."}, tmp_path)
    assert found(index, word, LEARNED) == [1]
    assert found(index, word, replace(LEARNED, confusions=())) == []
