"""The API's read endpoints against a real database and index: the same data as the pages' twins, cursors
that walk every visible record once, and no restricted record for the public on any endpoint."""

from __future__ import annotations

from readingroom.catalog.models import AccessLevel, Record
from readingroom.search import writer
from tests.api.conftest import bearer

RESTRICTED = {"restricted-1", "embargoed-1"}


def _walk(client, url: str, **headers) -> list[dict]:
    items, cursor = [], None
    for _ in range(50):
        response = client.get(url, {"limit": 2, **({"cursor": cursor} if cursor else {})}, **headers)
        assert response.status_code == 200, response.content
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursors never ended")


def test_cursors_walk_every_public_record_once(client, archive):
    ids = [item["id"] for item in _walk(client, "/api/records")]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(Record.objects.public().values_list("public_id", flat=True))
    assert not RESTRICTED & set(ids)


def test_staff_token_sees_restricted_records(client, archive, staff_key):
    ids = {item["id"] for item in _walk(client, "/api/records", **bearer(staff_key))}
    assert ids >= RESTRICTED
    assert client.get("/api/records/restricted-1", **bearer(staff_key)).json()["access_level"] == "staff"


def test_a_non_staff_token_reads_as_the_public(client, archive, reader_key):
    assert client.get("/api/records/restricted-1", **bearer(reader_key)).status_code == 404
    assert client.get("/api/records", **bearer("rr_not-a-token")).status_code == 401


def test_record_detail_is_the_twin(client, archive):
    for public_id in ("209771", "frus1944v04/d1"):
        api = client.get(f"/api/records/{public_id}")
        assert api.status_code == 200
        assert api.json() == client.get(f"/document/{public_id}.json").json()
    detail = client.get("/api/records/209771").json()
    assert detail["contents"][0]["pages"][0]["width"] == 1700
    assert {a["id"] for a in detail["authorities"]} >= {"person-stalin-joseph", "place-shandong"}


def test_restricted_records_are_invisible_on_every_endpoint(client, archive):
    writer.rebuild()
    for public_id in RESTRICTED:
        assert client.get(f"/api/records/{public_id}").status_code == 404
    authorities = {a["id"] for a in _walk(client, "/api/authorities")}
    assert "person-stalin-joseph" in authorities and "person-only-in-restricted" not in authorities
    assert client.get("/api/authorities/person/person-only-in-restricted").status_code == 404
    stalin = client.get("/api/authorities/person/person-stalin-joseph").json()
    assert not RESTRICTED & {r["id"] for r in stalin["records"]}
    collection = client.get("/api/collections/frus1944v04-ch1").json()
    assert "restricted-1" not in str(collection)
    search = client.get("/api/search", {"q": "Stalin"}).json()
    assert search["total"] > 0 and not RESTRICTED & {hit["id"] for hit in search["results"]}
    assert "RESTRICTED" not in str(search)


def test_search_is_search_json(client, archive):
    writer.rebuild()
    params = {"q": "Stalin", "sort": "date", "f.type": "telegram"}
    api = client.get("/api/search", params)
    assert api.status_code == 200
    assert api.json() == client.get("/search.json", params).json()


def test_collections_and_themes_lists(client, archive):
    identifiers = {c["identifier"] for c in _walk(client, "/api/collections")}
    assert identifiers == {"harriman-papers", "frus1944v04", "frus1944v04-ch1"}
    assert client.get("/api/themes").json() == {"items": [], "next_cursor": None}
    assert client.get("/api/records", {"cursor": "%%%"}).status_code == 400


def test_day_two_a_restricted_and_an_edited_record(client, archive):
    """After the archive changes, the API follows: a record made staff-only leaves lists, details, its
    collection's records and (after the index writer ran) search; an edited title shows at once."""
    writer.rebuild()
    record = archive.frus[0]
    record.access_level = AccessLevel.STAFF
    record.save()
    archive.frus[1].title = "Renamed telegram about Molotov"
    archive.frus[1].save()
    writer.drain()
    assert client.get(f"/api/records/{record.public_id}").status_code == 404
    assert record.public_id not in {i["id"] for i in _walk(client, "/api/records")}
    assert record.public_id not in {h["id"] for h in client.get("/api/search", {"q": "Stalin"}).json()["results"]}
    assert client.get(f"/api/records/{archive.frus[1].public_id}").json()["title"] == "Renamed telegram about Molotov"
    assert [h["id"] for h in client.get("/api/search", {"q": "Molotov"}).json()["results"]] == [archive.frus[1].public_id]


def test_head_reads_and_a_wrong_method_is_refused_in_json(client, archive):
    head = client.head("/api/records")
    # the same answer as GET, without its body (the test client, like a server, drops it only for HEAD)
    assert head.status_code == 200 and head["Content-Type"].startswith("application/json") and head.content == b""
    refused = client.delete("/api/records")
    assert refused.status_code == 405 and refused["Content-Type"] == "application/json"
    assert "GET" in refused["Allow"] and "DELETE" in refused.json()["detail"]
    assert client.delete("/api/records/209771").json()["detail"]  # a write address: JSON too
