"""The map of places in Chromium, at desktop and phone width: markers drawn over the offline country
outlines, a popup listing a place's records, the decade slider, no request leaving the site, no axe finding."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests import places_fixtures
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_problems

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(transactional_db):
    return places_fixtures.build()


def markers(page) -> list[str]:
    """The numbers on the markers and clusters drawn now."""
    return page.eval_on_selector_all(".leaflet-marker-icon.place-marker", "els => els.map(e => e.textContent)")


@pytest.mark.parametrize("width", [1280, 390])
def test_map_markers_popup_slider_and_nothing_from_elsewhere(chromium, live_server, places, width):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto("/map/")
    page.wait_for_selector("section.place-map[data-ready=true]")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 100")  # outlines
    page.wait_for_load_state("networkidle")
    shown = markers(page)
    assert shown and sum(int(n) for n in shown) == 5  # Warsaw 3, London 1, Moscow 1: never the staff-only one
    screenshot(page, f"map-{width}")

    # Zoomed in on Warsaw, its own marker opens a popup with its records and a link to the place page.
    marker = page.locator(".leaflet-marker-icon.place-marker[title=Warsaw]")
    if not marker.count():  # clustered at this zoom: a click on the cluster zooms in to it
        page.locator(".leaflet-marker-icon.place-cluster").first.click()
        page.wait_for_selector(".leaflet-marker-icon.place-marker[title=Warsaw]")
    page.locator(".leaflet-marker-icon.place-marker[title=Warsaw]").click()
    # The popup asks the place's JSON for its first records when it opens.
    page.wait_for_selector(".leaflet-popup-content .place-popup li")
    popup = page.wait_for_selector(".leaflet-popup-content .place-popup")
    text = popup.inner_text()
    assert "Warsaw" in text and "Telegram w1" in text and "Telegram w3" in text and "secret" not in text
    assert popup.query_selector("a[href='/place/place-warsaw/']") is not None
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    screenshot(page, f"map-popup-{width}")
    page.locator(".leaflet-popup-close-button").click()

    # The slider: the 1950s keep Warsaw (1 record) and Moscow; the 1940s Warsaw (2) and London.
    slider = page.locator("#place-map-data-decade")
    assert page.locator("label[for=place-map-data-decade]").count() == 1
    slider.fill("1")
    page.wait_for_function("document.querySelector('#place-map-data-decade-shown').textContent.includes('1950')")
    assert sum(int(n) for n in markers(page)) == 2
    assert not page.locator("#place-map-data-all").is_checked()
    slider.fill("0")
    page.wait_for_function("document.querySelector('#place-map-data-decade-shown').textContent.includes('1940')")
    assert sum(int(n) for n in markers(page)) == 3
    screenshot(page, f"map-1940s-{width}")
    page.locator("#place-map-data-all").check()
    assert sum(int(n) for n in markers(page)) == 5

    assert hosts == {urlsplit(live_server.url).netloc}, hosts  # no tiles, fonts or scripts from elsewhere
    assert errors == []
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_map_pages_pass_axe(chromium, live_server, places, width):
    assert axe_problems(chromium, live_server.url, ["/map/", "/place/place-warsaw/"], width) == {}
