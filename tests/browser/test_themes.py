"""Themes in a real Chromium, at desktop and phone width: the list, a theme's page (cover through IIIF,
sections, timeline, places), screenshots, and no WCAG 2.1 A/AA finding by axe; a restricted record and a
draft stay out of sight."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_problems
from tests.web import theme_fixtures

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def themes(live_archive):
    built = theme_fixtures.build(live_archive)
    theme_fixtures.locate_places()
    return live_archive, built


def _loaded(page, image) -> None:
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=20_000)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_themes_list_and_page(chromium, live_server, themes, device):
    archive, _built = themes
    context = chromium.new_context(base_url=live_server.url, viewport={"width": WIDTHS[device], "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Themes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes")
    card = page.locator(".theme-card")
    expect(card).to_have_count(1)  # the draft is not listed
    expect(card).to_contain_text("3 records")
    cover = card.locator("img")
    expect(cover).to_be_visible()
    _loaded(page, cover)  # served by the IIIF image API
    screenshot(page, f"themes-{device}")

    card.get_by_role("link", name="Stalin in the telegrams of 1944").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stalin in the telegrams of 1944")
    expect(page.locator(".theme-cover img")).to_be_visible()
    _loaded(page, page.locator(".theme-cover img"))
    expect(page.get_by_role("heading", level=2, name="Conversations in Moscow")).to_be_visible()
    expect(page.locator(".theme-timeline li > .when")).to_have_text(["January 1, 1944", "February 2, 1944"])
    expect(page.locator(".theme-places")).to_contain_text("Shandong")
    # The small map marks the places of the visible records only (the secret place has coordinates too).
    page.wait_for_selector(".theme-places section.place-map[data-ready=true]")
    expect(page.locator(".theme-places .leaflet-marker-icon.place-marker[title=Shandong]")).to_be_visible()
    expect(page.locator(f".leaflet-marker-icon[title='{theme_fixtures.SECRET_PLACE}']")).to_have_count(0)
    main = page.locator("main")
    expect(main).not_to_contain_text(archive.restricted.title)
    expect(main).not_to_contain_text(theme_fixtures.SECRET_PLACE)
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"theme-{device}")

    page.get_by_role("link", name=archive.seed.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(archive.seed.title)
    assert page.goto("/themes/draft-theme/").status == 404
    assert errors == []
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS.values()))
def test_theme_pages_pass_axe(chromium, live_server, themes, width):
    assert axe_problems(chromium, live_server.url, ["/themes/", "/themes/stalin-1944/"], width) == {}
