"""Merging in the Django admin, through the test client as a signed-in superuser: the changelist action
with its confirmation page, the likely-duplicates page's one-click merge, and the undo on a merge record."""

from __future__ import annotations

import pytest

from readingroom.catalog.models import Authority, AuthorityMerge
from tests.builders import import_volumes, roosevelt, snapshot

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/authority/"


@pytest.fixture
def staff_client(client, django_user_model):
    django_user_model.objects.create_superuser("cataloguer", "cataloguer@example.org", "a-long-password")
    assert client.login(username="cataloguer", password="a-long-password")
    return client


@pytest.fixture
def volumes(tmp_path):
    return import_volumes(tmp_path)


def action(pks: list[int], **extra: str) -> dict:
    return {"action": "merge_selected", "_selected_action": [str(pk) for pk in pks], **extra}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_merge_action_asks_which_to_keep_then_merges(staff_client, volumes):
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    before = snapshot(kept), snapshot(other)

    page = staff_client.post(CHANGELIST, action([kept.pk, other.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Choose the authority to keep" in html and kept.identifier in html and other.identifier in html
    assert snapshot(kept) == before[0]  # asking changes nothing

    done = staff_client.post(CHANGELIST, action([kept.pk, other.pk], post="yes", keep=str(kept.pk)), follow=True)
    assert done.status_code == 200
    merge = AuthorityMerge.objects.get()
    assert any(f"Merged {other.identifier} into {kept.identifier}" in m for m in messages_of(done))
    assert merge.merged_by == "cataloguer"
    assert snapshot(other)["fields"]["merged_into_id"] == kept.pk
    assert len(snapshot(kept)["links"]) == 6

    # The kept one's page lists the merged duplicate; the changelist can filter merged ones out.
    change = staff_client.get(f"{CHANGELIST}{kept.pk}/change/").content.decode()
    assert "merged duplicates" in change.lower() and other.identifier in change
    in_use = staff_client.get(CHANGELIST + "?merged=no&q=Roosevelt").content.decode()
    assert kept.identifier in in_use and other.identifier not in in_use

    # Undo from the merge record's page: a confirmation, then the undo.
    record_page = staff_client.get(f"/admin/catalog/authoritymerge/{merge.pk}/change/").content.decode()
    undo_url = f"/admin/catalog/authoritymerge/{merge.pk}/undo/"
    assert undo_url in record_page and "Undo this merge" in record_page
    assert "Yes, undo the merge" in staff_client.get(undo_url).content.decode()
    undone = staff_client.post(undo_url, follow=True)
    assert any("undone" in m for m in messages_of(undone))
    assert (snapshot(kept), snapshot(other)) == before
    assert "Undo this merge" not in staff_client.get(f"/admin/catalog/authoritymerge/{merge.pk}/change/").content.decode()
    again = staff_client.post(undo_url, follow=True)  # a second undo: one clear error, nothing changed
    assert any("Nothing was changed" in m and "already undone" in m for m in messages_of(again))
    assert (snapshot(kept), snapshot(other)) == before


def test_merge_action_refuses_mixed_kinds_and_merges_nothing(staff_client, volumes):
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    place = Authority.objects.get(identifier="place-hyde-park")
    before = [snapshot(a) for a in (kept, other, place)]
    done = staff_client.post(CHANGELIST, action([kept.pk, other.pk, place.pk], post="yes", keep=str(kept.pk)),
                             follow=True)
    assert any(m.startswith("Nothing was merged:") and "one kind" in m for m in messages_of(done))
    assert [snapshot(a) for a in (kept, other, place)] == before
    assert not AuthorityMerge.objects.exists()


def test_duplicates_page_merges_a_group_in_one_click(staff_client, volumes):
    page = staff_client.get(CHANGELIST + "duplicates/")
    html = page.content.decode()
    assert page.status_code == 200 and "same name: franklin d roosevelt" in html
    assert "Keep this one, merge the others into it" in html
    assert "Likely duplicates" in staff_client.get(CHANGELIST).content.decode()

    kept, other = roosevelt("frus1944B"), roosevelt("frus1944A")
    done = staff_client.post(CHANGELIST + "duplicates/", {"keep": str(kept.pk), "others": [str(other.pk)]},
                             follow=True)
    assert any(f"Merged {other.identifier} into {kept.identifier}" in m for m in messages_of(done))
    assert "same name: franklin d roosevelt" not in done.content.decode()
    assert len(snapshot(kept)["links"]) == 6

    # the same click again (a stale page): refused, nothing changed
    state = snapshot(kept), snapshot(other)
    stale = staff_client.post(CHANGELIST + "duplicates/", {"keep": str(kept.pk), "others": [str(other.pk)]},
                              follow=True)
    assert any("Nothing was merged" in m and "already merged" in m for m in messages_of(stale))
    assert (snapshot(kept), snapshot(other)) == state


def test_merge_pages_need_staff(client, volumes):
    assert client.get(CHANGELIST + "duplicates/").status_code == 302  # to the login page
    assert client.post(CHANGELIST + "duplicates/", {"keep": "1", "others": ["2"]}).status_code == 302
    assert not AuthorityMerge.objects.exists()


def test_record_links_cannot_be_made_to_a_merged_away_authority(staff_client, volumes):
    kept, other = roosevelt("frus1944A"), roosevelt("frus1944B")
    url = "/admin/autocomplete/?app_label=catalog&model_name=recordauthority&field_name=authority&term=Roosevelt"
    assert {r["id"] for r in staff_client.get(url).json()["results"]} == {str(kept.pk), str(other.pk)}
    staff_client.post(CHANGELIST, action([kept.pk, other.pk], post="yes", keep=str(kept.pk)))
    assert {r["id"] for r in staff_client.get(url).json()["results"]} == {str(kept.pk)}
