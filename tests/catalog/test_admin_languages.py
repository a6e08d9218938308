"""Languages in the admin: typed as codes or English names, stored as BCP 47 tags, garbage refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from readingroom.catalog.forms import LanguageField, LanguageListField
from readingroom.catalog.models import Content, Record
from tests.builders import content_data, import_lines, record_line


@pytest.fixture
def staff_client(client, django_user_model):
    django_user_model.objects.create_superuser("cataloguer", "cataloguer@example.org", "a-long-password")
    assert client.login(username="cataloguer", password="a-long-password")
    return client


@pytest.fixture
def record(db) -> Record:
    import_lines([record_line("209771", "Telegram", "1944-02-02", languages=("en", "ru"),
                              contents=[content_data(1, Content.Kind.TRANSLATION, "ru", "ТЕЛЕГРАММА")])])
    return Record.objects.get(public_id="209771")


def change_url(record: Record) -> str:
    return f"/admin/catalog/record/{record.pk}/change/"


def change_data(record: Record, **overrides: str) -> dict[str, str]:
    """Everything the record's change form posts, as a browser would send it unchanged, with overrides."""
    content = record.contents.get()
    data = {
        "public_id": record.public_id, "title": record.title, "date_edtf": record.date_edtf, "summary": "",
        "document_type": "", "classification": "", "languages": ", ".join(record.languages), "place_of_writing": "",
        "signed_by": "", "repository": "", "collection": "", "container": "", "folder": "", "source_reference": "",
        "source_url": "", "position": "0", "rights": "", "access_level": "public", "embargo_until": "",
        "contents-TOTAL_FORMS": "1", "contents-INITIAL_FORMS": "1",
        "contents-0-id": str(content.pk), "contents-0-record": str(record.pk), "contents-0-position": str(content.position),
        "contents-0-kind": content.kind, "contents-0-language": content.language, "contents-0-label": "",
        "contents-0-text": content.text,
        "authority_links-TOTAL_FORMS": "0", "authority_links-INITIAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0", "relations_out-INITIAL_FORMS": "0",
        "relations_in-TOTAL_FORMS": "0", "relations_in-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_change_page_shows_languages_as_codes_separated_by_commas(staff_client, record):
    response = staff_client.get(change_url(record))
    assert response.status_code == 200
    field = response.context["adminform"].form["languages"]
    assert field.value() == "en, ru"
    html = response.content.decode()
    assert 'name="languages" value="en, ru"' in html
    assert '["en", "ru"]' not in html  # no raw JSON for staff to edit


def test_names_typed_by_staff_are_stored_as_codes(staff_client, record):
    record.languages = []
    record.save()
    response = staff_client.post(change_url(record), change_data(record, languages="English, russian", title="Telegram, retitled"))
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.languages == ["en", "ru"]
    assert record.title == "Telegram, retitled"


def test_unknown_language_is_refused_by_name_and_nothing_is_saved(staff_client, record):
    response = staff_client.post(change_url(record), change_data(record, languages="English, Klingon", title="Changed"))
    assert response.status_code == 200  # the form again, with the error
    form = response.context["adminform"].form
    assert form.errors["languages"] == [
        'Unknown language: "Klingon". Use BCP 47 tags (en, ru, zh-Hans) or English names (English, Russian).'
    ]
    html = response.content.decode()
    assert escape('Unknown language: "Klingon"') in html
    assert 'name="languages" value="English, Klingon"' in html  # what was typed, kept for fixing
    record.refresh_from_db()
    assert record.languages == ["en", "ru"]
    assert record.title == "Telegram"


def test_emptied_languages_mean_none(staff_client, record):
    response = staff_client.post(change_url(record), change_data(record, languages=" "))
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.languages == []


def test_content_inline_language_name_is_stored_as_its_code(staff_client, record):
    response = staff_client.post(change_url(record), change_data(record, **{"contents-0-language": "English"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert record.contents.get().language == "en"


def test_content_inline_refuses_an_unknown_language(staff_client, record):
    response = staff_client.post(change_url(record), change_data(record, **{"contents-0-language": "Elvish"}))
    assert response.status_code == 200
    assert escape('Unknown language: "Elvish"') in response.content.decode()
    assert record.contents.get().language == "ru"


def test_content_change_page_normalises_its_language(staff_client, record):
    content = record.contents.get()
    url = f"/admin/catalog/content/{content.pk}/change/"
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {
        "record": str(record.pk), "position": "1", "kind": "translation", "language": "Mandarin", "label": "", "text": "x",
        "page_breaks": "[]", "footnotes-TOTAL_FORMS": "0", "footnotes-INITIAL_FORMS": "0",
        "pages-TOTAL_FORMS": "0", "pages-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    content.refresh_from_db()
    assert content.language == "zh"


@pytest.mark.parametrize(("typed", "codes"), [
    ("en, ru", ["en", "ru"]),
    ("Russian, English", ["ru", "en"]),  # order kept, not sorted
    ("English, en, ENGLISH, ru, Russian", ["en", "ru"]),  # duplicates, however written, dropped
    ("  fr ,, de , ", ["fr", "de"]),  # stray spaces and commas are slips, not languages
    ("Chinese (Simplified), zh", ["zh-Hans", "zh"]),  # the script tells originals apart
    ("zh-TW, zh-Hant, Chinese (Traditional)", ["zh-Hant"]),
    ("", []),
    ("   ", []),
])
def test_language_list_field_cleans_to_codes(typed, codes):
    assert LanguageListField(required=False).clean(typed) == codes


def test_language_list_field_names_every_unknown_value():
    with pytest.raises(ValidationError) as caught:
        LanguageListField(required=False).clean("xx, English, Klingon, en-")
    assert caught.value.messages == [
        'Unknown languages: "xx", "Klingon", "en-". Use BCP 47 tags (en, ru, zh-Hans) or English names (English, Russian).'
    ]


def test_language_list_field_shows_a_stored_list_as_text_and_sees_no_change_in_it():
    field = LanguageListField(required=False)
    assert field.prepare_value(["en", "ru"]) == "en, ru"
    assert field.prepare_value([]) == ""
    assert not field.has_changed(["en", "ru"], "English, Russian")  # same languages: no false history entry
    assert field.has_changed(["en", "ru"], "ru, en")


def test_a_typed_percent_sign_is_reported_not_crashed_on():
    with pytest.raises(ValidationError) as caught:
        LanguageListField(required=False).clean("en, 50%")
    assert caught.value.messages[0].startswith('Unknown language: "50%".')


def test_language_field_takes_one_code_or_name():
    field = LanguageField(required=False)
    assert field.clean("English") == "en"
    assert field.clean(" RU ") == "ru"
    assert field.clean("de-DE") == "de" and field.clean("pt_BR") == "pt"  # regional tags: their language
    with pytest.raises(ValidationError):
        field.clean("xx-YY")
    assert field.clean("") == ""
    with pytest.raises(ValidationError, match='Unknown language: "English, Russian"'):
        field.clean("English, Russian")
