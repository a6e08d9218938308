"""The document page and its JSON twin, as a reader (and a search engine) gets them."""

from __future__ import annotations

import datetime as dt

import pytest

from readingroom.catalog.models import Record
from readingroom.ingest.runner import run_import
from tests.builders import SEED_TRANSCRIPT, authority_data, export_line, import_lines, write_export


@pytest.fixture
def seed_record(tmp_path, db) -> Record:
    run_import([str(write_export(tmp_path, "seed.txt"))])
    # The archive page names no authorities: the record's export line names Stalin, imported again.
    line = export_line("209771")
    line["archive"]["authorities"].append(
        {"role": "mentioned", **authority_data("person", "person-stalin", "Stalin, Joseph")})
    import_lines([line])
    return Record.objects.get(public_id="209771")


def test_page_shows_the_seed_fields_in_order(client, seed_record):
    response = client.get("/document/209771/")
    assert response.status_code == 200
    html = response.content.decode()
    # the order on the page; <head> repeats the summary in meta tags, the header names the interface languages
    html = html[html.index("<main"):]
    order = [
        "February 2, 1944",
        "<h1 id=\"record-title\" translate=\"no\">Telegram re Stalin Harriman Conversation on Japanese Troops</h1>",
        "Citation:",
        "&quot;Telegram re Stalin Harriman Conversation on Japanese Troops&quot;, February 2, 1944",
        "Summary:",
        "W. Averell Harriman and Joseph Stalin discuss Soviet intelligence",
        "Original Language:",
        "English",
        "Contents:",
        ">Original Scan</a>",
        ">Transcript - English</a>",
        "Machine-read text (OCR)",
        "Ghantung peninsula",
        "Shantung peninsula",
        'href="/person/person-stalin/"',
    ]
    positions = [html.find(text) for text in order]
    assert all(p >= 0 for p in positions), [t for t, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_json_twin_has_every_field(client, seed_record):
    data = client.get("/document/209771.json").json()
    assert data["id"] == "209771"
    assert data["date"] == "1944-02-02"
    assert data["classification"] == "SECRET"
    assert data["collection"]["title"] == "W. Averell Harriman Papers"
    assert data["contents"][1]["text"] == SEED_TRANSCRIPT
    assert data["contents"][0]["machine_read"] is True
    assert data["authorities"][0]["name"] == "Stalin, Joseph"
    assert data["citation"].endswith("http://testserver/document/209771/")


def test_unknown_record_is_a_friendly_404(client, db):
    response = client.get("/document/999999/")
    assert response.status_code == 404
    assert b"Not found" in response.content
    assert client.get("/document/999999.json").status_code == 404


def test_restricted_records_are_hidden_from_the_public(client, seed_record, django_user_model):
    seed_record.access_level = "staff"
    seed_record.save()
    assert client.get("/document/209771/").status_code == 404
    assert client.get("/document/209771.json").status_code == 404
    assert b"209771" not in client.get("/").content
    assert client.get("/person/person-stalin/").content.count(b"/document/209771/") == 0

    staff = django_user_model.objects.create_user("archivist", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/document/209771/").status_code == 200


def test_embargo_lifts_on_its_date(client, seed_record):
    seed_record.access_level = "embargoed"
    seed_record.embargo_until = dt.date.today() + dt.timedelta(days=1)
    seed_record.save()
    assert client.get("/document/209771/").status_code == 404
    seed_record.embargo_until = dt.date.today()
    seed_record.save()
    assert client.get("/document/209771/").status_code == 200


def test_hostile_html_in_transcripts_is_escaped(client, tmp_path, db):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = f"{evil} the original scan text\n\nTELEGRAM SECRET\n\n{evil} the original scan text"
    run_import([str(write_export(tmp_path, "evil.txt", record_id="666", title=f"Evil {evil}", body=body))])
    html = client.get("/document/666/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_home_lists_collections_and_recent_records(client, seed_record):
    html = client.get("/").content.decode()
    assert "W. Averell Harriman Papers" in html
    assert 'href="/document/209771/"' in html
    assert client.get("/.json").json()["recent"][0]["id"] == "209771"


def test_document_without_trailing_slash_redirects(client, seed_record):
    response = client.get("/document/209771")
    assert response.status_code == 301 and response["Location"] == "/document/209771/"
