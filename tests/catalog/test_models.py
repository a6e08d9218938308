from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from readingroom.catalog.models import Authority, Collection, NameVariant, Record, Repository
from readingroom.standards.citations import chicago


@pytest.mark.django_db
def test_new_records_get_a_stable_unique_id():
    a = Record.objects.create(title="A")
    b = Record.objects.create(title="B")
    assert a.public_id.startswith("rr-") and a.public_id != b.public_id
    a.title = "A, retitled"
    a.save()
    a.refresh_from_db()
    assert a.public_id == Record.objects.get(title="A, retitled").public_id


@pytest.mark.django_db
def test_edtf_date_drives_sortable_bounds_and_rejects_nonsense():
    record = Record.objects.create(title="Undated inferred", date_edtf="1944-09-01?/1944-09-10?")
    assert (record.date_start.isoformat(), record.date_end.isoformat()) == ("1944-09-01", "1944-09-10")
    record.date_edtf = "the spring of 1944"
    with pytest.raises(ValidationError):
        record.full_clean()


@pytest.mark.django_db
def test_citation_walks_the_collection_tree(settings):
    settings.READINGROOM_ARCHIVE_NAME = "Test Archive"
    repo = Repository.objects.create(name="Manuscript Division, Library of Congress", place="Washington, DC")
    papers = Collection.objects.create(identifier="harriman", title="W. Averell Harriman Papers", repository=repo)
    series = Collection.objects.create(identifier="harriman-chrono", title="Chronological File", parent=papers,
                                       level="series")
    record = Record.objects.create(public_id="42", title="Memo", date_edtf="1944-02", collection=series,
                                   container="171", folder="3")
    assert chicago(record) == (
        '"Memo", February 1944, Test Archive, Container # 171, Folder 3, Chronological File, '
        "W. Averell Harriman Papers, Manuscript Division, Library of Congress, Washington, DC "
        "http://testserver/document/42/"
    )
    assert series.path_titles() == ["W. Averell Harriman Papers", "Chronological File"]


@pytest.mark.django_db
def test_authority_names_include_variants():
    place = Authority.objects.create(kind="place", identifier="place-shandong", preferred_name="Shandong")
    NameVariant.objects.create(authority=place, name="Shantung", note="postal romanization")
    assert place.all_names() == ["Shandong", "Shantung"]
    assert place.get_absolute_url() == "/place/place-shandong/"


@pytest.mark.django_db
def test_admin_pages_work_for_cataloguing(admin_client):
    repo = Repository.objects.create(name="Library of Congress")
    papers = Collection.objects.create(identifier="p", title="Papers", repository=repo)
    record = Record.objects.create(public_id="1", title="Telegram", collection=papers, date_edtf="1944-02-02")
    record.contents.create(kind="transcript", language="en", text="TELEGRAM SECRET")
    for url in ["/admin/catalog/record/", f"/admin/catalog/record/{record.pk}/change/", "/admin/catalog/record/?q=Telegram",
                "/admin/catalog/record/?access_level__exact=public", "/admin/catalog/authority/add/",
                "/admin/catalog/collection/", "/admin/catalog/content/"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    change = admin_client.get(f"/admin/catalog/record/{record.pk}/change/").content.decode()
    assert "TELEGRAM SECRET" in change  # the contents inline
    response = admin_client.post("/admin/catalog/record/add/", {
        "public_id": "2", "title": "New memo", "date_edtf": "1944~", "summary": "", "document_type": "memorandum",
        "classification": "", "languages": "English", "place_of_writing": "", "signed_by": "", "container": "",
        "folder": "", "source_reference": "", "source_url": "", "position": "0", "rights": "", "access_level": "public",
        "contents-TOTAL_FORMS": "0", "contents-INITIAL_FORMS": "0",
        "authority_links-TOTAL_FORMS": "0", "authority_links-INITIAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0", "relations_out-INITIAL_FORMS": "0",
        "relations_in-TOTAL_FORMS": "0", "relations_in-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Record.objects.get(public_id="2")
    assert created.date_start.isoformat() == "1944-01-01"
    assert created.languages == ["en"]  # typed as a name, stored as its code
