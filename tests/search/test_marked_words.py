"""The words a document page marks for a search come from search's own parser and name expansion."""

from __future__ import annotations

import pytest

from readingroom.catalog.models import Authority, NameVariant
from readingroom.search import variants, words_to_mark
from readingroom.search.marked_words import MAX_TYPED


@pytest.mark.django_db
def test_words_are_what_the_parser_read():
    variants.forget()  # no names known: the words alone
    # Operators, negated words, field names and date filters are not words of the text.
    assert words_to_mark('Stalin AND "inner defense line" -Churchill NOT Warsaw person:Harriman date:1944-02') == [
        "stalin", "inner", "defense", "line", "harriman"]
    assert words_to_mark("(Danzig OR Gdynia) title:(Port Arthur)") == ["danzig", "gdynia", "port", "arthur"]
    # One-letter words and the few words marked everywhere are left out; repeats are marked once.
    assert words_to_mark("the Treaty of a treaty and x") == ["treaty"]
    assert words_to_mark("北京 Łódź") == ["北京", "łódź"]
    for nothing in ("", None, "-Churchill", "date:1944", "( ) -", '"'):
        assert words_to_mark(nothing) == []


@pytest.mark.django_db
def test_names_search_matched_are_marked_after_the_typed_words():
    place = Authority.objects.create(kind="place", identifier="place-port-arthur", preferred_name="Port Arthur")
    NameVariant.objects.create(authority=place, name="Lüshun")
    NameVariant.objects.create(authority=place, name="Ryojun")
    variants.forget()
    assert words_to_mark("Lushun treaty") == ["lushun", "treaty", "port", "arthur", "lüshun", "ryojun"]
    assert words_to_mark("port arthur") == ["port", "arthur", "lüshun", "ryojun"]
    # A negated name is not looked for, so neither it nor its variants are marked.
    assert words_to_mark("treaty -Ryojun") == ["treaty"]
    # Day two: staff remove the variant; the page stops marking it.
    NameVariant.objects.filter(name="Ryojun").delete()
    variants.forget()
    assert words_to_mark("port arthur") == ["port", "arthur", "lüshun"]


@pytest.mark.django_db
def test_a_long_query_marks_a_bounded_number_of_words():
    variants.forget()
    words = words_to_mark(" ".join(f"word{i}" for i in range(50)))
    assert words == [f"word{i}" for i in range(MAX_TYPED)]
