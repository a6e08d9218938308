"""The original beside its translation in a real browser: side by side on a wide screen, stacked on a phone,
right-to-left where the translation is, and the picker's links without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.web.parallel_fixtures import udhr_record

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/document/udhr-1-3/"


@pytest.fixture
def udhr(transactional_db):
    return udhr_record()


def boxes(page, row: int = 2) -> tuple[dict, dict]:
    original = page.locator(f"#pair-{row} .original").bounding_box()
    translation = page.locator(f"#pair-{row} .translation").bounding_box()
    assert original and translation
    return original, translation


def test_side_by_side_on_a_wide_screen(reader, udhr):
    reader.goto(URL + "?translation=ru")
    expect(reader.locator("#pair-2 .translation")).to_contain_text("Все люди рождаются свободными")
    original, translation = boxes(reader)
    # Two columns: the same row, the translation to the right, neither overlapping the other.
    assert abs(original["y"] - translation["y"]) < 2
    assert translation["x"] >= original["x"] + original["width"]
    assert original["width"] > 300 and translation["width"] > 300
    # Rows stay paired: the next row starts below the taller of the two cells.
    next_original, next_translation = boxes(reader, 3)
    assert next_original["y"] >= max(original["y"] + original["height"], translation["y"] + translation["height"]) - 1
    assert abs(next_original["y"] - next_translation["y"]) < 2
    screenshot(reader, "parallel-wide")

    # The picker is plain links: choosing Hebrew gives a right-to-left column, still beside the original.
    reader.get_by_role("link", name="Hebrew").click()
    expect(reader).to_have_url(f"{reader.url.split('?')[0]}?translation=he")
    expect(reader.locator("#pair-2 .translation")).to_have_attribute("dir", "rtl")
    assert reader.evaluate("getComputedStyle(document.querySelector('#pair-2 .translation')).direction") == "rtl"
    assert reader.evaluate("getComputedStyle(document.querySelector('#pair-2 .original')).direction") == "ltr"
    original, translation = boxes(reader)
    assert abs(original["y"] - translation["y"]) < 2 and translation["x"] >= original["x"] + original["width"]

    # The other translations stay one tab away; the pair comes back with its tab.
    reader.get_by_role("tab", name="Translation - English").click()
    expect(reader.locator("#parallel")).to_be_hidden()
    expect(reader.locator("#content-2")).to_be_visible()
    reader.get_by_role("tab", name="Original and translation").click()
    expect(reader.locator("#parallel")).to_be_visible()
    assert reader.js_errors == []


def test_stacked_on_a_narrow_screen(chromium, live_server, udhr):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800},
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(URL)
    original, translation = boxes(page)
    # One column: the translation under its original paragraph, about as wide, inside the screen.
    assert translation["y"] >= original["y"] + original["height"] - 1
    assert abs(translation["x"] - original["x"]) < 20
    assert translation["x"] + translation["width"] <= 390 and original["x"] + original["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "parallel-narrow")
    context.close()


def test_picker_without_javascript(chromium, live_server, udhr):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False,
                                   viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(URL)
    expect(page.locator("#pair-2 .translation")).to_contain_text("All human beings")
    page.get_by_role("link", name="Russian").click()
    expect(page.locator("#pair-2 .translation")).to_contain_text("Все люди")
    expect(page.locator(".translation-picker [aria-current]")).to_have_text("Russian")
    original, translation = boxes(page)
    assert abs(original["y"] - translation["y"]) < 2
    context.close()


@pytest.mark.parametrize("width", [1366, 375])
def test_the_pair_passes_axe(chromium, live_server, udhr, width):
    from tests.browser.test_accessibility import axe_problems

    assert axe_problems(chromium, live_server.url, [URL + "?translation=he", URL + "?translation=xx&q=liberty"],
                        width) == {}
