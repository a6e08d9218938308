"""A phrase in OCR text with one of its words lost (misread past any tolerance, or never read) is found,
ranked below pages with every word; typed text still needs every word. Also after the OCR is corrected
and after the record is restricted, each followed by an incremental update."""

from __future__ import annotations

import pytest

from readingroom.catalog.models import AccessLevel, Content, Record
from readingroom.search import writer
from readingroom.search.index_dir import open_for_reading
from readingroom.search.ocr_noise import DEFAULT, Tolerance
from readingroom.search.query_compile import parse

from .conftest import STAFF
from .corpus import scan, store_all
from .helpers import ids

PHRASE = '"Tientsin harbour pilots"'


@pytest.fixture
def pages(db):
    store_all([
        scan("every-word", "The pilots of the harbour at Tientsin asked for more pay."),  # scattered, all there
        scan("one-lost", "Report of the Tientsin h%&;r pilots for the winter."),  # "harbour" lost to noise
        scan("two-lost", "Report of the T!@ntsn h%&;r pilots for the winter."),
        scan("typed", "The pilots of the harbour at Tientsin, typed.", kind="transcript"),  # typed: exact only
        scan("unrelated", "The harbour master's accounts for 1921."),
    ])
    writer.rebuild()


def test_a_phrase_missing_one_word_in_ocr_text_ranks_below_every_word(pages):
    found = ids(PHRASE)
    assert found[:2] == ["every-word", "one-lost"]
    assert "two-lost" not in found and "typed" not in found


def test_one_word_of_a_two_word_phrase_is_enough_in_ocr_text_only(pages):
    found = ids('"harbour master"')
    assert found[0] == "unrelated"  # the phrase itself
    assert "every-word" in found  # "harbour" in OCR text
    assert "typed" not in found and "one-lost" not in found


def test_short_words_alone_are_not_enough(pages):
    # "two-lost" reads "the" but not "harbour": what is left of "the harbour" without "harbour" is a word
    # too short to match approximately, which most pages have.
    assert "two-lost" not in ids('"the harbour"')
    assert "every-word" in ids('"the harbour"')  # both words, apart
    assert "one-lost" in ids('"from Tientsin"')  # without "from", "Tientsin" is left


def test_the_tolerance_decides(pages):
    never = Tolerance(loose_phrases=0)
    three = Tolerance(loose_phrases=3)
    assert DEFAULT.loose_phrases == 2

    def found(q: str, tol: Tolerance) -> bool:
        return "one-lost" in ids_with(q, tol)

    assert found(PHRASE, three) and not found(PHRASE, never)
    assert not found('"Tientsin harbour"', three)  # two words: never loosened from 3
    assert found('"Tientsin harbour"', DEFAULT)


def ids_with(q: str, tol: Tolerance) -> list[str]:
    searcher = open_for_reading(public=True).searcher()
    query = parse(q, tolerance=tol, expand=False).query
    return [searcher.doc(address).get_first("public_id") for _score, address in searcher.search(query, 50).hits]


def test_corrected_ocr_then_matches_the_phrase_itself(pages):
    content = Content.objects.get(record__public_id="one-lost")
    content.text = "Report of the Tientsin harbour pilots for the winter."  # corrected by an archivist
    content.save()
    Record.objects.get(public_id="one-lost").save()
    assert writer.drain().indexed >= 1
    assert ids(PHRASE)[:2] == ["one-lost", "every-word"]  # the phrase itself first now


def test_a_restricted_page_is_not_found_loosely_by_the_public(pages):
    Record.objects.filter(public_id="one-lost").update(access_level=AccessLevel.STAFF)
    Record.objects.get(public_id="one-lost").save()
    writer.drain()
    assert "one-lost" not in ids(PHRASE)
    assert "one-lost" in ids(PHRASE, user=STAFF)
