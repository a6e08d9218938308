"""Reading an original beside its translation: pairing, paragraph alignment, the translation picker, lang and
dir on every text block, citations that name both languages, the `.json` twin, restricted records, and the
page after a translation is corrected, added or removed. Real database, the Django test client."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from readingroom.catalog.models import AccessLevel, Content, Page, Record
from readingroom.web.parallel import corresponds, paragraphs
from tests.conftest import shared_path
from tests.web.parallel_fixtures import EN, EN_RUN_ON, HE, RU, ZH, udhr_record

URL = "/document/udhr-1-3/"


def rows(html: str) -> list[tuple[str, str, str, str]]:
    """(original lang, original text, translation lang, translation text) of each aligned row."""
    found = re.findall(
        r'<div class="pair-row" id="pair-\d+">\s*<div class="text plain original" lang="([^"]+)" dir="ltr"[^>]*>(.*?)</div>'
        r'\s*<div class="text plain translation" lang="([^"]+)" dir="[a-z]+"[^>]*>(.*?)</div>', html, re.S)
    return [(ol, re.sub("<[^>]+>", "", o), tl, re.sub("<[^>]+>", "", t)) for ol, o, tl, t in found]


@pytest.fixture
def udhr(db) -> Record:
    return udhr_record()


def test_the_original_beside_a_translation_row_by_row(client, udhr):
    html = client.get(URL).content.decode()
    assert '<section class="parallel aligned" id="parallel"' in html
    pairs = rows(html)
    # Six paragraphs each (three headings, three articles), each row an original paragraph and its translation.
    assert [(ol, tl) for ol, _, tl, _ in pairs] == [("zh-Hans", "en")] * 6
    assert pairs[0][1] == "第一条" and pairs[0][3] == "Article 1"
    assert pairs[1][1].startswith("人人生而自由") and pairs[1][3].startswith("All human beings are born free")
    assert pairs[5][1] == "人人有权享有生命、自由和人身安全。" and "liberty and security" in pairs[5][3]
    assert "Aligned paragraph by paragraph (6 paragraphs)." in html
    assert "Chinese (Simplified) original, English translation" in html
    # The paired texts leave the tabs; the other translations stay there, each with its lang and dir.
    tabs = re.findall(r'role="tab" href="#([\w-]+)"[^>]*>([^<]+)</a>', html)
    assert tabs == [("parallel", "Original and translation"), ("content-3", "Translation - Russian"),
                    ("content-4", "Translation - Hebrew")]
    assert 'id="content-4" role="tabpanel" aria-labelledby="tab-4" lang="he" dir="rtl"' in html
    assert 'id="content-1"' not in html and 'id="content-2"' not in html
    assert '<main id="main" role="main" class="wide">' in html


def test_the_picker_chooses_the_translation_by_its_tag(client, udhr):
    html = client.get(URL, {"translation": "ru"}).content.decode()
    assert [(ol, tl) for ol, _, tl, _ in rows(html)] == [("zh-Hans", "ru")] * 6
    assert rows(html)[1][3].startswith("Все люди рождаются свободными")
    # Plain links (no JavaScript needed), one per translation, the chosen one marked; each its own address.
    links = re.findall(r'<li><a href="([^"]+)" hreflang="([^"]+)"( aria-current="true")?>([^<]+)</a></li>', html)
    assert links == [(f"{URL}?translation=en", "en", "", "English"),
                     (f"{URL}?translation=ru", "ru", ' aria-current="true"', "Russian"),
                     (f"{URL}?translation=he", "he", "", "Hebrew")]
    # The English translation is now a tab; the Russian one is in the pair.
    assert '<a role="tab" href="#content-2"' in html and 'href="#content-3"' not in html
    # The tag is matched as BCP 47 tags are: case does not matter, and a name or region reads as the language.
    for asked in ("RU", "Russian"):
        assert rows(client.get(URL, {"translation": asked}).content.decode())[0][2] == "ru"
    # Search words keep travelling with the picker's links, and are highlighted on both sides of the pair.
    searched = client.get(URL, {"translation": "en", "q": "liberty"}).content.decode()
    assert f'href="{URL}?translation=ru&amp;q=liberty"' in searched
    assert '<mark class="hit">liberty</mark>' in searched


def test_an_unknown_translation_falls_back_with_one_message(client, udhr):
    for asked in ("xx", "fr", "<script>alert(1)</script>", "x" * 500):
        response = client.get(URL, {"translation": asked})
        assert response.status_code == 200, asked
        html = response.content.decode()
        assert [tl for _, _, tl, _ in rows(html)] == ["en"] * 6, asked
        assert html.count('class="translation-unknown" role="status"') == 1
        assert "<script>alert(1)</script>" not in html
    html = client.get(URL, {"translation": "xx"}).content.decode()
    assert "This record has no translation in “xx”; showing the English translation." in html
    # A known tag says nothing.
    assert "translation-unknown" not in client.get(URL, {"translation": "en"}).content.decode()


def test_right_to_left_translation_is_marked_rtl(client, udhr):
    html = client.get(URL, {"translation": "he"}).content.decode()
    blocks = re.findall(r'<div class="text plain (original|translation)" lang="([^"]+)" dir="([a-z]+)"[^>]*>', html)
    assert blocks.count(("translation", "he", "rtl")) == 6
    assert blocks.count(("original", "zh-Hans", "ltr")) == 6
    assert len(blocks) == 12
    assert "כל בני האדם נולדו בני חורין" in html


def test_paragraphs_that_do_not_correspond_are_shown_whole(client, db):
    udhr_record(translations={"en": EN_RUN_ON})
    html = client.get(URL).content.decode()
    assert '<section class="parallel whole" id="parallel"' in html and "pair-rows" not in html
    assert "do not correspond one to one" in html
    whole = re.search(r'<div class="text original plain" lang="zh-Hans" dir="ltr"[^>]*>(.*?)</div>\s*'
                      r'<div class="text translation plain" lang="en" dir="ltr"[^>]*>(.*?)</div>', html, re.S)
    assert whole.group(1).count("<p>") == 6 and whole.group(2).count("<p>") == 3
    # Only this one translation: no picker, and no tabs (nothing else to show).
    assert "translation-picker" not in html and 'role="tablist"' not in html


def test_correspondence_rule():
    zh, en = paragraphs(ZH), paragraphs(EN)
    assert len(zh) == len(en) == 6 and corresponds(zh, en) and corresponds(zh, paragraphs(RU))
    assert corresponds(zh, paragraphs(HE))
    assert not corresponds(zh, paragraphs(EN_RUN_ON))  # 6 against 3
    # Same count, but shifted: article 2 dropped, article 3's sentence doubled. Shares give it away.
    shifted = en[:3] + [en[4], en[5], en[5] + " " + en[5]]
    assert len(shifted) == 6 and not corresponds(zh, shifted)
    # One paragraph each is not an alignment worth claiming; blank lines with spaces still separate.
    assert not corresponds(["一"], ["One"])
    assert paragraphs("a\n \nb\r\n\r\nc\n") == ["a", "b", "c"]


def test_the_whole_declaration_corresponds_across_scripts():
    """Real data: all 30 articles of the UDHR (80 paragraphs with the headings) in four languages."""
    folder = shared_path("multilingual", "udhr")

    def texts(name: str) -> list[str]:
        root = ET.parse(folder / name).getroot()
        return ["".join(e.itertext()).strip() for a in root.iter() if a.tag.endswith("article")
                for e in a.iter() if e.tag.endswith(("title", "para"))]

    zh = texts("udhr_cmn_hans.xml")
    for other in ("udhr_eng.xml", "udhr_rus.xml", "udhr_jpn.xml", "udhr_fra.xml", "udhr_deu_1996.xml"):
        assert corresponds(zh, texts(other)), other
    # One paragraph dropped and the last doubled: the count is right, everything after the gap is off by one.
    en = texts("udhr_eng.xml")
    shifted = en[:10] + en[11:] + [en[-1]]
    assert len(shifted) == len(zh) and not corresponds(zh, shifted)


def test_a_record_without_translations_reads_as_before(client, archive):
    html = client.get("/document/209771/").content.decode()
    assert 'id="parallel"' not in html and "translation-picker" not in html
    assert re.findall(r'role="tab" href="#([\w-]+)"', html) == ["content-1", "content-2"]
    assert "Original in" not in html  # an English-only record's citation is as the archive prints it


def test_the_scan_text_is_the_original_when_there_is_no_transcript(client, db):
    record = udhr_record(translations={"en": EN})
    transcript = record.contents.get(kind="transcript")
    scan = Content.objects.create(record=record, position=0, kind=Content.Kind.SCAN, language="zh-Hans", text=ZH)
    Page.objects.create(content=scan, position=0, text=ZH, ocr_status=Page.OcrStatus.DONE)
    transcript.delete()
    html = client.get(URL).content.decode()
    assert [tl for _, _, tl, _ in rows(html)] == ["en"] * 6
    assert rows(html)[0][1] == "第一条"
    assert "Machine-read text (OCR)" in html.split('id="parallel"')[1].split("pair-rows")[0]


def test_citations_name_both_languages(client, udhr):
    html = client.get(URL, {"translation": "ru"}).content.decode()
    citation = re.search(r'<p id="citation-text"[^>]*>(.*?)</p>', html).group(1)
    assert "Translated from Chinese (Simplified) into Russian." in citation
    assert '<meta name="citation_language" content="ru">' in html
    assert f'href="{URL}cite.bib?translation=ru"' in html
    assert f'data-src="{URL}cite.txt?translation=ru&amp;style=apa&amp;download=0"' in html

    bib = client.get(f"{URL}cite.bib", {"translation": "ru"}).content.decode()
    assert "language = {Russian}" in bib and "origlanguage = {Chinese (Simplified)}" in bib
    ris = client.get(f"{URL}cite.ris", {"translation": "ru"}).content.decode()
    assert "LA  - Russian\r\n" in ris and "N1  - Translated from Chinese (Simplified) into Russian\r\n" in ris
    csl = client.get(f"{URL}cite.csl.json", {"translation": "he"}).json()[0]
    assert csl["language"] == "he" and csl["note"] == "Translated from Chinese (Simplified) into Hebrew"
    apa = client.get(f"{URL}cite.txt", {"translation": "ru", "style": "apa"}).content.decode()
    assert "Translated from Chinese (Simplified) into Russian." in apa
    # The original alone (or an unknown tag): its language is still named.
    for params in ({}, {"translation": "xx"}):
        txt = client.get(f"{URL}cite.txt", params).content.decode()
        assert "Original in Chinese (Simplified)." in txt and "Translated" not in txt
        bib = client.get(f"{URL}cite.bib", params).content.decode()
        assert "language = {Chinese (Simplified)}" in bib and "origlanguage" not in bib
    # The page shows the default translation (English), so its cite box cites that one.
    assert "Translated from Chinese (Simplified) into English." in client.get(URL).content.decode()


def test_json_twin_lists_contents_with_language_tag_and_name(client, udhr):
    data = client.get("/document/udhr-1-3.json").json()
    assert [(c["kind"], c["language"], c["language_name"], c["original"]) for c in data["contents"]] == [
        ("transcript", "zh-Hans", "Chinese (Simplified)", True),
        ("translation", "en", "English", False),
        ("translation", "ru", "Russian", False),
        ("translation", "he", "Hebrew", False),
    ]


def test_restricted_record_with_translations_stays_hidden(client, editor, db):
    udhr_record("udhr-staff", access_level=AccessLevel.STAFF)
    for url in ("/document/udhr-staff/", "/document/udhr-staff/?translation=ru", "/document/udhr-staff.json",
                "/document/udhr-staff/cite.bib?translation=ru", "/document/udhr-staff/cite.txt?translation=he&style=apa"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Все люди" not in response.content.decode() and "人人生而自由" not in response.content.decode()
    html = editor.get("/document/udhr-staff/", {"translation": "ru"}).content.decode()
    assert rows(html)[0][2] == "ru" and "Not public: Staff only" in html


def test_day_two_corrections_and_added_or_removed_translations(client, editor, udhr):
    # A correction of the Russian translation (saved, reviewed, published) shows in the pair at once.
    russian = udhr.contents.get(language="ru")
    edit, key = f"{URL}edit/", f"c{russian.pk}"
    corrected = RU.replace("Статья 3", "Статья третья")
    for action, body in (("save", corrected), ("review", None), ("publish", None)):
        revision = int(re.search(r'name="revision" value="(\d+)"', editor.get(edit, {"text": key}).content.decode()).group(1))
        data = {"text": key, "action": action, "revision": str(revision), "comment": "heading"}
        if body is not None:
            data["body"] = body
        assert editor.post(edit, data).status_code == 302
    html = client.get(URL, {"translation": "ru"}).content.decode()
    assert rows(html)[4][3] == "Статья третья" and "Corrected" in html.split("pair-rows")[0]

    # A correction that runs the paragraphs together: the pair is shown whole, no longer row by row.
    russian.refresh_from_db()
    russian.text = russian.text.replace("\n\n", " ")
    russian.save(update_fields=["text"])  # a save says so (a bare update() would have to announce it)
    html = client.get(URL, {"translation": "ru"}).content.decode()
    assert '<section class="parallel whole"' in html and not rows(html)

    # A translation added: the picker offers it and it can be chosen.
    Content.objects.create(record=udhr, position=9, kind=Content.Kind.TRANSLATION, language="ar",
                           text="\n\n".join(["المادة 1", "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق.",
                                             "المادة 2", "لكل إنسان حق التمتع بكافة الحقوق والحريات الواردة في هذا الإعلان، دون أي تمييز.",
                                             "المادة 3", "لكل فرد الحق في الحياة والحرية وسلامة شخصه."]))
    html = client.get(URL, {"translation": "ar"}).content.decode()
    assert [(tl, d) for tl, d in re.findall(r'class="text plain translation" lang="([^"]+)" dir="([a-z]+)"', html)] \
        == [("ar", "rtl")] * 6
    assert 'hreflang="ar" aria-current="true">Arabic</a>' in html

    # The chosen translation removed: its bookmarked address falls back, with the message.
    udhr.contents.filter(language="ar").delete()
    html = client.get(URL, {"translation": "ar"}).content.decode()
    assert "no translation in “ar”" in html and rows(html)[0][2] == "en"

    # Every translation removed: the page is as for any record, the transcript alone, and the citation
    # names only the original's language.
    udhr.contents.filter(kind="translation").delete()
    html = client.get(URL, {"translation": "en"}).content.decode()
    assert 'id="parallel"' not in html and "translation-unknown" not in html
    assert 'id="content-1" role="tabpanel" aria-labelledby="tab-1" lang="zh-Hans" dir="ltr"' in html
    assert "Original in Chinese (Simplified)." in html and "Translated from" not in html


def test_one_paragraph_each_side_is_shown_without_a_note_about_alignment(client, db):
    # The demo's UDHR articles are one paragraph each: nothing to align, and nothing that fails to correspond.
    record = udhr_record("udhr-one")
    for content in record.contents.all():
        content.text = content.text.split("\n\n")[1]
        content.save()
    html = client.get("/document/udhr-one/", {"translation": "en"}).content.decode()
    assert '<section class="parallel whole" id="parallel"' in html
    assert "alignment-note" not in html
    assert "do not correspond" not in html
