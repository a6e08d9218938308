"""Chinese, Japanese and Korean text is searchable: those scripts put no spaces between words, so each
character is a token and a query's word is a phrase of its characters."""

from __future__ import annotations

import pytest
from lxml import etree

from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import ContentItem, ParsedRecord
from readingroom.search import writer

from .helpers import ids

pytestmark = pytest.mark.django_db

LONG_RUN = "毛泽东同志在北京会见了来自世界各国的朋友们并且发表了关于和平与发展的重要讲话"  # 39 characters, no spaces


def stored(public_id: str, text: str, language: str) -> None:
    store_record(ParsedRecord(public_id=public_id, title=f"Record {public_id}", date_edtf="1950",
                              languages=[language], contents=[ContentItem("transcript", language, text)]))


def test_a_word_inside_a_long_run_of_chinese_is_found():
    stored("zh-1", LONG_RUN, "zh")
    stored("ja-1", "東京の会議で両国は合意した。", "ja")
    stored("ko-1", "서울에서 열린 회의에서 합의했다.", "ko")
    stored("en-1", "The Peking conference, in English.", "en")
    writer.rebuild()
    assert ids("北京") == ["zh-1"]  # before: the whole run was one token, dropped past 60 bytes
    assert ids("毛泽东") == ["zh-1"] and ids("和平") == ["zh-1"]
    assert ids("京北") == []  # the characters in that order only
    assert ids('"重要讲话"') == ["zh-1"]
    assert ids("会議") == ["ja-1"] and ids("合意") == ["ja-1"]
    assert ids("서울") == ["ko-1"]  # with the particle attached in the text: 서울에서
    assert ids("Peking") == ["en-1"]
    assert set(ids("北京 OR Peking")) == {"zh-1", "en-1"}


def _articles(path) -> dict[int, str]:
    ns = {"u": "http://efele.net/udhr"}
    tree = etree.parse(str(path))
    return {int(a.get("number")): " ".join(a.itertext()).strip() for a in tree.iterfind(".//u:article", ns)}


def test_the_universal_declaration_in_chinese_and_japanese():
    from tests.conftest import shared_path

    chinese = _articles(shared_path("multilingual", "udhr", "udhr_cmn_hans.xml"))
    japanese = _articles(shared_path("multilingual", "udhr", "udhr_jpn.xml"))
    for number in (1, 3, 18, 26):
        stored(f"udhr-zh-{number}", chinese[number], "zh")
        stored(f"udhr-ja-{number}", japanese[number], "ja")
    writer.rebuild()
    # Article 26 is the right to education (教育 in both scripts); article 18 freedom of thought and
    # religion (宗教); article 3 life, liberty and security (生命).
    assert set(ids("教育")) == {"udhr-zh-26", "udhr-ja-26"}
    assert "udhr-zh-18" in ids("宗教") and "udhr-ja-18" in ids("宗教")
    assert "udhr-zh-3" in ids("生命")


def test_the_document_page_marks_a_chinese_word_inside_a_run(client):
    stored("zh-2", LONG_RUN, "zh")
    page = client.get("/document/zh-2/", {"q": "北京"}).content.decode()
    assert '在<mark class="hit">北京</mark>会见' in page
    assert "<mark" not in client.get("/document/zh-2/", {"q": "京北"}).content.decode().split("<main", 1)[1]


def test_snippets_and_titles_show_the_text_as_written():
    store_record(ParsedRecord(public_id="zh-3", title="北京会议记录", date_edtf="1950", languages=["zh"],
                              contents=[ContentItem("transcript", "zh", LONG_RUN)]))
    writer.rebuild()
    from readingroom.search import search

    [hit] = search("北京").hits
    assert hit.title_html == "<b>北</b><b>京</b>会议记录"
    assert "毛泽东同志在<b>北</b><b>京</b>会见了" in hit.snippet.html
