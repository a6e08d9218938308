"""/map.json and /map/: public counts only, restricted records never counted, and the map after changes
(a restriction, a new link, a merge). The list by region is what a reader without JavaScript gets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readingroom.catalog import counts
from readingroom.catalog.merging import merge, undo
from readingroom.catalog.models import AccessLevel, Record, RecordAuthority
from readingroom.web.place_map import (
    PlaceCounts,
    feature_collection,
    for_reader,
    for_records,
    place_counts,
    public_place_counts,
)
from tests import places_fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return places_fixtures.build()


def features(client) -> dict[str, dict]:
    response = client.get("/map.json")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return {f["properties"]["id"]: f for f in data["features"]}


def test_map_json_counts_public_records_only(client, places):
    found = features(client)
    assert set(found) == {"place-warsaw", "place-london", "place-moscow"}  # Kyiv: only a staff-only record
    warsaw = found["place-warsaw"]
    assert warsaw["geometry"]["type"] == "Point"
    longitude, latitude = warsaw["geometry"]["coordinates"]
    assert 52.2 < latitude < 52.3 and 21.0 < longitude < 21.1
    props = warsaw["properties"]
    # w1 names Warsaw in two roles and counts once; the staff-only record is not counted.
    assert (props["name"], props["records"], props["url"]) == ("Warsaw", 3, "/place/place-warsaw/")
    assert props["decades"] == {"1940": 2, "1950": 1}
    # The popup lists the place's first records from the place's own JSON (by date, the restricted one left out).
    assert "first_records" not in props
    listed = [r["id"] for r in client.get("/place/place-warsaw.json").json()["records"]]
    assert list(dict.fromkeys(listed)) == ["w1", "w2", "w3"]
    assert "secret" not in str(client.get("/map.json").content)


def test_staff_signed_in_see_their_own_view(places, editor):
    client = editor
    found = features(client)
    assert found["place-warsaw"]["properties"]["records"] == 4
    assert "place-kyiv" in found
    assert "private" in client.get("/map.json")["Cache-Control"]


def test_restricting_a_record_updates_the_map(client, places):
    Record.objects.filter(public_id="m1").update(access_level=AccessLevel.STAFF)
    Record.objects.filter(public_id="w3").update(access_level=AccessLevel.EMBARGOED, embargo_until="2999-01-01")
    found = features(client)
    assert "place-moscow" not in found  # its only public record is now restricted
    assert found["place-warsaw"]["properties"]["records"] == 2
    assert found["place-warsaw"]["properties"]["decades"] == {"1940": 2}
    page = client.get("/map/").content.decode()
    assert "Moscow" not in page and "Qwxzy" not in page and "Kyiv" not in page


def test_day_two_a_new_place_link_and_a_merge(client, places):
    # A cataloguer links London to the 1955 telegram: London's count and decades follow.
    RecordAuthority.objects.create(record=places.records["w3"], authority=places.london, role="mentioned")
    london = features(client)["place-london"]["properties"]
    assert (london["records"], london["decades"]) == (2, {"1940": 1, "1950": 1})
    # Kyiv gets a public record: it appears.
    kyiv_record = places_fixtures.record("k1", "1961-04-12", places.kyiv)
    assert features(client)["place-kyiv"]["properties"]["records"] == 1
    # Staff merge a duplicate "Warszawa" (with its own record) into Warsaw: one marker with both.
    places_fixtures.record("d1", "1939-09-01", places_fixtures.place("place-warszawa", "Warszawa"))
    duplicate = places_fixtures.authority("place-warszawa")
    assert "place-warszawa" not in features(client)  # no coordinates yet: listed, not on the map
    assert "Warszawa" in client.get("/map/").content.decode()
    merge(places.warsaw.pk, duplicate.pk)
    found = features(client)
    assert "place-warszawa" not in found
    assert found["place-warsaw"]["properties"]["records"] == 4
    assert found["place-warsaw"]["properties"]["decades"] == {"1930": 1, "1940": 2, "1950": 1}
    kyiv_record.delete()
    assert "place-kyiv" not in features(client)


def test_a_merge_gives_the_kept_place_the_position_it_lacked_and_undo_takes_it_back(client, places):
    places_fixtures.record("g1", "1939-10-01", places_fixtures.place(
        "place-warschau", "Warschau", coordinates_source="none: staff could not tell which Warschau"))
    unlocated = places_fixtures.authority("place-warschau")
    assert "place-warschau" not in features(client)
    done = merge(unlocated.pk, places.warsaw.pk)  # the one kept has no position: it takes Warsaw's
    unlocated.refresh_from_db()
    assert (unlocated.latitude, unlocated.longitude) == (places.warsaw.latitude, places.warsaw.longitude)
    assert unlocated.coordinates_source == places.warsaw.coordinates_source
    assert features(client)["place-warschau"]["properties"]["records"] == 4
    undo(done.pk)
    unlocated.refresh_from_db()
    assert unlocated.latitude is None and unlocated.coordinates_source.startswith("none: staff could not tell")
    assert "place-warschau" not in features(client) and features(client)["place-warsaw"]["properties"]["records"] == 3
    # A place that has a position keeps it: merging another into it moves no coordinates.
    london_at = (places.london.latitude, places.london.longitude)
    merge(places.london.pk, places.warsaw.pk)
    places.london.refresh_from_db()
    assert (places.london.latitude, places.london.longitude) == london_at


def test_without_javascript_the_map_page_lists_places_by_region(client, places):
    response = client.get("/map/")
    assert response.status_code == 200
    page = response.content.decode()
    europe, poland, unplaced = page.index("<h3>Europe</h3>"), page.index("<h4>Poland</h4>"), page.index("Unplaced")
    assert europe < poland < page.index('href="/place/place-warsaw/">Warsaw</a> <span class="count">(3)')
    assert page.index("<h4>Russia</h4>") < page.index(">Moscow<")
    assert page.index("<h4>United Kingdom</h4>") < page.index(">London<")
    assert unplaced < page.index("Qwxzy Crossing")  # no region known: listed under "Unplaced"
    assert "Kyiv" not in page and "secret" not in page
    # The map itself is hidden until its script runs; its data travels in json_script, not inline code.
    assert '<section class="place-map"' in page and " hidden>" in page
    assert 'id="place-map-data" type="application/json"' in page
    assert '<input type="range"' in page and '<label for="place-map-data-decade">' in page


def test_the_map_page_speaks_the_readers_language(client, places):
    page = client.get("/map/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Европа" in page and "Польша" in page and "Карта мест" in page and "Десятилетие" in page
    page = client.get("/map/", HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert "欧洲" in page and "波兰" in page


def test_the_place_page_shows_coordinates_and_their_source(client, places):
    page = client.get("/place/place-warsaw/").content.decode()
    assert "52.22977, 21.01178" in page and "GeoNames" in page and "756135" in page
    data = client.get("/place/place-warsaw.json").json()
    assert data["coordinates"]["latitude"] == 52.22977 and "GeoNames" in data["coordinates"]["source"]
    assert client.get("/place/place-qwxzy-crossing/").status_code == 404
    assert client.get("/place/place-nowhere.json").json()["coordinates"] is None


def test_feature_collection_takes_any_record_set_in_a_fixed_number_of_queries(places):
    only_1950s = Record.objects.public().filter(date_start__year__gte=1950)
    small = feature_collection(for_records(only_1950s.values_list("pk", flat=True)), popup_records=5)
    ids = {f["properties"]["id"]: f["properties"]["records"] for f in small["features"]}
    assert ids == {"place-warsaw": 1, "place-moscow": 1}
    assert [[r["id"] for r in f["properties"]["first_records"]] for f in small["features"]] == [["m1"], ["w3"]]
    with CaptureQueriesContext(connection) as few:
        feature_collection(for_reader(AnonymousUser()))
    for n in range(12):
        more = places_fixtures.place(f"place-extra-{n}", "Moscow")
        places_fixtures.record(f"x{n}", f"19{50 + n}-01-01", more)
    from readingroom.catalog.coordinates import locate

    locate()
    with CaptureQueriesContext(connection) as many:
        collection = feature_collection(for_reader(AnonymousUser()))
    assert len(collection["features"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def _public_map_agrees_with_a_recount() -> PlaceCounts:
    """The public's map reads kept counts; they must be what the GROUP BY over the links counts now."""
    kept = public_place_counts()
    recounted = place_counts(for_reader(AnonymousUser()))
    assert (kept.records, kept.decades) == (recounted.records, recounted.decades)
    return kept


