"""Browsing: the collection tree, the date timeline and A-Z lists count visible records only."""

from __future__ import annotations


def test_collection_tree_counts(client, archive):
    data = client.get("/browse/collections.json").json()
    repositories = {r["name"]: r["collections"] for r in data["repositories"]}
    harriman = repositories["Manuscript Division, Library of Congress"][0]
    assert harriman["records"] == 1 and harriman["containers"] == [{"container": "171", "records": 1, "folders": []}]
    frus = repositories["Office of the Historian, U.S. Department of State"][0]
    assert frus["records"] == 6 and frus["children"][0]["title"] == "The Soviet Union"
    assert frus["children"][0]["records"] == 6
    html = client.get("/browse/collections/").content.decode()
    assert "Container 171" in html and "Container 999" not in html  # 999 holds only the embargoed record


def test_container_filter(client, archive):
    data = client.get("/collection/harriman-papers.json?container=171").json()
    assert [r["id"] for r in data["records"]] == ["209771"]


def test_containers_and_folders_in_the_tree(client, archive):
    from readingroom.catalog.models import Record

    Record.objects.filter(public_id__in=["frus1944v04/d1", "frus1944v04/d2"]).update(container="12", folder="3")
    Record.objects.filter(public_id="frus1944v04/d3").update(container="12", folder="4")
    Record.objects.filter(public_id="frus1944v04/d4").update(container="12")
    Record.objects.filter(public_id="restricted-1").update(container="12", folder="9")
    data = client.get("/browse/collections.json").json()
    chapter = data["repositories"][1]["collections"][0]["children"][0]
    assert chapter["containers"] == [{"container": "12", "records": 4, "folders": [
        {"folder": "3", "records": 2}, {"folder": "4", "records": 1}]}]
    html = client.get("/browse/collections/").content.decode()
    assert 'href="/collection/frus1944v04-ch1/?container=12&amp;folder=3">Folder 3</a>' in html
    assert "Folder 9" not in html  # only the restricted record is in folder 9
    folder = client.get("/collection/frus1944v04-ch1.json?container=12&folder=3").json()
    assert [r["id"] for r in folder["records"]] == ["frus1944v04/d1", "frus1944v04/d2"]


def test_timeline_narrows(client, archive):
    decades = client.get("/browse/dates.json").json()
    assert decades["bars"] == [{"label": "1940s", "count": 7, "query": "decade=1940"}]
    assert decades["undated"] == 0
    years = client.get("/browse/dates.json?decade=1940").json()
    assert years["bars"] == [{"label": "1944", "count": 7, "query": "year=1944"}]
    months = client.get("/browse/dates.json?year=1944").json()
    assert [(b["label"], b["count"]) for b in months["bars"]] == [
        ("January", 1), ("February", 2), ("March", 1), ("April", 1), ("May", 1), ("June", 1)]
    assert len(months["records"]) == 7
    february = client.get("/browse/dates.json?year=1944&month=2").json()
    assert [r["id"] for r in february["records"]] == ["209771", "frus1944v04/d2"]  # same day: by id
    # The restricted record of 1951 and the embargoed one of 1962 appear nowhere.
    assert client.get("/browse/dates.json?decade=1950").json()["bars"] == []
    assert client.get("/browse/dates.json?year=1962").json()["records"] == []
    assert client.get("/browse/dates/?year=abc").status_code == 200


def test_authority_lists(client, archive):
    people = client.get("/browse/people.json").json()
    assert [(i["name"], i["records"]) for i in people["items"]] == [
        ("Harriman, W. Averell", 7), ("Stalin, Joseph", 7)]  # restricted links not counted; "Zed" not listed
    assert people["letters"]["H"] == 1 and people["letters"]["Z"] == 0
    by_variant = client.get("/browse/places.json?q=shantung").json()
    assert [i["name"] for i in by_variant["items"]] == ["Shandong"]
    by_letter = client.get("/browse/people.json?letter=S").json()
    assert [i["name"] for i in by_letter["items"]] == ["Stalin, Joseph"]
    html = client.get("/browse/people/").content.decode()
    assert "Zed, Secret Person" not in html


def test_names_outside_a_to_z(client, archive):
    from readingroom.catalog.models import Authority, RecordAuthority

    moscow = Authority.objects.create(kind="place", identifier="place-moskva", preferred_name="Москва")
    RecordAuthority.objects.create(record=archive.seed, authority=moscow, role="mentioned")
    places = client.get("/browse/places.json").json()
    assert places["letters"]["#"] == 1
    assert [i["name"] for i in client.get("/browse/places.json?letter=%23").json()["items"]] == ["Москва"]
    assert 'href="?letter=%23"' in client.get("/browse/places/").content.decode()


def test_browse_index_counts(client, archive):
    data = client.get("/browse.json").json()
    assert data["records"] == 7
    assert data["authorities"] == {"people": 2, "places": 2, "organizations": 0, "subjects": 1}


def test_lists_are_paginated(client, archive):
    from readingroom.catalog.models import Authority, Record, RecordAuthority

    for n in range(60):
        a = Authority.objects.create(kind="subject", identifier=f"subject-{n:03d}", preferred_name=f"Subject {n:03d}")
        RecordAuthority.objects.create(record=Record.objects.get(public_id="209771"), authority=a, role="subject")
    first = client.get("/browse/subjects.json").json()
    assert first["previous"] is None and first["next"].startswith("?after=")
    second = client.get("/browse/subjects.json" + first["next"]).json()
    assert (len(first["items"]), len(second["items"]), second["next"]) == (50, 11, None)
    assert [i["name"] for i in first["items"] + second["items"]] == sorted(i["name"] for i in first["items"] + second["items"])
    back = client.get("/browse/subjects.json" + second["previous"]).json()
    assert back["items"] == first["items"] and back["previous"] is None
    # the old numbered address moves to the same rows' key
    moved = client.get("/browse/subjects.json?page=2")
    assert moved.status_code == 301 and client.get(moved["Location"]).json()["items"] == second["items"]
    html = client.get("/browse/subjects/?q=Subject").content.decode()
    assert 'href="?q=Subject&amp;after=' in html and 'rel="next"' in html


def test_authority_page(client, archive):
    data = client.get("/person/person-stalin-joseph.json").json()
    assert data["variants"] == ["Dzhugashvili, Iosif", "Сталин, Иосиф Виссарионович"]
    assert data["dates"] == "1878-1953" and data["wikidata"] == "Q855" and data["viaf"] == "101787139"
    ids = [r["id"] for r in data["records"]]
    assert "restricted-1" not in ids and "embargoed-1" not in ids and data["count"] == 7
    dates = [r["date"] for r in data["records"]]
    assert dates == sorted(dates)  # by date
    assert {r["role"] for r in data["records"]} == {"mentioned"}
    html = client.get("/person/person-stalin-joseph/").content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q855"' in html and 'href="https://viaf.org/viaf/101787139"' in html
    place = client.get("/place/place-shandong/").content.decode()
    assert 'href="https://www.geonames.org/1796328"' in place
    # An authority linked only to restricted records does not exist for the public (tests/web/test_restricted_only.py).
    assert client.get("/person/person-only-in-restricted.json").status_code == 404
