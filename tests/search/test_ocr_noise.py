"""OCR-noise tolerance (search/ocr_noise.py) in a real Tantivy index built through the app: misread words
are found in OCR text only, hostile queries stay bounded, and an edited OCR text is searched as edited."""

from __future__ import annotations

import re

import pytest

from readingroom.catalog.models import Content, Record
from readingroom.search import ocr_noise, writer
from readingroom.search.engine import search
from readingroom.search.ocr_noise import DEFAULT, Tolerance
from readingroom.search.query_compile import parse
from readingroom.search.query_syntax import MAX_TERMS

from .corpus import scan, store_all
from .helpers import ids


@pytest.fixture
def noisy(db):
    store_all([
        # rn read for m, and c for e, three times in one word: Levenshtein 1 or 2 cannot reach them
        scan("ocr-modern", "A rnodern rnernorandurn on the harbour works."),
        # noise in the suffix: the stemmer leaves "plantmg" whole, while the query's stem is "plant"
        scan("ocr-suffix", "The plantmg season was late in the valley."),
        # li read for h, b for h: "tbe" for "the" is a short word, matched exactly only
        scan("ocr-short", "Tbe Cliief Secretary wrote to tbe council."),
        # the same misreadings typed into a transcript are what the transcriber meant: exact only there
        scan("typed-modern", "The rnodern rnernorandurn of the Cliief Secretary.", kind="transcript"),
    ])
    writer.rebuild()


def test_confusions_find_misread_words_in_ocr_text(noisy):
    assert ids("modern") == ["ocr-modern"]
    assert ids("memorandum") == ["ocr-modern"]
    assert ids("planting") == ["ocr-suffix"]
    assert ids("chief") == ["ocr-short"]


def test_the_same_misreadings_in_a_transcript_are_not_matched(noisy):
    assert "typed-modern" not in ids("memorandum") + ids("modern") + ids("chief")
    assert set(ids("rnernorandurn")) == {"ocr-modern", "typed-modern"}  # the word as written matches both


def test_short_words_and_tolerance_off_match_exactly(noisy):
    assert ids("the") and "ocr-short" not in ids("the")  # "tbe": below min_length
    strict = Tolerance(min_length=3)
    parsed = parse("the", tolerance=strict, expand=False)
    assert parsed.exact is not None  # a short word gets approximate clauses when the tolerance allows
    assert ids("modern", approximate="always") == ["ocr-modern"]
    assert search("modern", fuzzy=False, with_facets=False).total == 0


def test_approximate_match_is_marked_in_the_snippet(noisy):
    hit = search("memorandum", with_facets=False).hits[0]
    assert hit.snippet is not None and hit.snippet.machine_read
    assert "<b>rnernorandurn</b>" in hit.snippet.html


def test_regex_is_escaped_and_bounded():
    # Query words are analyser tokens, but nothing relies on it: metacharacters are literals.
    pattern = ocr_noise.confusion_regex("ab.*c|de", DEFAULT, edits=0)
    assert pattern is not None and re.fullmatch(pattern, "ab.*c|de") and not re.fullmatch(pattern, "abxxxc")
    wide = Tolerance(confusions=ocr_noise.WIDE_CONFUSIONS)
    for word in ("m" * 30, "rn" * 15, "mmmmmmmmmmmmmmmmmmmmmmmmmmmmm", "x" * 31, "z" * 5000):
        for edits in (0, 1):
            pattern = ocr_noise.confusion_regex(word, wide, edits=edits)
            assert pattern is None or len(pattern) <= wide.max_regex_chars
    assert ocr_noise.word_query("z" * 5000, "z" * 5000) is None  # past max_word_chars: exact only
    assert ocr_noise.confusion_regex("modern", DEFAULT, edits=1) is not None


def test_snippet_marking_reads_tokens_as_the_index_folds_them():
    near = ocr_noise.matcher(["memorandum"])
    assert near("rnernorandurn") and near("Rn\u00e9rnorandurn")  # an accent the index folds away
    assert near("rnernorandurns") and not near("harbour") and not near("rnernorandurnxx")


def test_automata_per_word_stay_bounded():
    # Each automaton is built per search (a regex's DFA costs about a millisecond): a fixed few per word.
    tolerances = (DEFAULT, Tolerance(confusions=ocr_noise.WIDE_CONFUSIONS), Tolerance(confusion_edits=0),
                  Tolerance(min_length=1, two_edits_from=2))
    words = [("memorandum", "memorandums"), ("plant", "planting"), ("modern", None), ("m" * 30, "m" * 30),
             ("rn" * 15, "rn" * 14), ("mmmmmmmmmmmmmmmmmmmmmmmmmmmmm", "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"),
             ("приказ", None), ("x" * 31, "x" * 31)]
    for tol in tolerances:
        for stem, surface in words:
            clauses = ocr_noise.word_automata(stem, surface, tol)
            assert len(clauses) <= ocr_noise.MAX_AUTOMATA
            assert bool(clauses) == ocr_noise.widens(stem, surface, tol)
            query = ocr_noise.word_query(stem, surface, tol)
            assert (query is None) == (not clauses)
            if query is not None:  # the query is made of exactly those clauses
                shown = repr(query)
                assert shown.count("RegexQuery") + shown.count("FuzzyTermQuery") == len(clauses)
    # A word with confusable letters: one regex (confusions and an edit) and, 8 letters or more, two edits.
    assert len(ocr_noise.word_automata("modern", None)) == 1
    assert len(ocr_noise.word_automata("memorandum", None)) == 2
    assert len(ocr_noise.word_automata("memorandum", "memorandums")) == 4  # the stem: confusions, 2 edits


@pytest.mark.parametrize("hostile", [
    "m" * 2000,
    " ".join(["rnrnrnrnrnrnrnrnrnrnrnrnrn"] * 200),
    " ".join(f"memorandum{i}" for i in range(MAX_TERMS * 3)),
    '.* (?:a|b) [a-z]+ \\d{1,1000} ^$ ((((( ))) "rnodern.*" a**b',
    '"modern harbour works memorandum season valley"',
])
def test_hostile_queries_stay_bounded_and_answer(noisy, hostile):
    parsed = parse(hostile, expand=False)
    assert parsed.query is not None
    results = search(hostile, with_facets=False, approximate="always")
    if parsed.tree is None:  # a word past 60 characters is dropped: nothing searchable, everything shown
        assert results.total == Record.objects.count()
    elif "rnodern" not in hostile:  # approximate clauses never reach the typed transcript
        assert "typed-modern" not in [h.public_id for h in results.hits]


def test_metacharacters_do_not_match_everything(noisy):
    assert ids("modern.*") == ["ocr-modern"]  # the tokenizer drops ".*"; the word is matched as a word
    assert ids(".*") == ids("") and ids("rn.*") == []


def test_edited_ocr_text_is_searched_after_an_incremental_update(noisy):
    content = Content.objects.get(record__public_id="ocr-suffix")
    content.text = "The harvest was gathered by tbe Gcvernrnent's men."  # "Government", misread
    content.save()
    Record.objects.get(public_id="ocr-suffix").save()  # as an edit in the admin saves its record
    report = writer.drain()
    assert report.indexed >= 1
    assert ids("government") == ["ocr-suffix"]
    assert ids("planting") == []  # the old misreading is gone from the index
    assert ids("memorandum") == ["ocr-modern"]  # other records untouched
