"""The advanced search form and the fields /search/ and /search.json accept: each field compiles to the
query language, and its results (ids, order, total) are those of typing that query, on a real index of
the seed record, the FRUS excerpt and the made-up records."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from readingroom.catalog.models import Record, Repository
from readingroom.ingest.records import RepositoryRef
from readingroom.search import writer
from readingroom.search.advanced import FIELDS, compile_fields

from .conftest import STAFF, frus_path
from .corpus import HOOVER, SECRET_REPOSITORY, advanced_records, frus_records, store_all

STATE = "Office of the Historian"


@pytest.fixture
def advanced(search_corpus):
    store_all(advanced_records())
    # The FRUS volume's repository comes with its records imported again; they inherit it from the volume.
    store_all(frus_records(frus_path(), repository=RepositoryRef(STATE, "Washington, DC")))
    writer.drain()


# field, value, the query it builds, the public records it finds (worked out from the corpus by hand).
FIELD_CASES = [
    ("all", "Stalin Harriman", "Stalin Harriman", {"209771"}),
    ("phrase", "inner defense line", '"inner defense line"', {"209771"}),  # two restricted records have it too
    ("any", "Danzig Tsingtao", "(Danzig OR Tsingtao)", {"mu-danzig", "mu-embargo-past"}),
    ("none", "Warsaw", "-Warsaw", {"209771", "mu-ocr-1", "mu-ocr-2", "mu-danzig", "mu-russian", "mu-embargo-past",
                                   "frus1944Quebec/d119", "adv-lend-lease"}),
    ("title", "report", "title:report", {"mu-ocr-1", "mu-ocr-2"}),
    ("person", "Molotov", "person:Molotov", {"mu-danzig"}),
    ("place", "Shantung", "place:Shantung", {"209771", "mu-ocr-1"}),  # by its variants, Shandong and Ghantung's text
    ("subject", "Lend-lease", "subject:Lend-lease", {"adv-lend-lease"}),
    ("organization", "Department of State", 'organization:"Department of State"', {"adv-lend-lease"}),
    ("collection", "frus1944Quebec", "collection:frus1944Quebec", {f"frus1944Quebec/d{n}" for n in range(116, 122)}),
    ("repository", HOOVER, f'repository:"{HOOVER}"', {"adv-lend-lease"}),
    ("type", "memorandum", "type:memorandum", {"mu-danzig", "mu-embargo-past", "adv-lend-lease"}),
    ("language", "ru", "language:ru", {"mu-russian"}),
    ("classification", "CONFIDENTIAL", "classification:CONFIDENTIAL", {"mu-ocr-1"}),
    ("from", "1945", "date:1945..", {"mu-danzig", "mu-embargo-past"}),
    ("to", "1944-03", "date:..1944-03", {"209771", "mu-ocr-1"}),
]


def test_every_field_is_covered():
    assert [case[0] for case in FIELD_CASES] == list(FIELDS)


def ranked(client, params: dict | str) -> tuple[list[str], int, dict]:
    data = (client.get(f"/search.json?{params}") if isinstance(params, str) else client.get("/search.json", params)).json()
    return [r["id"] for r in data["results"]], data["total"], data


@pytest.mark.parametrize(("field", "value", "query", "expected"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_each_field_finds_what_typing_its_query_finds(advanced, client, field, value, query, expected):
    # The form redirects to the query it built...
    response = client.get("/search/advanced/", {field: value})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"q": [query]}
    # ...which finds these records, and the field given to /search.json finds the same, in the same order.
    typed, typed_total, _data = ranked(client, {"q": query})
    assert set(typed) == expected and typed_total == len(expected)
    for sort in ("relevance", "-date"):
        assert ranked(client, {field: value, "sort": sort})[:2] == ranked(client, {"q": query, "sort": sort})[:2]
    # The results page says what it searched.
    html = client.get(response["Location"]).content.decode()
    assert "Your query:" in html and f'<code translate="no">{_escaped(query)}</code>' in html


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


def test_fields_combine_with_a_typed_query(advanced, client):
    params = {"q": "Stalin OR Molotov", "from": "1944-02", "to": "1945", "type": "memorandum"}
    ids, total, data = ranked(client, params)
    assert data["compiled_query"] == "(Stalin OR Molotov) type:memorandum date:1944-02..1945"
    assert (ids, total) == ranked(client, {"q": data["compiled_query"]})[:2]
    assert ids == ["mu-danzig"]
    # All of them at once: every field's condition holds.
    everything = {case[0]: case[1] for case in FIELD_CASES if case[0] not in {"none", "from", "to"}}
    assert ranked(client, everything)[1] == 0
    assert ranked(client, {"all": "Memorandum", "type": "memorandum", "from": "1944-05-12", "to": "1944-05-12",
                           "repository": HOOVER, "language": "fr", "subject": "Lend-lease"})[0] == ["adv-lend-lease"]


def test_compiling_quotes_what_needs_quotes():
    built = compile_fields({"all": 'Stalin OR -x (war) a:b "q', "phrase": 'inner "defense" line',
                            "none": "Churchill x:y", "title": "Port Arthur", "person": "Harriman, W. Averell",
                            "classification": "TOP SECRET", "language": "zh-Hans"})
    assert built.query == ('Stalin "OR" "-x" war "a:b" q "inner defense line" -Churchill NOT "x:y" '
                           'title:(Port Arthur) person:"Harriman, W. Averell" language:zh-Hans '
                           'classification:"TOP SECRET"')
    # A typed query keeps its meaning beside the fields: its OR grouped, its open quote and group closed.
    assert compile_fields({"person": "Molotov"}, q="a OR b").query == "(a OR b) person:Molotov"
    assert compile_fields({"person": "Molotov"}, q='x) OR (y "z').query == '(x OR (y "z")) person:Molotov'
    # Control characters (only a hand-made address has them) are spaces.
    assert compile_fields({"person": "Molo\x00tov\x07"}).query == 'person:"Molo tov"'
    assert compile_fields({"from": "1944-02/1944-06", "to": "1944-06-30"}).query == "date:1944-02/1944-06..1944-06-30"
    assert compile_fields({"from": "1944", "to": "1944"}).query == "date:1944"


def test_a_date_that_is_not_edtf_is_shown_beside_its_field_and_nothing_is_searched(advanced, client):
    response = client.get("/search/advanced/", {"person": "Molotov", "from": "1944-13", "to": "soon"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was searched" in html
    assert 'aria-describedby="adv-from-hint adv-from-error" aria-invalid="true"' in html
    assert '<p class="field-error" id="adv-from-error">The “from” date “1944-13” is not a date; it was ignored.</p>' in html
    assert 'id="adv-to-error"' in html and 'value="Molotov"' in html  # what was typed stays
    reversed_dates = client.get("/search/advanced/", {"from": "1945", "to": "1944"})
    assert reversed_dates.status_code == 400 and "before the “from” date" in reversed_dates.content.decode()
    # The same fields on /search.json: the bad date is said and left out, the rest is searched.
    ids, _total, data = ranked(client, {"person": "Molotov", "from": "1944-13"})
    assert ids == ["mu-danzig"] and data["compiled_query"] == "person:Molotov"
    assert "The “from” date “1944-13” is not a date; it was ignored." in data["messages"]
    empty = client.get("/search/advanced/", {"all": "  ", "person": ""})
    assert empty.status_code == 400 and "Fill in at least one field." in empty.content.decode()


def test_labels_hints_and_pick_lists(advanced, client):
    response = client.get("/search/advanced/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in FIELDS:
        assert f'<label for="adv-{field}">' in html and f'id="adv-{field}-hint"' in html
    assert f'<option value="{_escaped(HOOVER)}" translate="no">' in html
    assert '<option value="memorandum of conversation" translate="no">' in html
    assert '<option value="ru">Russian</option>' in html  # a language is named in the reader's language
    assert '<option value="frus1944Quebec" translate="no">' in html
    twin = client.get("/search/advanced.json").json()
    choices = {f["name"]: {c["value"] for c in f["choices"]} for f in twin["fields"] if f["choices"] is not None}
    assert set(choices) == {"collection", "repository", "type", "language", "classification"}
    assert choices["repository"] == {HOOVER, STATE, "Manuscript Division, Library of Congress"}


def test_restricted_records_name_nothing(advanced, client, django_user_model):
    hidden = [SECRET_REPOSITORY, "EYES ONLY", "Vault files", "vault-files", "inventory", "Inventory"]
    html = client.get("/search/advanced/").content.decode()
    twin = client.get("/search/advanced.json").content.decode()
    data = client.get("/search.json").content.decode()
    for secret in hidden:
        assert secret not in html and secret not in twin and secret not in data, secret
    assert '<option value="de">' not in html and '"value": "de"' not in twin + data  # German: only the vault's
    assert ranked(client, {"repository": SECRET_REPOSITORY})[1] == 0
    assert ranked(client, {"q": f'repository:"{SECRET_REPOSITORY}"'})[1] == 0
    # Staff search everything, but the pick lists stay those of public records.
    staff = django_user_model.objects.create_user("archivist", password="x", is_staff=True)
    client.force_login(staff)
    assert ranked(client, {"repository": SECRET_REPOSITORY})[0] == ["adv-vault"]
    assert SECRET_REPOSITORY not in client.get("/search/advanced/").content.decode()
    from readingroom.search.engine import search

    assert facet(search("", user=STAFF), "repository")[SECRET_REPOSITORY] == 1


def facet(results, name: str) -> dict[str, int]:
    for f in results.facets:
        if f.name == name:
            return {v.value: v.count for v in f.values}
    return {}


def test_repository_facet_counts_public_records(advanced, client):
    from readingroom.search.engine import search

    assert facet(search(""), "repository") == {STATE: 6, HOOVER: 1, "Manuscript Division, Library of Congress": 1}
    stalin = Record.objects.filter(public_id__in=[h.public_id for h in search("Stalin", per_page=100).hits])
    assert facet(search("Stalin"), "repository") == {"Manuscript Division, Library of Congress": 1,
                                                      STATE: stalin.filter(collection__identifier="frus1944Quebec").count()}
    selected = client.get("/search.json", {"f.repository": STATE}).json()
    assert selected["total"] == 6 and selected["selected"] == {"repository": [STATE]}


def test_day_two_repository_change_and_restriction_reach_facet_and_form(advanced, client):
    from readingroom.search.engine import search

    record = Record.objects.get(public_id="adv-lend-lease")
    record.repository = Repository.objects.get(name="Manuscript Division, Library of Congress")
    record.save()
    writer.drain()  # the incremental update the background writer makes
    assert facet(search(""), "repository") == {STATE: 6, "Manuscript Division, Library of Congress": 2}
    assert set(ranked(client, {"repository": "Manuscript Division, Library of Congress"})[0]) == {"209771", "adv-lend-lease"}
    assert ranked(client, {"repository": HOOVER})[1] == 0
    assert HOOVER not in client.get("/search/advanced/").content.decode()
    # A repository renamed: the records of its collections follow.
    state = Repository.objects.get(name=STATE)
    state.name = "Office of the Historian, U.S. Department of State"
    state.save()
    writer.drain()
    assert ranked(client, {"repository": "U.S. Department of State"})[1] == 6
    assert "Office of the Historian, U.S. Department of State" in client.get("/search/advanced/").content.decode()
    # Restricted: gone from results at once, and from the pick lists and facets after the update.
    record.access_level = "staff"
    record.save()
    assert "adv-lend-lease" not in ranked(client, {"language": "fr"})[0]
    writer.drain()
    html = client.get("/search/advanced/").content.decode()
    assert '<option value="fr">' not in html and '<option value="memorandum of conversation"' not in html
    assert facet(search(""), "repository")["Manuscript Division, Library of Congress"] == 1


def test_permalink_is_canonical_and_keeps_the_page(advanced, client, settings):
    base = settings.READINGROOM_BASE_URL
    one = ranked(client, "sort=-date&f.type=memorandum&person=&none=Warsaw&f.type=letter&q=&approx=&page=1")[2]
    two = ranked(client, "f.type=letter&none=Warsaw&f.type=memorandum&sort=-date")[2]
    assert one["permalink"] == two["permalink"] == f"{base}/search/?none=Warsaw&f.type=letter&f.type=memorandum&sort=-date"
    assert ranked(client, "q=&page=1")[2]["permalink"] == f"{base}/search/"
    paged = client.get("/search/", {"q": "", "from": "1944", "page": "2"}).content.decode()
    assert f'href="{base}/search/?from=1944&amp;page=2"' in paged and "Link to this search:" in paged
    # The permalink finds what the search found.
    path = one["permalink"].removeprefix(base)
    assert client.get(path.replace("/search/", "/search.json", 1)).json()["results"] == one["results"]


def test_hostile_values_are_bounded_and_answered(advanced, client):
    huge = "Stalin " * 20_000
    form = client.get("/search/advanced/", {"all": huge})
    assert form.status_code == 400 and "At most 500 characters" in form.content.decode()
    assert len(form.content) < 60_000
    data = client.get("/search.json", {"all": huge, "person": "Molotov"}).json()
    assert data["compiled_query"] == "person:Molotov" and any("At most 500" in m for m in data["messages"])
    long_total = client.get("/search/advanced/", {name: "word " * 99 for name in ("all", "any", "none", "title", "phrase")})
    assert long_total.status_code == 400 and "too long" in long_total.content.decode()
    controls = client.get("/search/advanced/", {"person": "Molo\x01tov\u202e\x7f", "collection": "\x00"})
    assert controls.status_code == 302
    many = "&".join(f"all=w{i}" for i in range(999))
    assert client.get(f"/search/advanced/?{many}").status_code == 302
    assert client.get(f"/search.json?{many}").status_code == 200
    too_many = "&".join(f"x{i}=1" for i in range(1001))
    assert client.get(f"/search/advanced/?{too_many}").status_code == 400
    odd = client.get("/search/advanced/", {"collection": "no-such-collection", "type": '"><script>'})
    assert odd.status_code == 302
    assert client.get("/search.json", {"collection": "no-such-collection"}).json()["total"] == 0
