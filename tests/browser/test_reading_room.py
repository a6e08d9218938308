"""A reader's path through the reading room, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_and_browse(reader, live_archive):
    reader.goto("/")
    expect(reader.get_by_role("heading", level=1)).to_be_visible()
    expect(reader.locator("ul.collections")).to_contain_text("W. Averell Harriman Papers")
    expect(reader.locator("body")).not_to_contain_text("Restricted memorandum")
    screenshot(reader, "home")

    reader.get_by_role("link", name="Browse", exact=True).first.click()
    reader.get_by_role("link", name="By date").click()
    expect(reader.locator("ol.histogram-bars")).to_contain_text("1940s")
    expect(reader.locator("ol.histogram-bars")).not_to_contain_text("1950s")  # only the restricted record is there
    reader.get_by_role("link", name=re.compile("1940s")).click()
    reader.get_by_role("link", name=re.compile("1944")).click()
    reader.get_by_role("link", name=re.compile("February")).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("February 1944")
    expect(reader.locator("ul.records")).to_contain_text("Telegram re Stalin Harriman")
    screenshot(reader, "browse-dates")

    reader.goto("/browse/collections/")
    expect(reader.locator("main")).to_contain_text("The Soviet Union")
    expect(reader.locator("main")).not_to_contain_text("Container 999")
    screenshot(reader, "browse-collections")

    reader.goto("/browse/people/")
    reader.get_by_label("Filter by name").fill("Сталин")
    reader.get_by_role("button", name="Filter").click()
    expect(reader.locator("ul.authorities-list li")).to_have_count(1)
    expect(reader.locator("ul.authorities-list")).to_contain_text("Stalin, Joseph")
    screenshot(reader, "browse-people")
    assert reader.js_errors == []


def test_read_a_record_with_its_scan(reader, live_archive):
    reader.goto("/document/209771/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(live_archive.seed.title)
    # The viewer replaced the plain images with OpenSeadragon and loaded tiles from our IIIF service.
    viewer = reader.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(reader.locator("#viewer canvas")).to_have_count(1, timeout=15000)
    reader.wait_for_function("() => window.readingroomViewer && window.readingroomViewer.world.getItemCount() === 1"
                             " && window.readingroomViewer.world.getItemAt(0).getFullyLoaded()", timeout=15000)
    zoom_before = reader.evaluate("window.readingroomViewer.viewport.getZoom()")
    reader.get_by_role("button", name="Zoom in").click()
    reader.wait_for_function(f"() => window.readingroomViewer.viewport.getZoom(true) > {zoom_before} * 1.3")
    screenshot(reader, "document-scan-zoomed", full_page=False)

    # Tabs: the transcript is one click away and keyboard-reachable.
    transcript_tab = reader.get_by_role("tab", name="Transcript - English")
    transcript_tab.click()
    expect(reader.locator("#content-2")).to_be_visible()
    expect(reader.locator("#content-1")).to_be_hidden()
    transcript_tab.press("ArrowLeft")
    expect(reader.locator("#content-1")).to_be_visible()

    # Layout switch: text only hides the scan.
    reader.get_by_role("button", name="Text only").click()
    expect(viewer).to_be_hidden()
    reader.get_by_role("button", name="Scan and text").click()
    expect(viewer).to_be_visible()
    assert reader.js_errors == []


def test_hits_are_highlighted_and_boxed_on_the_scan(reader, live_archive):
    reader.goto("/document/209771/?q=Shantung")
    reader.wait_for_function("() => window.readingroomViewer && window.readingroomViewer.world.getItemCount() === 1",
                             timeout=15000)
    boxes = reader.locator("#viewer .hit-box")
    expect(boxes).to_have_count(1, timeout=10000)
    # The box sits over the drawn word: its screen rectangle is inside the viewer and has the word's shape.
    box = boxes.first.bounding_box()
    frame = reader.locator("#viewer").bounding_box()
    assert box and frame and box["width"] > box["height"] > 2
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    expect(reader.locator("mark.hit").first).to_have_text(re.compile("Shantung", re.I))
    expect(reader.locator(".hits-note")).to_contain_text("1 found on the scan")
    reader.wait_for_function("() => window.readingroomViewer.world.getItemAt(0).getFullyLoaded()", timeout=15000)
    reader.locator(".hits-note").scroll_into_view_if_needed()
    reader.evaluate("window.scrollBy(0, -20)")
    screenshot(reader, "document-hit", full_page=False)
    assert reader.js_errors == []


def test_copy_and_download_a_citation(reader, live_archive):
    reader.goto("/document/209771/")
    reader.get_by_text("Cite this record").click()
    apa = reader.locator("#cite-apa")
    expect(apa).to_contain_text("(1944)")
    reader.locator("button[data-copy=cite-archive]").click()
    copied = reader.evaluate("navigator.clipboard.readText()")
    assert copied.startswith('"Telegram re Stalin Harriman Conversation on Japanese Troops", February 2, 1944,')
    assert copied.endswith("/document/209771/")
    with reader.expect_download() as info:
        reader.get_by_role("link", name="BibTeX").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("@misc{rr_209771_1944,")
    screenshot(reader, "document-cite")
    assert reader.js_errors == []


def test_follow_a_person_and_walk_the_collection(reader, live_archive):
    reader.goto("/document/frus1944v04/d2/")
    reader.get_by_role("link", name="Stalin, Joseph").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Stalin, Joseph")
    expect(reader.locator(".variants")).to_contain_text("Сталин")
    expect(reader.locator(".variants [lang=ru]")).to_have_count(1)
    expect(reader.locator("ul.records")).not_to_contain_text("Restricted memorandum")
    expect(reader.locator("ul.records")).not_to_contain_text("Embargoed")
    screenshot(reader, "authority")
    reader.get_by_role("link", name=re.compile("no. 3$")).click()
    # FRUS d4 is next; the restricted record between them in the series is skipped.
    reader.get_by_role("link", name=re.compile("Next record")).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("no. 4")
    reader.get_by_role("link", name=re.compile("Previous record")).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("no. 3")
    assert reader.js_errors == []


def test_reading_works_without_javascript(chromium, live_server, live_archive):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/document/209771/")
    # Every content item is on the page, and the scan is a plain image with alt text.
    expect(page.locator("#content-2")).to_be_visible()
    image = page.locator(".scan-images img").first
    expect(image).to_be_visible()
    assert "Page 1 of the original scan" in image.get_attribute("alt")
    assert page.evaluate("document.querySelector('.scan-images img').naturalWidth") > 100
    # Controls that need JavaScript are not offered.
    expect(page.get_by_role("button", name="Text only")).to_be_hidden()
    expect(page.get_by_role("button", name="Copy citation")).to_be_hidden()
    screenshot(page, "document-no-js")
    context.close()


def test_phone_width(chromium, live_server, live_archive):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740},
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/document/209771/")
    page.wait_for_function("() => window.readingroomViewer && window.readingroomViewer.world.getItemCount() === 1"
                           " && window.readingroomViewer.world.getItemAt(0).getFullyLoaded()", timeout=15000)
    # Nothing is wider than the screen: no sideways scrolling to read.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "document-phone")
    context.close()


def test_keyboard_reaches_the_content(reader, live_archive):
    reader.goto("/document/209771/")
    reader.keyboard.press("Tab")
    focused = reader.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    reader.keyboard.press("Enter")
    assert reader.evaluate("location.hash") == "#main"
    # The viewer's tile requests must end before the test database is flushed under the live server.
    reader.wait_for_load_state("networkidle")


def _search_routed() -> bool:
    try:
        resolve("/search/")
        return True
    except (Resolver404, NoReverseMatch):
        return False


@pytest.mark.skipif(not _search_routed(), reason="/search/ is not routed on this branch yet (search, issue 4, is "
                    "merged by the lead before CI)")
def test_search_pick_a_facet_open_a_hit(reader, live_archive):
    from readingroom.search import writer  # search's index writer: records become searchable once written

    writer.rebuild()
    reader.goto("/")
    reader.get_by_label("Search the archive").first.fill("Shantung")
    reader.keyboard.press("Enter")
    reader.wait_for_url(re.compile(r"/search/\?"))
    hits = reader.locator("ol.hits li.hit")
    expect(hits.first).to_be_visible()
    screenshot(reader, "search")
    # Narrow by a facet value (the collection the seed telegram belongs to), then open the hit.
    reader.locator(".facets button", has_text="W. Averell Harriman Papers").first.click()
    expect(reader.locator(".facets li.selected").first).to_be_visible()
    expect(hits).to_have_count(1)
    hits.first.get_by_role("link").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(live_archive.seed.title)
    # Arriving from the search: the word is marked in the text and boxed on the scan.
    expect(reader.locator("mark.hit").first).to_be_visible()
    expect(reader.locator("#viewer .hit-box")).to_have_count(1, timeout=15000)
    reader.get_by_role("link", name="Go to them").click()
    reader.wait_for_function("() => window.readingroomViewer.world.getItemAt(0).getFullyLoaded()", timeout=15000)
    screenshot(reader, "search-to-document", full_page=False)
    assert reader.js_errors == []
