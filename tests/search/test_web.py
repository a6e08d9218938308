"""The search page, its JSON twin, and "more like this" on the document page."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from readingroom.catalog.models import Record

from .helpers import ids


def test_search_page_shows_results_facets_and_snippets(made_up, client):
    response = client.get("/search/", {"q": "Danzig"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 record" in html
    assert "mu-danzig" in html and "March 10, 1945" in html and "Made-up test records" in html
    assert "<b>Danzig</b>" in html  # highlighted in title and snippet
    assert 'class="facets"' in html and "Memorandum" in html
    assert 'value="Danzig"' in html  # the query stays in the box


def test_ocr_snippets_are_marked_machine_read(made_up, client):
    html = client.get("/search/", {"q": "resignation"}).content.decode()
    assert "mu-ocr-1" in html and "Machine-read text (OCR)" in html


def test_json_twin_lists_results_in_rank_order_with_facets_and_total(made_up, client):
    data = client.get("/search.json", {"q": "Shantung"}).json()
    assert [r["id"] for r in data["results"]] == ids("Shantung")
    assert data["total"] == len(data["results"]) == 2
    assert [r["rank"] for r in data["results"]] == [1, 2]
    facets = {f["name"]: f for f in data["facets"]}
    assert {v["value"]: v["count"] for v in facets["type"]["values"]} == {"report": 2}
    assert not {"mu-staff", "mu-embargo-future"} & {r["id"] for r in data["results"]}


def test_facet_links_select_several_values(made_up, client):
    data = client.get("/search.json?q=&f.type=report&f.type=letter").json()
    assert {r["id"] for r in data["results"]} == {"mu-ocr-1", "mu-ocr-2", "mu-russian"}
    assert data["selected"] == {"type": ["report", "letter"]}
    html = client.get("/search/?q=&f.type=report").content.decode()
    # Each facet value is a button of the page's one form, which carries the selection once.
    assert '<input type="hidden" name="f.type" value="report">' in html
    assert 'name="toggle" value="type:memorandum" aria-pressed="false"' in html
    assert 'name="toggle" value="type:report" aria-pressed="true"' in html
    pressed = client.get("/search/?q=&f.type=report&sort=relevance&toggle=type:memorandum")
    assert pressed.status_code == 302 and pressed["Location"] == "/search/?q=&f.type=report&f.type=memorandum"
    assert client.get("/search/?q=&f.type=report&toggle=type:report")["Location"] == "/search/?q="


def test_pagination_and_sort(made_up, client):
    data = client.get("/search.json?q=&sort=-date").json()
    dates = [r["date"] for r in data["results"]]
    assert dates == sorted(dates, reverse=True)
    assert data["pages"] == 1
    assert client.get("/search/?q=&page=999999").status_code == 200
    assert client.get("/search/?q=&page=abc").status_code == 200


def test_staff_see_restricted_records_on_the_page(made_up, client):
    assert "mu-staff" not in client.get("/search/", {"q": "Shandong"}).content.decode()
    staff = get_user_model().objects.create_user("archivist", password="x", is_staff=True)
    client.force_login(staff)
    assert "mu-staff" in client.get("/search/", {"q": "Shandong"}).content.decode()


def test_more_like_this_on_the_document_page(made_up, client):
    html = client.get(Record.objects.get(public_id="mu-ocr-1").get_absolute_url()).content.decode()
    assert "More like this" in html
    # Restricted records are not suggested to the public.
    assert "Staff only" not in html and "Embargoed Shandong" not in html


def test_page_works_before_any_index_exists(db, client):
    response = client.get("/search/", {"q": "anything"})
    assert response.status_code == 503 and response["Retry-After"]
    assert "the index is being built" in response.content.decode()


def test_ocr_noise_is_highlighted_in_machine_read_snippets(made_up, client):
    data = client.get("/search.json", {"q": "Shantung railway"}).json()
    snippet = data["results"][0]["snippet"]
    assert data["results"][0]["id"] == "mu-ocr-2"
    assert snippet["machine_read"] and "<b>Ghantung</b>" in snippet["html"]
    data = client.get("/search.json", {"q": "resignation"}).json()
    by_id = {r["id"]: r for r in data["results"]}
    assert "<b>resig nation</b>" in by_id["mu-ocr-1"]["snippet"]["html"]
