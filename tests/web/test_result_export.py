"""Search results to take away: /search/export.csv, .ris, .bib and .csl.json hold the records of the search
in its order, parse with independent readers, survive hostile titles, never hold a restricted record, and
stop at 1,000 records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import bibtexparser
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readingroom import search as searching
from readingroom.catalog.models import AccessLevel, Record
from readingroom.search import writer

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")
HOSTILE_TITLES = {
    "frus1944v04/d1": '=HYPERLINK("http://evil.example/","click")',
    "frus1944v04/d2": "+1+cmd|' /C calc'!A0",
    "frus1944v04/d3": "-2 } unbalanced { brace \\ and @misc{injected, title={x}}",
    "frus1944v04/d4": "@SUM(A1)\nER  - \nTY  - JOUR\nsecond line",
}


@pytest.fixture
def indexed(archive):
    writer.rebuild()
    return archive


def export(client, fmt: str, **params):
    response = client.get(f"/search/export.{fmt}", params)
    assert response.status_code == 200, response.content[:200]
    return response


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def ris_records(text: str) -> list[list[str]]:
    """RIS as a reader sees it: every line a tag, records from TY to ER."""
    records: list[list[str]] = []
    for line in text.split("\r\n")[:-1]:
        assert RIS_LINE.match(line), line
        if line.startswith("TY  - "):
            records.append([])
        records[-1].append(line)
    assert all(r[-1] == "ER  - " for r in records)
    return records


def searched_ids(client, **params) -> list[str]:
    return [r["id"] for r in client.get("/search.json", params).json()["results"]]


def test_every_format_holds_the_search_in_its_order(client, indexed):
    order = searched_ids(client, q="Stalin", sort="-date")
    assert len(order) == 7
    rows = csv_rows(export(client, "csv", q="Stalin", sort="-date"))
    assert [r["id"] for r in rows] == order
    seed = next(r for r in rows if r["id"] == "209771")
    assert seed["title"] == "Telegram re Stalin Harriman Conversation on Japanese Troops"
    assert seed["date"] == "1944-02-02" and seed["authors"] == "Harriman, W. Averell"
    assert seed["collection"] == "W. Averell Harriman Papers"
    assert seed["repository"] == "Manuscript Division, Library of Congress"
    assert seed["url"] == "http://testserver/document/209771/" and seed["citation"].startswith('"Telegram re Stalin')
    chapter = next(r for r in rows if r["id"] == "frus1944v04/d1")
    assert chapter["collection"] == "Foreign Relations of the United States, 1944, Europe, Volume IV > The Soviet Union"

    ris = ris_records(export(client, "ris", q="Stalin", sort="-date").content.decode())
    assert [next(line[6:] for line in r if line.startswith("ID  - ")) for r in ris] == order

    library = bibtexparser.parse_string(export(client, "bib", q="Stalin", sort="-date").content.decode())
    assert not library.failed_blocks
    assert len(library.entries) == 7 and len({e.key for e in library.entries}) == 7
    assert [e.fields_dict["url"].value for e in library.entries] == [f"http://testserver/document/{i}/" for i in order]

    items = json.loads(export(client, "csl.json", q="Stalin", sort="-date").content)
    assert [i["id"] for i in items] == order
    for item in items:  # what CSL-JSON requires of an item, and the types of what the archive fills in
        assert isinstance(item["id"], str) and item["type"] == "manuscript" and item["title"]
        assert all(isinstance(p, int) for p in item["issued"]["date-parts"][0])
        assert all("literal" in a for a in item.get("author", []))


def test_an_export_takes_the_advanced_forms_fields_as_the_results_page_does(client, indexed):
    fields = {"all": "Stalin", "person": "Harriman", "from": "1944-02", "sort": "date"}
    order = searched_ids(client, **fields)
    assert order and len(order) < len(searched_ids(client, q="Stalin"))  # the fields narrowed it
    assert [r["id"] for r in csv_rows(export(client, "csv", **fields))] == order
    assert [i["id"] for i in json.loads(export(client, "csl.json", **fields).content)] == order


def test_content_types_and_file_names(client, indexed):
    for fmt, media_type in (("csv", "text/csv"), ("ris", "application/x-research-info-systems"),
                            ("bib", "application/x-bibtex"), ("csl.json", "application/vnd.citationstyles.csl+json")):
        response = export(client, fmt, q="Stalin")
        assert response["Content-Type"] == f"{media_type}; charset=utf-8"
        assert re.fullmatch(rf'attachment; filename="search-\d{{4}}-\d{{2}}-\d{{2}}\.{re.escape(fmt)}"',
                            response["Content-Disposition"])
        assert response["X-Records-Found"] == response["X-Records-Exported"] == "7"


def test_the_results_page_offers_the_exports_as_buttons_of_its_form(client, indexed):
    html = client.get("/search/", {"q": "Stalin", "f.year": "1944", "sort": "date"}).content.decode()
    form = html.split('<form class="search-form"', 1)[1].split("</form>", 1)[0]
    for fmt in ("csv", "ris", "bib", "csl.json"):  # submitting the form there sends the page's parameters
        assert f'type="submit" formaction="/search/export.{fmt}"' in form
    assert html.count("Stalin") < 40  # the query is not repeated in every button
    assert "the first 1000 records" not in html
    narrowed = csv_rows(export(client, "csv", q="Stalin", **{"f.month": "1944-02"}))
    assert {r["id"] for r in narrowed} == {"209771", "frus1944v04/d2"}


def test_hostile_titles_cannot_break_the_formats(client, indexed):
    for public_id, title in HOSTILE_TITLES.items():
        record = Record.objects.get(public_id=public_id)
        record.title = title
        record.summary = "-1+1 =SUM(A1:A9)"
        record.save()
    writer.drain()
    rows = {r["id"]: r for r in csv_rows(export(client, "csv", q="Stalin"))}
    for public_id, title in HOSTILE_TITLES.items():
        assert rows[public_id]["title"] == "'" + title  # text to a spreadsheet, not a formula
        assert rows[public_id]["summary"] == "'-1+1 =SUM(A1:A9)"
    assert rows["209771"]["title"].startswith("Telegram")  # ordinary cells untouched

    ris = ris_records(export(client, "ris", q="Stalin").content.decode())
    assert len(ris) == 7  # the newline and "ER  -" in a title did not end or start a record
    assert "TI  - @SUM(A1) ER - TY - JOUR second line" in {line for r in ris for line in r}

    library = bibtexparser.parse_string(export(client, "bib", q="Stalin").content.decode())
    assert not library.failed_blocks and len(library.entries) == 7
    assert "injected" not in {e.key for e in library.entries}
    braced = next(e for e in library.entries if e.key == "rr_frus1944v04_d3_1944")
    assert "unbalanced" in braced.fields_dict["title"].value

    items = {i["id"]: i for i in json.loads(export(client, "csl.json", q="Stalin").content)}
    assert {pid: items[pid]["title"] for pid in HOSTILE_TITLES} == HOSTILE_TITLES


def test_restricted_records_are_never_exported(client, indexed):
    public = [r["id"] for r in csv_rows(export(client, "csv", q="Stalin"))]
    assert "restricted-1" not in public and "embargoed-1" not in public
    for fmt in ("ris", "bib", "csl.json"):
        body = export(client, fmt, q="Stalin").content.decode()
        assert "restricted-1" not in body and "Restricted memorandum" not in body and "Embargoed" not in body
    # Restricted now, before the index writer has run: out of every export at once.
    record = indexed.frus[0]
    record.access_level = AccessLevel.STAFF
    record.save()
    assert record.public_id not in {r["id"] for r in csv_rows(export(client, "csv", q="Stalin"))}
    assert record.public_id not in export(client, "bib", q="Stalin").content.decode()
    # Staff export what staff see.
    staff = get_user_model().objects.create_user("archivist", password="x", is_staff=True)
    client.force_login(staff)
    assert {"restricted-1", record.public_id} <= {r["id"] for r in csv_rows(export(client, "csv", q="Stalin"))}


def test_a_query_refused_or_an_index_missing_is_one_line(client, archive):
    response = client.get("/search/export.csv", {"q": "Stalin"})  # no index built yet
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.content.decode().count("\n") == 1 and "Traceback" not in response.content.decode()
    assert client.get("/search/export.xlsx", {"q": "Stalin"}).status_code == 404


@pytest.mark.slow
def test_exports_stop_at_the_first_thousand_in_the_search_order(client, db):
    days = [dt.date(1900 + n // 12, 1 + n % 12, 1) for n in range(1100)]
    Record.objects.bulk_create([Record(public_id=f"bulk-{n:04d}", title=f"Circular telegram {n}",
                                       date_edtf=day.isoformat(), date_start=day, date_end=day,
                                       access_level=AccessLevel.STAFF if n % 50 == 0 else AccessLevel.PUBLIC)
                                for n, day in enumerate(days)])
    writer.rebuild()
    public = Record.objects.public().count()
    assert public == 1078
    with CaptureQueriesContext(connection) as queries:
        response = export(client, "csv", q="circular", sort="date")
    assert len(queries) < 40  # a fixed number, whatever the records (authors, tree, contents prefetched)
    assert response["X-Records-Found"] == str(public) and response["X-Records-Exported"] == "1000"
    rows = csv_rows(response)
    expected = list(Record.objects.public().order_by("date_start", "public_id").values_list("public_id", flat=True))
    assert [r["id"] for r in rows] == expected[:1000]
    assert len(json.loads(export(client, "csl.json", q="circular", sort="-date").content)) == 1000
    html = client.get("/search/", {"q": "circular"}).content.decode()
    assert "(the first 1000 records, in this order)" in html
    # The export is one search of 1,000 plain hits; a page of shown hits (stored text, snippets) stays at 100.
    assert len(searching.search("circular", per_page=5000, with_snippets=False, with_facets=False).hits) == 1000
    assert len(searching.search("circular", per_page=5000).hits) == 100


def test_undated_records_sort_by_date_and_export(client, indexed):
    Record.objects.create(public_id="undated-1", title="Undated note on Stalin")
    writer.drain()
    assert client.get("/search/", {"q": "Stalin", "sort": "date"}).status_code == 200
    ids = [r["id"] for r in csv_rows(export(client, "csv", q="Stalin", sort="date"))]
    assert len(ids) == 8 and "undated-1" in ids
    assert next(r for r in csv_rows(export(client, "csv", q="undated")))["date"] == ""
