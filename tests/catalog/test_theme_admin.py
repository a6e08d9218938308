"""Staff write a theme in the Django admin (a real client, a staff member with the theme permissions):
the theme with its sections and records inline, records found by autocomplete, the order edited later,
a preview of the draft, and bad input refused with its message and nothing lost."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from readingroom.catalog.themes import MARKDOWN_LIMIT, Theme, ThemeEntry, ThemeSection
from tests import builders

pytestmark = pytest.mark.django_db

ADD = "/admin/catalog/theme/add/"


@pytest.fixture
def curator(django_user_model) -> Client:
    user = django_user_model.objects.create_user("curator", "curator@example.org", "a-long-password", is_staff=True)
    codenames = [f"{action}_{model}" for action in ("add", "change", "view", "delete")
                 for model in ("theme", "themesection", "themeentry")] + ["view_record"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    assert client.login(username="curator", password="a-long-password")
    return client


def _form(entries: list[tuple[int, str, str]], **fields: str) -> dict:
    data = {"title": "Stalin and the Ambassador", "slug": "stalin-ambassador", "position": "0",
            "overview": "Two *telegrams*.", "cover_page": "", "cover_alt": "",
            "sections-TOTAL_FORMS": "1", "sections-INITIAL_FORMS": "0",
            "sections-0-position": "0", "sections-0-title": "Moscow", "sections-0-intro": "",
            "entries-TOTAL_FORMS": str(len(entries)), "entries-INITIAL_FORMS": "0", **fields}
    for n, (record_pk, position, note) in enumerate(entries):
        data |= {f"entries-{n}-record": str(record_pk), f"entries-{n}-position": position, f"entries-{n}-note": note}
    return data


def test_a_curator_writes_a_theme_then_reorders_it(curator, client):
    archive = builders.sample_archive()
    found = curator.get("/admin/autocomplete/", {"app_label": "catalog", "model_name": "themeentry",
                                                 "field_name": "record", "term": "209771"}).json()
    assert [r["id"] for r in found["results"]] == [str(archive.seed.pk)]

    response = curator.post(ADD, _form([(archive.seed.pk, "0", "The first."), (archive.frus[0].pk, "1", "")],
                                       published="on", cover_page=str(archive.page.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    theme = Theme.objects.get(slug="stalin-ambassador")
    assert theme.published and theme.cover_page == archive.page
    assert [e.record for e in theme.entries.all()] == [archive.seed, archive.frus[0]]
    assert ThemeSection.objects.get(theme=theme).title == "Moscow"
    assert archive.seed.title in client.get("/themes/stalin-ambassador/").content.decode()

    # The change page: a link to the public page; sections offered are this theme's only.
    change = curator.get(f"/admin/catalog/theme/{theme.pk}/change/").content.decode()
    assert 'href="/themes/stalin-ambassador/"' in change
    other = Theme.objects.create(title="Other", slug="other")
    ThemeSection.objects.create(theme=other, title="Not this theme's section")
    assert "Not this theme's section" not in change and "Moscow" in change

    # Day two: the order reversed and the first record put in the section.
    section = theme.sections.get()
    first, second = theme.entries.order_by("position")
    data = _form([], **{"published": "on", "cover_page": str(archive.page.pk),
                        "sections-TOTAL_FORMS": "1", "sections-INITIAL_FORMS": "1", "sections-0-id": str(section.pk),
                        "sections-0-theme": str(theme.pk),
                        "entries-TOTAL_FORMS": "2", "entries-INITIAL_FORMS": "2"})
    for n, (entry, position, section_pk) in enumerate([(first, "5", str(section.pk)), (second, "1", "")]):
        data |= {f"entries-{n}-id": str(entry.pk), f"entries-{n}-theme": str(theme.pk),
                 f"entries-{n}-record": str(entry.record_id), f"entries-{n}-position": position,
                 f"entries-{n}-section": section_pk, f"entries-{n}-note": entry.note}
    assert curator.post(f"/admin/catalog/theme/{theme.pk}/change/", data).status_code == 302
    assert [e.record for e in theme.entries.all()] == [archive.frus[0], archive.seed]
    assert ThemeEntry.objects.get(record=archive.seed, theme=theme).section == section
    html = client.get("/themes/stalin-ambassador/").content.decode()
    assert html.index(archive.frus[0].title) < html.index(archive.seed.title)


def test_a_draft_is_previewed_by_staff_from_the_admin(curator, client):
    archive = builders.sample_archive()
    assert curator.post(ADD, _form([(archive.seed.pk, "0", "")])).status_code == 302
    theme = Theme.objects.get()
    assert not theme.published
    change = curator.get(f"/admin/catalog/theme/{theme.pk}/change/").content.decode()
    assert "Preview (a draft: only staff see it)" in change
    assert curator.get(theme.get_absolute_url()).status_code == 200
    assert client.get(theme.get_absolute_url()).status_code == 404


def test_bad_input_is_refused_with_a_message_and_nothing_lost(curator):
    archive = builders.sample_archive()
    Theme.objects.create(title="Taken", slug="stalin-ambassador")
    too_long = "x" * (MARKDOWN_LIMIT + 1)
    response = curator.post(ADD, _form([(archive.seed.pk, "0", "A note kept.")], overview=too_long))
    assert response.status_code == 200  # the form again, with the errors
    html = response.content.decode()
    assert "Theme with this Slug already exists." in html
    assert f"Ensure this value has at most {MARKDOWN_LIMIT:,}".replace(",", "") in html.replace(",", "")
    assert "A note kept." in html and "Moscow" in html  # what was typed is still in the form
    assert Theme.objects.count() == 1 and not ThemeEntry.objects.exists()


def test_a_record_twice_in_a_theme_is_refused(curator):
    archive = builders.sample_archive()
    response = curator.post(ADD, _form([(archive.seed.pk, "0", ""), (archive.seed.pk, "1", "")]))
    assert response.status_code == 200 and not Theme.objects.exists()
    assert "Please correct the duplicate data for record" in response.content.decode()
