"""The advanced search form in Chromium, at desktop and phone width: fill in fields, see the query it built
above the results; a date that is not EDTF is shown beside its field; axe finds no WCAG 2.1 A/AA problem."""

from __future__ import annotations

import pytest

from readingroom.search import writer
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_problems
from tests.search.corpus import advanced_records, made_up_records, store_all

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def indexed(transactional_db):
    store_all(made_up_records() + advanced_records())
    writer.rebuild()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_fill_in_the_form_and_learn_the_query(chromium, live_server, indexed, size):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": WIDTHS[size], "height": 900})
    page = context.new_page()
    page.goto("/search/")
    page.get_by_role("link", name="Advanced search").click()
    page.wait_for_url("**/search/advanced/")
    # Pick lists hold the public records' values only.
    types = page.locator("#adv-type option").all_inner_texts()
    assert "Memorandum" in types and "Inventory" not in types
    assert "Vault of Unlisted Papers" not in page.locator("#adv-repository").inner_text()
    screenshot(page, f"advanced-search-form-{size}")

    page.get_by_label("Any of these words").fill("Danzig Tsingtao")
    page.get_by_label("Document type").select_option("memorandum")
    page.get_by_label("Date from").fill("1945")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".search-built code").inner_text() == "(Danzig OR Tsingtao) type:memorandum date:1945.."
    assert page.locator(".results h2").inner_text().startswith("2 records")
    titles = page.locator(".hit h3").all_inner_texts()
    assert {"Memorandum on the port of Danzig", "Formerly embargoed note on Tsingtao"} == set(titles)
    permalink = page.locator(".search-built a.permalink")
    assert permalink.inner_text().endswith("/search/?q=%28Danzig+OR+Tsingtao%29+type%3Amemorandum+date%3A1945..")
    screenshot(page, f"advanced-search-results-{size}")

    # A date that is not EDTF: said beside its field, nothing searched, what was typed kept.
    page.goto("/search/advanced/?person=Molotov&from=1944-13")
    error = page.locator("#adv-from-error")
    assert error.is_visible() and "is not a date" in error.inner_text()
    assert page.get_by_label("Date from").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Person").input_value() == "Molotov"
    screenshot(page, f"advanced-search-error-{size}")
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS.values()))
def test_advanced_search_pages_pass_axe(chromium, live_server, indexed, width):
    urls = ["/search/advanced/", "/search/advanced/?from=1944-13&to=soon&person=Molotov",
            "/search/?q=%28Danzig+OR+Tsingtao%29+type%3Amemorandum&from=1945&f.repository=x"]
    assert axe_problems(chromium, live_server.url, urls, width) == {}
