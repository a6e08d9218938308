"""The interface in English, Russian and Simplified Chinese: every main page, rendered in each language,
has no interface string left in English; record data (marked translate="no") stays as catalogued; the
choice is remembered by the picker's cookie, else taken from Accept-Language; a cache keys on both."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.conf import settings

from readingroom import search
from readingroom.catalog import corrections

pytestmark = pytest.mark.django_db

LANGUAGES = ["ru", "zh-hans"]
# Words that are the same in every interface language: names of things, not interface text.
# Names, the same in every language (citation formats among them).
SAME_IN_EVERY_LANGUAGE = {"readingroom", "IIIF", "OCR", "JSON", "OR", "BibTeX", "APA", "MLA", "CSL-JSON", "Wikidata", "VIAF",
                          "GeoNames"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("placeholder", "aria-label", "alt", "title")

PAGES = [
    "/",
    "/search/?q=Stalin",
    "/search/?q=nothingmatchesthisword",
    # A query with something wrong in every part: each is said in the reader's language.
    "/search/?q=Stalin)+title:+date:1944-13&from=someday&to=1944-99",
    "/search/?q=%22%22",
    "/search/?person=Stalin&from=1944&f.repository=nowhere",
    "/search/advanced/",
    # The form with a mistake in two fields: each is said beside its field, in the reader's language.
    "/search/advanced/?from=1944-13&to=1943&title=" + "x" * 501,
    "/browse/",
    "/browse/collections/",
    "/browse/dates/",
    "/browse/dates/?decade=1940",
    "/browse/dates/?year=1944",
    "/browse/dates/?year=1944&month=2",
    "/browse/people/",
    "/browse/places/?q=nobody-by-this-name",
    "/person/person-stalin-joseph/",
    "/collection/frus1944v04-ch1/",
    "/no/such/page/",
]


class InterfaceText(HTMLParser):
    """The texts a reader sees or hears (text nodes and labelling attributes) outside record data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: inside translate="no", <head>, <script> or <style>
        self.texts: list[str] = []

    def skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = self.skipped() or values.get("translate") == "no" or tag in {"head", "script", "style"}
        if not skip:
            self.texts.extend(values[a].strip() for a in ATTRIBUTES if values.get(a))
            if tag == "input" and values.get("type") in {"submit", "button", "reset"} and values.get("value"):
                self.texts.append(values["value"].strip())  # a button's label
        if tag not in VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipped() and data.strip():
            self.texts.append(" ".join(data.split()))


def interface_texts(html: str) -> set[str]:
    parser = InterfaceText()
    parser.feed(html)
    return {t for t in parser.texts if any(c.isalpha() for c in t) and t not in SAME_IN_EVERY_LANGUAGE}


def left_in_english(client, url: str, language: str, region: str | None = None) -> set[str]:
    """`region`: check the page from this marker on (an admin page's own content, after Django's chrome)."""
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    try:
        other = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert english.status_code == other.status_code
    texts = [r.content.decode() for r in (english, other)]
    if region:
        texts = [t[t.index(region):] for t in texts]
    return interface_texts(texts[0]) & interface_texts(texts[1])


