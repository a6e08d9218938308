"""Pages about authorities and collections whose records are all restricted do not exist for the public:
a 404 like a missing page, HTML and JSON alike, so a guessed slug reveals no name, variant, description or
title. Staff still see them. Day two: a page whose last public record is restricted is gone at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from readingroom.catalog.models import (
    AccessLevel,
    Authority,
    Collection,
    NameVariant,
    Record,
    RecordAuthority,
)

SECRET_PAGES = ["/person/person-only-in-restricted/", "/person/person-only-in-restricted.json",
                "/collection/restricted-files/", "/collection/restricted-files.json",
                "/collection/harriman-papers/?container=999", "/collection/harriman-papers.json?container=999"]


@pytest.fixture
def secret_series(archive):
    """A series under the FRUS volume holding only the restricted memorandum, with a telling title."""
    series = Collection.objects.create(identifier="restricted-files", title="Files of the Secret Committee",
                                       description="Minutes nobody may read", parent=archive.collections["frus"],
                                       level=Collection.Level.SERIES, position=9)
    archive.restricted.collection = series
    archive.restricted.save()
    NameVariant.objects.create(authority=archive.secret_person, name="Zed the Hidden")
    return series


def test_restricted_only_pages_are_404_to_the_public(client, archive, secret_series):
    for url in SECRET_PAGES:
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Secret" not in body and "Zed" not in body and "Minutes nobody" not in body, url
    # The volume's page lists its public chapter but not the secret series, nor counts its record.
    volume = client.get("/collection/frus1944v04.json").json()
    assert [c["identifier"] for c in volume["children"]] == ["frus1944v04-ch1"]
    assert "Files of the Secret Committee" not in client.get("/collection/frus1944v04/").content.decode()
    assert "restricted-files" not in client.get("/browse/collections.json").content.decode()
    assert "Zed" not in client.get("/browse/people.json").content.decode()
    # Public pages still answer.
    for url in ("/person/person-stalin-joseph/", "/collection/frus1944v04/", "/collection/harriman-papers.json?container=171"):
        assert client.get(url).status_code == 200, url


def test_staff_still_see_them(client, archive, secret_series):
    client.force_login(get_user_model().objects.create_user("archivist", password="x", is_staff=True))
    for url in SECRET_PAGES:
        assert client.get(url).status_code == 200, url
    person = client.get("/person/person-only-in-restricted.json").json()
    assert person["name"] == "Zed, Secret Person" and [r["id"] for r in person["records"]] == ["restricted-1"]
    assert "restricted-files" in [c["identifier"] for c in client.get("/collection/frus1944v04.json").json()["children"]]
    # An authority with no record at all is still there for staff to look at.
    Authority.objects.create(kind="subject", identifier="subject-unused", preferred_name="Unused subject")
    assert client.get("/subject/subject-unused/").status_code == 200
    client.logout()
    assert client.get("/subject/subject-unused/").status_code == 404


def test_day_two_an_authority_whose_only_public_record_is_restricted_is_gone_at_once(client, archive):
    shandong = "/place/place-shandong.json"
    assert client.get(shandong).json()["count"] == 1  # only the seed telegram mentions it
    seed = Record.objects.get(public_id="209771")
    seed.access_level = AccessLevel.STAFF
    seed.save()
    assert client.get(shandong).status_code == 404
    assert client.get("/place/place-shandong/").status_code == 404
    # the seed was also the only public record of its collection and of container 171
    assert client.get("/collection/harriman-papers/").status_code == 404
    assert client.get("/collection/harriman-papers/?container=171").status_code == 404
    # Published again, or an embargo that has ended: back.
    seed.access_level = AccessLevel.EMBARGOED
    seed.embargo_until = seed.created.date()
    seed.save()
    assert client.get(shandong).json()["count"] == 1
    assert client.get("/collection/harriman-papers/").status_code == 200
    # A link removed rather than a record restricted: gone too.
    RecordAuthority.objects.filter(authority=archive.shantung).delete()
    assert client.get(shandong).status_code == 404


def test_a_merged_authority_redirects_only_to_a_page_the_reader_may_see(client, archive):
    from readingroom.catalog.merging import merge

    twin = Authority.objects.create(kind="person", identifier="person-zed-s", preferred_name="Zed, S.")
    RecordAuthority.objects.create(record=archive.restricted, authority=twin, role="mentioned")
    merge(archive.secret_person.pk, twin.pk)
    for url in ("/person/person-zed-s/", "/person/person-zed-s.json"):
        response = client.get(url)
        assert response.status_code == 404 and "person-only-in-restricted" not in response.content.decode(), url
    client.force_login(get_user_model().objects.create_user("archivist", password="x", is_staff=True))
    assert client.get("/person/person-zed-s/")["Location"] == "/person/person-only-in-restricted/"
