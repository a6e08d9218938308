"""The language picker in a real browser: the choice holds on the next page and after a reload, and the
page's lang attribute follows the interface language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def english_reader(chromium, live_server):
    """A browser whose Accept-Language is English, so only the picker can make the pages Russian."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, errors
    context.close()


def test_russian_chosen_with_the_picker_stays(english_reader, live_archive):
    reader, errors = english_reader
    reader.goto("/browse/dates/?year=1944")
    expect(reader.locator("html")).to_have_attribute("lang", "en")
    expect(reader.get_by_role("navigation", name="Interface language")).to_be_visible()

    reader.get_by_role("link", name="Русский").click()
    # Back on the same address, now in Russian.
    assert reader.url.endswith("/browse/dates/?year=1944")
    expect(reader.locator("html")).to_have_attribute("lang", "ru")
    expect(reader.get_by_role("link", name="Обзор", exact=True).first).to_be_visible()
    expect(reader.locator("ol.histogram-bars")).to_contain_text("Февраль")

    # The next page and a reload stay Russian.
    reader.get_by_role("link", name="Февраль").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Февраль 1944 г.")
    expect(reader.locator("ul.records")).to_contain_text("2 февраля 1944 г.")
    expect(reader.locator("ul.records")).to_contain_text("Telegram re Stalin Harriman")  # titles as catalogued
    reader.reload()
    expect(reader.locator("html")).to_have_attribute("lang", "ru")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Февраль 1944 г.")
    screenshot(reader, "browse-dates-ru")

    # Chinese, then back to English, the same way.
    reader.get_by_role("link", name="简体中文").click()
    expect(reader.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(reader.get_by_role("heading", level=1)).to_have_text("1944年2月")
    reader.goto("/")
    expect(reader.locator("html")).to_have_attribute("lang", "zh-Hans")
    reader.get_by_role("link", name="English").click()
    expect(reader.locator("html")).to_have_attribute("lang", "en")
    expect(reader.get_by_role("heading", name="What the archive holds")).to_be_visible()
    assert errors == []