def test_the_checker_finds_an_unmarked_string():
    # The test below can fail: an English sentence outside translate="no" is reported, record data is not.
    html = '<html><head><title>T</title></head><body><p>Left in English</p><p translate="no">Stalin</p></body></html>'
    assert interface_texts(html) == {"Left in English"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", PAGES)
def test_no_interface_string_left_in_english(client, indexed_archive, url, language):
    assert left_in_english(client, url, language) == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_in_every_language(client, indexed_archive, django_user_model, language):
    editor = django_user_model.objects.create_user("editor", "e@example.org", "a-long-password", is_staff=True)
    client.force_login(editor)
    target = corrections.targets(indexed_archive.seed)[0]
    corrections.save_text(target, target.public_text + " corrected", 0, editor, "a first correction")
    for url in (f"/document/{indexed_archive.seed.public_id}/edit/", f"/document/{indexed_archive.seed.public_id}/history/"):
        assert left_in_english(client, url, language) == set(), url


@pytest.mark.parametrize("language", LANGUAGES)
def test_document_page_in_every_language(client, indexed_archive, language):
    assert left_in_english(client, f"/document/{indexed_archive.seed.public_id}/", language) == set()


def test_record_data_stays_as_catalogued(client, indexed_archive):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get("/person/person-stalin-joseph/").content.decode()
    assert indexed_archive.stalin.preferred_name in html  # the authority's name, not translated
    assert "Персона" in html or "Документы" in html  # while the interface is Russian


@pytest.mark.parametrize(("accept", "lang", "word"), [
    ("ru-RU,ru;q=0.9,en;q=0.5", "ru", "Обзор"),
    ("zh-CN,zh;q=0.9", "zh-Hans", "浏览"),
    ("de-DE,de;q=0.9", "en", "Browse"),  # not offered: the default
])
def test_accept_language_chooses_without_a_cookie(client, indexed_archive, accept, lang, word):
    response = client.get("/browse/", HTTP_ACCEPT_LANGUAGE=accept)
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html and word in html


def test_picker_remembers_the_choice_and_keeps_the_address(client, indexed_archive):
    response = client.get("/language/ru/", {"next": "/browse/dates/?year=1944"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/browse/dates/?year=1944"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    # The next page and a later one are Russian, whatever the browser asks for.
    for _ in range(2):
        html = client.get("/browse/dates/?year=1944", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="ru">' in html and "Февраль" in html
    # Back to English the same way.
    client.get("/language/en/", {"next": "/"})
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "",
                                    "\x00/"])
def test_picker_never_sends_the_reader_elsewhere(client, target):
    response = client.get("/language/zh-hans/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_picker_keeps_an_odd_address_of_this_site_harmless(client):
    response = client.get("/language/ru/", {"next": "/search/?q=\r\nSet-Cookie: a=b \ud7ff"})
    assert response.status_code == 302 and "\n" not in response["Location"] and "Set-Cookie" not in response.cookies


def test_picker_refuses_a_language_not_offered(client):
    response = client.get("/language/de/", {"next": "/"})
    assert response.status_code == 404 and settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_pages_vary_on_language_images_do_not(client, indexed_archive):
    for url in ("/", "/.json", "/search/?q=Stalin", "/no/such/page/"):
        vary = {v.strip().lower() for v in client.get(url)["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary, url
    image = client.get(f"/iiif/image/{indexed_archive.page.pk}/full/100,/0/default.jpg")
    assert image.status_code == 200 and "accept-language" not in image.get("Vary", "").lower()


def test_dates_in_the_interface_language(client, indexed_archive):
    expected = {"en": "February 2, 1944", "ru": "2 февраля 1944 г.", "zh-hans": "1944年2月2日"}
    for language, text in expected.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        assert text in client.get("/browse/dates/?year=1944&month=2").content.decode(), language


def test_language_names_in_the_interface_language(client, indexed_archive):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    home = client.get("/").content.decode()
    assert "английский" in home and "русский" in home
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    facets = client.get("/search.json", {"q": "Stalin"}).json()["facets"]
    languages = next(f for f in facets if f["name"] == "language")
    assert languages["label"] == "语言" and "英语" in [v["label"] for v in languages["values"]]


def test_a_day_two_edit_shows_in_every_language(client, indexed_archive):
    # After a record's date is edited, each language shows the new date in its own form.
    indexed_archive.seed.date_edtf = "1944-03-05"
    indexed_archive.seed.save()
    search.drain()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert "5 марта 1944 г." in client.get("/browse/dates/?year=1944&month=3").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "1944年3月5日" in client.get("/search/", {"q": "Stalin"}).content.decode()


def test_the_checker_reads_button_labels():
    html = '<form><input type="submit" value="Merge them"><input type="hidden" name="post" value="yes"></form>'
    assert interface_texts(html) == {"Merge them"}


BAD_QUERY = {"q": "Stalin) title: date:1944-13 (((((((((((Harriman", "from": "someday", "to": "1944-99"}


def test_search_messages_in_the_interface_language(client, indexed_archive):
    def messages(language: str) -> list[str]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get("/search.json", BAD_QUERY).json()["messages"]

    english = messages("en")
    # The English stays as it was written (tests and clients rely on it).
    assert "An unmatched “)” was ignored." in english and "“title:” needs something after it; it was ignored." in english
    assert "The “from” date “someday” is not a date; it was ignored." in english
    assert len(english) == 6, english
    russian, chinese = messages("ru"), messages("zh-hans")
    assert len(russian) == len(chinese) == len(english)
    assert "Непарная «)» не учтена." in russian and "“date:1944-13”不是有效日期（可尝试 date:1944-02 或 date:1944-02..1944-06），已忽略。" in chinese
    assert not set(russian) & set(english) and not set(chinese) & set(english)
    # The page says the same as its twin.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/search/", BAD_QUERY).content.decode()
    assert "Начальная дата «someday» не является датой; она не учтена." in page


def test_long_query_message_counts_in_russian(client, indexed_archive):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    words = " ".join(f"w{n}" for n in range(40))
    assert client.get("/search.json", {"q": words}).json()["messages"] == [
        "Запрос был длинным: учтены только первые 32 слова."]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert client.get("/search.json", {"q": "x" * 2100}).json()["messages"] == ["查询过长：只使用了前 2000 个字符。"]


# Where an admin page's own content starts: before it, Django's header and sidebar (model names stay English).
ADMIN_CONTENT = '<div id="content"'


@pytest.fixture
def superuser_client(client, django_user_model):
    # The account's name is shown on every admin page ("Welcome, ..."): digits only, so it is no word.
    user = django_user_model.objects.create_superuser("1944", "archivist@example.org", "a-long-password")
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_document_page_with_ocr_quality(superuser_client, indexed_archive, language):
    url = f"/document/{indexed_archive.seed.public_id}/"
    assert left_in_english(superuser_client, url, language) == set()
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = superuser_client.get(url).content.decode()
    assert {"ru": "Качество OCR", "zh-hans": "OCR 质量"}[language] in html
    assert {"ru": "Доля ошибок в символах (CER)", "zh-hans": "字符错误率（CER）"}[language] in html
    # Day two: a page waiting to be read again is counted, in the reader's words.
    indexed_archive.page.ocr_status = indexed_archive.page.OcrStatus.PENDING
    indexed_archive.page.save()
    html = superuser_client.get(url).content.decode()
    assert {"ru": "1 ожидает распознавания", "zh-hans": "1 页等待 OCR"}[language] in html
    del superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert left_in_english(superuser_client, url, language) == set()


def _duplicate_of_stalin():
    from readingroom.catalog.models import Authority

    return Authority.objects.create(kind="person", identifier="person-stalin-2", preferred_name="Joseph Stalin")


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_merge_pages_in_every_language(superuser_client, indexed_archive, language):
    from readingroom.catalog.models import Authority, AuthorityMerge

    duplicate = _duplicate_of_stalin()
    pages = ["/admin/catalog/authority/duplicates/", "/admin/catalog/authority/duplicates/?kind=person"]
    for url in pages:
        assert left_in_english(superuser_client, url, language, ADMIN_CONTENT) == set(), url
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    listing = superuser_client.get(pages[0]).content.decode()
    assert {"ru": "одинаковое имя: joseph stalin", "zh-hans": "名称相同：joseph stalin"}[language] in listing
    assert "Joseph Stalin" in listing and {"ru": "Оставить эту", "zh-hans": "保留此条"}[language] in listing
    # The action's confirmation page, then the merge itself with its message.
    chosen = {"action": "merge_selected", "_selected_action": [str(indexed_archive.stalin.pk), str(duplicate.pk)]}
    confirm = superuser_client.post("/admin/catalog/authority/", chosen)
    del superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    english = superuser_client.post("/admin/catalog/authority/", chosen, HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.status_code == english.status_code == 200
    contents = [r.content.decode() for r in (confirm, english)]
    assert interface_texts(contents[0][contents[0].index(ADMIN_CONTENT):]) & interface_texts(
        contents[1][contents[1].index(ADMIN_CONTENT):]) == set()
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    done = superuser_client.post("/admin/catalog/authority/", {**chosen, "post": "yes", "keep": str(indexed_archive.stalin.pk)},
                                 follow=True)
    said = [str(m) for m in done.context["messages"]]
    assert said and all({"ru": "присоединена к", "zh-hans": "并入"}[language] in m for m in said), said
    assert Authority.objects.get(pk=duplicate.pk).merged_into_id == indexed_archive.stalin.pk
    # Day two: the merge record's undo page, the undo, and refusing a second undo.
    merge = AuthorityMerge.objects.get()
    del superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert left_in_english(superuser_client, f"/admin/catalog/authoritymerge/{merge.pk}/undo/", language,
                           ADMIN_CONTENT) == set()
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # Pages of Django's own, with this project's links among their tools.
    tools = {f"/admin/catalog/authoritymerge/{merge.pk}/change/": ("Undo this merge", "Отменить это объединение", "撤销此次合并"),
             "/admin/catalog/authority/": ("Likely duplicates", "Вероятные дубликаты", "可能的重复项")}
    for url, (english_text, *translated) in tools.items():
        html = superuser_client.get(url).content.decode()
        assert f">{english_text}<" not in html and translated[LANGUAGES.index(language)] in html, url
    undone = superuser_client.post(f"/admin/catalog/authoritymerge/{merge.pk}/undo/", follow=True)
    again = superuser_client.post(f"/admin/catalog/authoritymerge/{merge.pk}/undo/", follow=True)
    said = [str(m) for m in undone.context["messages"]] + [str(m) for m in again.context["messages"]]
    words = {"ru": ("отменено", "Ничего не изменено: объединение"), "zh-hans": ("已撤销", "未作任何更改：第")}[language]
    assert words[0] in said[0] and words[1] in said[1], said
    assert Authority.objects.get(pk=duplicate.pk).merged_into_id is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_audit_list_after_an_edit(superuser_client, indexed_archive, language):
    from readingroom.catalog.models import AccessLevel

    indexed_archive.seed.title = "Telegram, corrected title"
    indexed_archive.seed.access_level = AccessLevel.STAFF
    indexed_archive.seed.container = ""
    indexed_archive.seed.save()
    url = f"/document/{indexed_archive.seed.public_id}/history/"
    assert left_in_english(superuser_client, url, language) == set()
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = superuser_client.get(url).content.decode()
    expected = {"ru": ["Заглавие", "Уровень доступа", "Только для сотрудников", "Коробка"],
                "zh-hans": ["题名", "访问级别", "仅限工作人员", "档案盒"]}[language]
    assert all(word in html for word in expected), [w for w in expected if w not in html]
    assert "Telegram, corrected title" in html  # the record's own data, as catalogued


@pytest.mark.parametrize(("language", "shown"), [("ru", "до марта 1944 г."), ("zh-hans", "1944年3月之前"),
                                                  ("en", "before March 1944")])
def test_before_a_month_after_an_edit(client, indexed_archive, language, shown):
    indexed_archive.seed.date_edtf = "/1944-03"
    indexed_archive.seed.save()
    search.drain()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert shown in client.get(f"/document/{indexed_archive.seed.public_id}/").content.decode()
    assert shown in client.get("/search/", {"q": "Stalin Harriman Japanese"}).content.decode()
