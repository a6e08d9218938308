"""The write endpoints: staff tokens only, one transaction each, bad input refused with one message and
nothing changed, and every change reaching search through the catalogue's signals and the index writer."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from django.test import Client
from PIL import Image

from readingroom.api.models import ApiToken
from readingroom.catalog.models import Page, Record
from readingroom.search import writer
from tests.api.conftest import bearer
from tests.builders import render_scan


def _post(client: Client, url: str, body: dict, key: str | None = None, method: str = "post"):
    headers = bearer(key) if key else {}
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


def _state() -> list:
    return list(Record.objects.order_by("pk").values_list("public_id", "title", "access_level", "embargo_until"))


def test_writes_without_a_staff_token_change_nothing(client, archive, reader_key, staff_key):
    before, pages = _state(), Page.objects.count()
    png = render_scan(["A PAGE"], size=(300, 200))[0]
    for key, status in ((None, 401), ("rr_forged", 401), (reader_key, 403)):
        assert _post(client, "/api/records", {"title": "New"}, key).status_code == status
        assert _post(client, "/api/records/209771", {"title": "Changed"}, key, "patch").status_code == status
        assert _post(client, "/api/records/209771/access", {"access_level": "public"}, key, "put").status_code == status
        upload = client.post("/api/records/209771/pages", {"image": _file(png, "p.png")},
                             **(bearer(key) if key else {}))
        assert upload.status_code == status
    # A session does not authorize writes either: only tokens do (so no CSRF exposure).
    client.force_login(ApiToken.objects.get(prefix=staff_key[:10]).user)
    assert _post(client, "/api/records", {"title": "New"}).status_code == 401
    token = ApiToken.objects.get(prefix=staff_key[:10])
    from readingroom.api import tokens

    tokens.revoke(token.prefix)
    assert _post(Client(), "/api/records", {"title": "New"}, staff_key).status_code == 401
    assert _state() == before and Page.objects.count() == pages


def test_create_and_update_a_record_then_search_finds_it(client, archive, staff_key):
    writer.rebuild()
    created = _post(client, "/api/records", {
        "id": "api/1", "title": "Memorandum on the Yalta agenda", "date": "1945-01", "collection": "harriman-papers",
        "languages": ["en-GB"], "transcript": {"text": "The agenda of the Crimean conference at Yalta.", "language": "en"},
    }, staff_key)
    assert created.status_code == 201, created.content
    assert created.json()["date_display"] == "January 1945"
    assert created.json()["languages"] == [{"code": "en", "name": "English"}]
    assert created.json()["contents"][0]["text"].startswith("The agenda")
    record = Record.objects.get(public_id="api/1")
    assert record.history.first().history_user.username == "archivist"
    writer.drain()  # what the background writer does on the queued change
    assert [h["id"] for h in client.get("/api/search", {"q": "Crimean"}).json()["results"]] == ["api/1"]

    updated = _post(client, "/api/records/api/1", {"title": "Memorandum on the Crimean agenda",
                                                   "transcript": {"text": "Revised: Livadia palace."}},
                    staff_key, "patch")
    assert updated.status_code == 200
    assert updated.json()["title"] == "Memorandum on the Crimean agenda"
    assert updated.json()["collection"]["identifier"] == "harriman-papers"  # fields not sent are kept
    writer.drain()
    assert [h["id"] for h in client.get("/api/search", {"q": "Livadia"}).json()["results"]] == ["api/1"]
    assert client.get("/api/search", {"q": "Crimean conference"}).json()["total"] == 0
    assert _post(client, "/api/records", {"id": "api/1", "title": "Again"}, staff_key).status_code == 409


def test_bad_input_is_one_message_and_loses_nothing(client, archive, staff_key):
    before = _state()
    for body in ({"title": "x", "date": "February 30th"}, {"title": "x", "collection": "no-such"},
                 {"title": "x", "access_level": "embargoed"}, {"title": ""}, {"title": "x", "access_level": "secret"},
                 {"id": "../etc", "title": "x"}, {"id": "a/pages", "title": "x"},
                 {"title": "x", "languages": ["Klingonese"]}, {"title": "a\x00b"}, {"title": "x", "collection": "\x00"},
                 {"title": "x", "transcript": {"text": "NUL \x00 here"}}, {"title": "x", "languages": ["en\x00"]}):
        response = _post(client, "/api/records", body, staff_key)
        assert response.status_code == 422 and isinstance(response.json()["detail"], str), response.content
    response = _post(client, "/api/records/209771", {"date": "1944-13-45"}, staff_key, "patch")
    assert response.status_code == 422 and "date" in response.json()["detail"]
    assert _post(client, "/api/records/no-such", {"title": "x"}, staff_key, "patch").status_code == 404
    assert client.get("/api/records/a%00b").status_code in (400, 404)
    assert _state() == before


def test_set_access_hides_a_record_from_the_public_at_once(client, archive, staff_key):
    writer.rebuild()
    assert client.get("/api/records/209771").status_code == 200
    response = _post(client, "/api/records/209771/access", {"access_level": "embargoed",
                                                             "embargo_until": "2999-01-01"}, staff_key, "put")
    assert response.status_code == 200 and response.json()["embargo_until"] == "2999-01-01"
    assert client.get("/api/records/209771").status_code == 404
    assert "209771" not in {h["id"] for h in client.get("/api/search", {"q": "Stalin"}).json()["results"]}
    assert client.get(f"/iiif/image/{archive.page.pk}/info.json").status_code in (403, 404)
    assert _post(client, "/api/records/209771/access", {"access_level": "public"}, staff_key, "put").status_code == 200
    writer.drain()
    assert "209771" in {h["id"] for h in client.get("/api/search", {"q": "Stalin"}).json()["results"]}


def _file(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_attach_page_images(client, archive, staff_key, settings):
    png = render_scan(["SECOND PAGE"], size=(800, 600))[0]
    response = client.post("/api/records/209771/pages", {"image": _file(png, "p2.png")}, **bearer(staff_key))
    assert response.status_code == 201, response.content
    added = response.json()["pages"]
    assert [p["position"] for p in added] == [1] and added[0]["width"] == 800
    assert client.get(added[0]["iiif"]).status_code == 200
    assert len(client.get("/api/records/209771").json()["contents"][0]["pages"]) == 2
    # A record without a scan gets one; a TIFF's frames are pages in order.
    frames = [Image.new("L", (200, 100), shade) for shade in (50, 200)]
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:])
    response = client.post("/api/records/frus1944v04/d2/pages", {"image": _file(tiff.getvalue(), "two.tif")},
                           **bearer(staff_key))
    assert [p["position"] for p in response.json()["pages"]] == [0, 1]

    count = Page.objects.count()
    for data, name, status in ((b"not an image at all", "bad.png", 422), (png[: len(png) // 2], "cut.png", 422),
                               (png, "page.exe", 422)):
        response = client.post("/api/records/209771/pages", {"image": _file(data, name)}, **bearer(staff_key))
        assert response.status_code == status, (name, response.content)
        assert isinstance(response.json()["detail"], str)
    settings.READINGROOM_API_MAX_UPLOAD_BYTES = 1000
    response = client.post("/api/records/209771/pages", {"image": _file(png, "big.png")}, **bearer(staff_key))
    assert response.status_code == 413
    assert Page.objects.count() == count
    # A body announced larger than the limit is refused before a byte of it is read (the test payload
    # holds one byte: reading more would fail), so a huge upload is never spooled to disk.
    settings.READINGROOM_API_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
    huge = client.generic("POST", "/api/records/209771/pages", b"x", content_type="multipart/form-data; boundary=b",
                          CONTENT_LENGTH=str(10 * 1024**3), **bearer(staff_key))
    assert huge.status_code == 413 and "larger than 200 MB" in huge.json()["detail"]
    assert Page.objects.count() == count


def test_api_token_command(tmp_path, process_database):
    env = {**os.environ, "READINGROOM_DATA_DIR": str(tmp_path / "cli-data")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "readingroom.cli", "api-token", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    missing = run("create", "nobody")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    script = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='readingroom.settings'; django.setup();"
              "from readingroom.cli.app import open_archive; open_archive();"
              "from django.contrib.auth.models import User;"
              "User.objects.create_user('clerk', is_staff=True); User.objects.create_user('visitor')")
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert run("create", "visitor").returncode == 1
    made = run("create", "clerk", "--name", "lab")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("rr_") and "not shown again" in made.stderr
    listed = run("list")
    assert key[:10] in listed.stdout and key not in listed.stdout
    assert run("revoke", key[:10]).returncode == 0
    assert run("revoke", key[:10]).returncode == 1
