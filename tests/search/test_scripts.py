"""Simplified and Traditional Chinese find each other; snippets show the text in the script it was
written in; stemmers are chosen by the base language of a BCP 47 tag. Real index, real pipeline."""

from __future__ import annotations

import pytest

from readingroom.catalog.models import Content
from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import ContentItem, ParsedRecord
from readingroom.search import search, writer

from .helpers import ids

pytestmark = pytest.mark.django_db

SIMPLIFIED = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"
TRADITIONAL = "人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心，並應以兄弟關係的精神相對待。"
TAIWAN = "人人有權享受為維持他本人和家屬的健康和福利所需的生活水準，包括食物、衣著、住房、醫療。"


def stored(public_id: str, text: str, language: str, title: str | None = None) -> None:
    store_record(ParsedRecord(public_id=public_id, title=title or f"Record {public_id}", date_edtf="1950",
                              languages=[language], contents=[ContentItem("transcript", language, text)]))


def test_simplified_finds_traditional_and_the_reverse():
    stored("hans", SIMPLIFIED, "zh-Hans")
    stored("hant", TRADITIONAL, "zh-Hant")
    writer.rebuild()
    assert sorted(ids("尊严")) == ["hans", "hant"]
    assert sorted(ids("尊嚴")) == ["hans", "hant"]
    assert sorted(ids('"兄弟关系"')) == ["hans", "hant"]
    assert sorted(ids("權利 AND 良心")) == ["hans", "hant"]
    assert ids("严尊") == []  # still the characters in order


def test_taiwan_variant_characters_fold_too():
    stored("tw", TAIWAN, "zh-Hant")
    writer.rebuild()
    assert ids("衣着") == ["tw"]  # Simplified writes 着 where Taiwan writes 著 (tw2s, not t2s)
    assert ids("医疗") == ["tw"]


def test_snippets_and_titles_keep_the_script_as_written():
    stored("hant", TRADITIONAL, "zh-Hant", title="世界人權宣言")
    writer.rebuild()
    [hit] = search("权利").hits  # a Simplified query
    assert "人人生而自由，在尊嚴和<b>權</b><b>利</b>上一律平等。" in hit.snippet.html
    assert "权" not in hit.snippet.html
    [hit] = search("人权").hits
    assert hit.title_html == "世界<b>人</b><b>權</b>宣言"


def test_a_record_edited_from_simplified_to_traditional_is_found_and_shown_as_edited():
    stored("edit", SIMPLIFIED, "zh-Hans")
    writer.rebuild()
    assert "在<b>尊</b><b>严</b>和" in search("尊嚴").hits[0].snippet.html
    content = Content.objects.get(record__public_id="edit")
    content.text, content.language = TRADITIONAL, "zh-Hant"
    content.save()
    writer.drain()
    [hit] = search("尊严").hits
    assert "<b>尊</b><b>嚴</b>" in hit.snippet.html and "尊严" not in hit.snippet.html
    content.text = "完全不同的文字"
    content.save()
    writer.drain()
    assert ids("尊严") == [] and ids("不同") == ["edit"]


def test_japanese_kanji_and_kana_are_found_and_shown_as_written():
    stored("ja", "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。", "ja")
    writer.rebuild()
    assert ids("権利") == ["ja"] and ids("生まれながら") == ["ja"] and ids("尊厳") == ["ja"]
    [hit] = search("権利").hits
    assert "<b>権</b><b>利</b>" in hit.snippet.html  # not folded to 权 for display


def test_stemmer_by_base_language_of_the_tag():
    stored("de", "Alle Menschen sind frei und gleich an Würde und Rechten geboren.", "de-DE")
    stored("ru", "Все люди рождаются свободными и равными в своем достоинстве и правах.", "ru")
    stored("fr", "Tous les êtres humains naissent libres et égaux en dignité et en droits.", "fr")
    writer.rebuild()
    assert ids("Recht") == ["de"]  # German stemmer, although the tag is de-DE
    assert ids("право") == ["ru"] and ids("свободный") == ["ru"]
    assert ids("droit") == ["fr"] and ids("libre") == ["fr"]


@pytest.mark.parametrize(("public_id", "text", "language", "query", "marked"), [
    ("ru", "Все люди рождаются свободными и равными в своем достоинстве и правах.", "ru", "право", "правах"),
    ("de", "Alle Menschen sind frei und gleich an Würde und Rechten geboren.", "de", "Recht", "Rechten"),
    ("fr", "Tous les êtres humains naissent libres et égaux en dignité et en droits.", "fr", "libre", "libres"),
    ("en", "All human beings are born free and equal in dignity and rights.", "en", "right", "rights"),
])
def test_snippets_mark_words_found_by_a_stemmer(public_id, text, language, query, marked):
    stored(public_id, text, language)
    writer.rebuild()
    [hit] = search(query).hits
    assert f"<b>{marked}</b>" in hit.snippet.html


@pytest.mark.parametrize(("text", "language", "query", "marked"), [
    (TRADITIONAL, "zh-Hant", "权利", "在尊嚴和<mark class=\"hit\">權利</mark>上"),  # Simplified query, Traditional text
    (SIMPLIFIED, "zh-Hans", "權利", "在尊严和<mark class=\"hit\">权利</mark>上"),
    ("すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。", "ja", "権利",
     "尊厳と<mark class=\"hit\">権利</mark>とについて"),
    ("Все люди рождаются свободными и равными в своем достоинстве и правах.", "ru", "право",
     "и <mark class=\"hit\">правах</mark>."),
    ("Alle Menschen sind frei und gleich an Würde und Rechten geboren.", "de", "Recht",
     "und <mark class=\"hit\">Rechten</mark> geboren"),
    ("Tous les êtres humains naissent libres et égaux en dignité et en droits.", "fr", "droit",
     "en <mark class=\"hit\">droits</mark>."),
])
def test_the_document_page_marks_what_search_found_in_every_script(client, text, language, query, marked):
    stored("doc-1", text, language)
    writer.rebuild()
    assert ids(query) == ["doc-1"]
    page = client.get("/document/doc-1/", {"q": query}).content.decode()
    assert marked in page


def test_the_page_marks_nothing_search_would_not_find(client):
    stored("doc-2", TRADITIONAL + " Alle Menschen sind frei.", "zh-Hant")
    main = client.get("/document/doc-2/", {"q": "严尊 Menschenrecht"}).content.decode().split("<main", 1)[1]
    assert "<mark" not in main