def test_day_two_the_publics_kept_place_counts_follow_every_change(client, places):
    """Re-dated into another decade, undated, restricted, an embargo that ended, a link taken away, a merge
    and its undoing, a deletion and a re-import: after each, the kept counts are what a recount gives and
    /map.json shows them."""
    counted = _public_map_agrees_with_a_recount()
    assert counted.decades[places.warsaw.pk] == {"1940": 2, "1950": 1} and places.kyiv.pk not in counted.records
    w2 = places.records["w2"]
    w2.date_edtf = "1962-10-22"
    w2.save()
    assert _public_map_agrees_with_a_recount().decades[places.warsaw.pk] == {"1940": 1, "1950": 1, "1960": 1}
    w2.date_edtf = ""
    w2.save()
    counted = _public_map_agrees_with_a_recount()
    assert (counted.records[places.warsaw.pk], counted.decades[places.warsaw.pk]) == (3, {"1940": 1, "1950": 1})
    secret = places.records["secret"]
    secret.access_level, secret.embargo_until = AccessLevel.EMBARGOED, dt.date(2000, 1, 1)  # the embargo ended
    secret.save()
    assert _public_map_agrees_with_a_recount().decades[places.kyiv.pk] == {"1940": 1}
    RecordAuthority.objects.filter(record=places.records["m1"], authority=places.moscow).delete()
    assert places.moscow.pk not in _public_map_agrees_with_a_recount().records
    done = merge(places.warsaw.pk, places.kyiv.pk)
    assert places.kyiv.pk not in _public_map_agrees_with_a_recount().records
    undo(done.pk)
    _public_map_agrees_with_a_recount()
    places.records["w3"].delete()
    places_fixtures.record("w3", "1985-05-14", places.warsaw, places.london)  # re-imported, re-dated
    counted = _public_map_agrees_with_a_recount()
    assert counted.decades[places.london.pk] == {"1940": 1, "1980": 1}
    assert features(client)["place-london"]["properties"]["decades"] == {"1940": 1, "1980": 1}
    assert counts.drift() == []


def test_the_publics_map_costs_the_same_few_queries_whatever_the_archive_holds(client, places):
    counts.ensure_current()  # what the fixture changed is counted (in a test, the transaction never commits)
    with CaptureQueriesContext(connection) as few:
        client.get("/map.json")
    for n in range(12):
        places_fixtures.record(f"y{n}", f"19{30 + n}-01-01", places_fixtures.place(f"place-more-{n}", "Moscow"))
    from readingroom.catalog.coordinates import locate

    locate()
    counts.ensure_current()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/map.json").json()["features"]) == 3 + 12
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any("recordauthority" in q["sql"] for q in many.captured_queries)  # no walk over the links
