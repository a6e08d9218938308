"""Exact matches first: approximate matches in OCR text (misread or split words, a phrase's words
scattered through it) join the results when the exact ones are few, or when the reader asks."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from readingroom.catalog import gazetteer
from readingroom.catalog.models import Record
from readingroom.ingest.records import ContentItem, ParsedRecord
from readingroom.search import ocr_noise, writer
from readingroom.search.engine import WIDEN_BELOW, search
from readingroom.search.query_compile import parse

from .corpus import MADE_UP, made_up_records, store_all
from .helpers import ids

PLENTY = WIDEN_BELOW + 5


def many_exact() -> list[ParsedRecord]:
    return [
        ParsedRecord(
            public_id=f"mu-many-{i}", title=f"Minutes of meeting {i}", date_edtf=f"1946-01-{i + 1:02d}",
            document_type="minutes", languages=["en"], collection=MADE_UP,
            contents=[ContentItem("transcript", "en", f"Item {i}: the Shantung railway and its repair.")],
        )
        for i in range(PLENTY)
    ]


@pytest.fixture
def plenty(db):
    """The made-up records plus enough exact "Shantung railway" matches to fill a page, with the
    gazetteer's places (Shantung is a name of Shandong, which mu-ocr-1 names)."""
    store_all(made_up_records() + many_exact())
    gazetteer.load()
    writer.rebuild()


def test_plenty_of_exact_matches_leave_approximate_ones_out(plenty):
    results = search("Shantung", per_page=100, with_facets=False)
    found = [h.public_id for h in results.hits]
    assert results.approximate == "left out"
    assert {f"mu-many-{i}" for i in range(PLENTY)} <= set(found)
    assert "mu-ocr-2" not in found  # its OCR says only "Ghantung"
    assert results.total == len(found)


def test_reader_can_ask_for_approximate_matches_ranked_below_exact(plenty):
    results = search("Shantung", per_page=100, with_facets=False, approximate="always")
    found = [h.public_id for h in results.hits]
    assert results.approximate == "included"
    assert "mu-ocr-2" in found
    assert found.index("mu-ocr-2") > max(found.index(f"mu-many-{i}") for i in range(PLENTY))
    assert results.total == len(search("Shantung", per_page=100, with_facets=False).hits) + 1


def test_few_exact_matches_bring_approximate_ones_in(made_up):
    results = search("Shantung", per_page=100, with_facets=False)
    assert results.approximate == "included" and "mu-ocr-2" in [h.public_id for h in results.hits]


def test_phrase_scattered_in_ocr_text_joins_only_when_the_phrase_is_rare(plenty):
    # mu-ocr-2's OCR reads "The Ghantung railway was cut": not the phrase, but its words (one misread).
    assert "mu-ocr-2" not in ids('"Shantung railway"')
    assert "mu-ocr-2" in ids('"Shantung railway"', approximate="always")
    assert "mu-ocr-2" in ids('"railway was cut"')  # no exact match anywhere else: approximate join


def test_facet_selection_does_not_change_which_matches_are_counted(plenty):
    # Among the exact matches only mu-ocr-1 is a report; the tier is decided before the selection, so
    # selecting "report" does not widen the search to mu-ocr-2 (a report found only approximately).
    unselected = search("Shantung", per_page=100)
    report_count = next(v.count for f in unselected.facets if f.name == "type" for v in f.values if v.value == "report")
    selected = search("Shantung", selection={"type": ["report"]}, per_page=100)
    assert selected.approximate == "left out"
    assert [h.public_id for h in selected.hits] == ["mu-ocr-1"] and selected.total == report_count == 1


def test_approximate_clauses_are_built_only_when_run(plenty):
    # Their automata are most of a search's cost: plenty of exact matches must not pay for them.
    ocr_noise.word_query.cache_clear()
    assert search("Shantung", per_page=100).approximate == "left out"
    assert search('"Shantung railway"', per_page=100).approximate == "left out"
    assert ocr_noise.word_query.cache_info().misses == 0
    parsed = parse("Shantung")
    assert parsed.exact is not None and ocr_noise.word_query.cache_info().misses == 0
    assert "mu-ocr-2" in [h.public_id for h in search("Shantung", per_page=100, approximate="always").hits]
    built = ocr_noise.word_query.cache_info().misses
    assert built >= 1  # "Shantung" and its name variants
    # few exact matches: built, and the same search again (the next page) reuses them
    assert "mu-ocr-2" in ids("Ghantungs")
    assert ocr_noise.word_query.cache_info().misses == built + 1
    assert "mu-ocr-2" in ids("Ghantungs")
    info = ocr_noise.word_query.cache_info()
    assert info.misses == built + 1 and info.hits >= 1
    # an edited OCR text is found through the cached clauses: they hold no documents, only the automaton
    store_all([ParsedRecord(public_id="mu-ocr-new", title="Untitled", date_edtf="1946-02-01", document_type="report",
                            languages=["en"], collection=MADE_UP,
                            contents=[ContentItem("scan", "en", "The Shantvng line was repaired.")])])
    writer.drain()
    assert "mu-ocr-new" in ids("Ghantungs")


def test_queries_with_nothing_approximate_say_so(plenty):
    assert search("title:railway", with_facets=False).approximate == "none"
    assert search("type:minutes", with_facets=False).total == PLENTY


def test_search_page_offers_and_applies_approximate_matches(plenty, client):
    html = client.get("/search/", {"q": "Shantung"}).content.decode()
    assert "Include approximate matches" in html and 'name="approx" value="all">Include approximate matches' in html
    # pressed (the form sends its fields and the button's approx=all): the plain address, then the page
    pressed = client.get("/search/", {"q": "Shantung", "sort": "relevance", "approx": "all"})
    assert pressed.status_code == 200
    exact = client.get("/search.json", {"q": "Shantung"}).json()
    assert exact["approximate"] == "left out"
    wider = client.get("/search.json", {"q": "Shantung", "approx": "all", "page": 2}).json()
    assert wider["approximate"] == "included" and wider["total"] == exact["total"] + 1
    assert "mu-ocr-2" in [r["id"] for r in wider["results"]]  # ranked last, on page 2
    html = client.get("/search/", {"q": "Shantung", "approx": "all"}).content.decode()
    assert "Exact matches only" in html and '<input type="hidden" name="approx" value="all">' in html
    # "Exact matches only" pressed: the form's approx=all, then the button's approx=exact
    back = client.get("/search/?q=Shantung&approx=all&approx=exact")
    assert back.status_code == 302 and back["Location"] == "/search/?q=Shantung"


def test_cli_says_when_approximate_matches_were_left_out(plenty):
    from readingroom.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["search", "Shantung", "-n", "100"])
    assert result.exit_code == 0 and "--approximate" in result.output and "mu-ocr-2" not in result.output
    result = runner.invoke(app, ["search", "Shantung", "-n", "100", "--approximate"])
    assert result.exit_code == 0 and "mu-ocr-2" in result.output
    assert Record.objects.filter(public_id="mu-ocr-2").exists()
