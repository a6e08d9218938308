"""The search page in a real browser (Debian's Chromium through Playwright, the browser tests' shared
`chromium` fixture): type a query in the header box, see results and the facet column, select two facet
values, see the counts follow."""

from __future__ import annotations

import os

from readingroom.catalog import gazetteer
from readingroom.search import writer
from tests.search.corpus import made_up_records, store_all


def test_search_from_the_header_then_select_facets(transactional_db, live_server, chromium, tmp_path):
    store_all(made_up_records())
    gazetteer.load()  # as an import brings it: Shandong also finds the "Ghantung" (Shantung) of an OCR page
    writer.rebuild()
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    page.fill("#q-top", "Shandong")
    page.press("#q-top", "Enter")
    page.wait_for_url("**/search/?q=Shandong")
    assert page.locator(".results h2").inner_text().startswith("2 records")
    titles = page.locator(".hit h3").all_inner_texts()
    assert any("north China" in t for t in titles)
    assert not any("Staff only" in t for t in titles)
    assert page.locator(".facets .facet-type").is_visible()
    page.screenshot(path=os.environ.get("SEARCH_SCREENSHOT", str(tmp_path / "search.png")), full_page=True)

    page.goto(live_server.url + "/search/?q=")
    page.locator(".facet-type button", has_text="Report").click()
    page.wait_for_load_state()
    assert page.locator(".results h2").inner_text().startswith("2 records")
    page.locator(".facet-type button", has_text="Letter").click()
    page.wait_for_load_state()
    assert page.locator(".results h2").inner_text().startswith("3 records")
    assert page.locator(".facet-type li.selected").count() == 2
    # Another dimension counts within the selection.
    year_counts = page.locator(".facet-year .count").all_inner_texts()
    assert year_counts == ["3"]
    # Sorting is a button of the same form: the selection stays, the address stays plain.
    page.locator(".sort button", has_text="Date ↓").click()
    page.wait_for_url("**sort=-date")
    assert page.url.endswith("/search/?q=&f.type=report&f.type=letter&sort=-date")
    assert page.locator(".facet-type li.selected").count() == 2
    dates = page.locator(".hit-date").all_inner_texts()
    assert dates == ["June 1944", "April 2, 1944", "March 15, 1944"]  # newest first
    page.close()
