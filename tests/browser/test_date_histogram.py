"""The date histogram in Chromium, at desktop and phone width: bars drawn without inline styles (the CSP
holds), reached and followed with the keyboard alone, the table fallback opening without JavaScript; the
same on search results, and the export links there; screenshots and axe-core's WCAG 2.1 A/AA check."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_problems
from tests.browser.test_content_security_policy import LISTEN

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desktop": 1280, "phone": 390}


def open_page(chromium, live_server, width: int):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900},
                                   java_script_enabled=False)
    context.add_init_script(LISTEN)  # the CSP listener: Playwright's init scripts run with page scripts off
    return context, context.new_page()


def tab_to(page, name: re.Pattern, limit: int = 80) -> None:
    """Press Tab until the focused element is the link whose text matches."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if name.search(page.evaluate("document.activeElement.textContent || ''")):
            return
    raise AssertionError(f"no focusable link matching {name.pattern}")


def focus_is_visible(page) -> bool:
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, s.outlineWidth]; })()")
    return style[0] != "none" and style[1] != "0px"


def bar_heights(page) -> list[float]:
    return page.locator(".histogram-bars .bar").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect()[innerWidth > 640 ? 'height' : 'width'])")


@pytest.mark.parametrize("device", WIDTHS)
def test_browse_histogram_by_keyboard(chromium, live_server, indexed_live_archive, device):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": WIDTHS[device], "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto("/browse/dates/")
    bars = page.locator(".histogram-bars a")
    expect(bars).to_have_count(1)
    expect(bars.first).to_contain_text("1940s")
    tab_to(page, re.compile("1940s"))
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**decade=1940")
    tab_to(page, re.compile("^1944"))
    page.keyboard.press("Enter")
    page.wait_for_url("**year=1944")
    labels = page.locator(".histogram-bars .label").all_inner_texts()
    assert labels == ["January", "February", "March", "April", "May", "June"]
    heights = bar_heights(page)
    assert heights[1] == max(heights) and all(h > 0 for h in heights) and heights[0] < heights[1]  # 1 vs 2
    screenshot(page, f"histogram-browse-{device}")
    tab_to(page, re.compile("^February"))
    assert focus_is_visible(page)
    screenshot(page, f"histogram-browse-focus-{device}", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_url("**month=2")
    expect(page.get_by_role("heading", level=1)).to_have_text("February 1944")
    expect(page.locator("ul.records")).to_contain_text("Telegram re Stalin Harriman")
    assert page.evaluate("window.cspViolations") == []  # the bars' heights are classes, not inline styles
    context.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_table_fallback_and_search_histogram_without_javascript(chromium, live_server, indexed_live_archive, device):
    context, page = open_page(chromium, live_server, WIDTHS[device])
    page.goto("/browse/dates/?year=1944")
    table = page.locator(".histogram-table table")
    expect(table).to_be_hidden()
    page.locator(".histogram-table summary").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("February")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("2")
    screenshot(page, f"histogram-table-{device}")

    page.goto("/search/?q=Stalin")
    expect(page.locator(".histogram-bars button")).to_have_count(1)  # the restricted 1951, embargoed 1962: none
    page.get_by_role("button", name=re.compile("^1940s")).first.click()
    page.get_by_role("button", name=re.compile("^1944")).first.click()
    page.wait_for_url("**f.year=1944**")
    expect(page.locator(".histogram-bars button")).to_have_count(6)
    page.get_by_role("button", name=re.compile("^February")).first.click()
    page.wait_for_url("**f.month=1944-02")
    expect(page.locator(".results h2")).to_contain_text("2 records")
    expect(page.locator(".histogram-bars .current")).to_contain_text("February")
    expect(page.locator(".export button")).to_have_count(4)
    screenshot(page, f"histogram-search-{device}")
    with page.expect_download() as download:  # the download button submits the page's form
        page.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename.startswith("search-")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert {row["id"] for row in rows} == {"209771", "frus1944v04/d2"}  # February 1944's, as on the page
    assert page.evaluate("window.cspViolations") == []
    context.close()


def test_histogram_pages_pass_axe(chromium, live_server, indexed_live_archive):
    urls = ["/browse/dates/", "/browse/dates/?decade=1940", "/browse/dates/?year=1944&month=2", "/search/?q=Stalin",
            "/search/?q=Stalin&f.year=1944"]
    for width in WIDTHS.values():
        assert axe_problems(chromium, live_server.url, urls, width) == {}
