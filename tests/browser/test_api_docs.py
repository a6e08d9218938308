"""/api/docs in Chromium: Swagger UI comes from the site's own static files (no other host is asked),
renders the API's operations under the site's Content-Security-Policy without a violation, can call an
endpoint, and passes axe at desktop and phone widths."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests import builders
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_problems
from tests.browser.test_content_security_policy import LISTEN, violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_live_archive(transactional_db):
    return builders.sample_archive(frus_count=2)


def test_docs_page_works_offline_under_the_policy(reader, live_server, small_live_archive):
    page = reader
    page.context.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_console = console
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc) if r.url.startswith("http") else None)
    response = page.goto("/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_text("/api/records/{public_id}").first).to_be_visible(timeout=15000)
    page.locator(".opblock-summary-path", has_text="/api/records").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text("200", timeout=15000)
    expect(page.locator(".live-responses-table").first).to_contain_text("209771")
    screenshot(page, "api-docs-desktop")
    assert hosts == {urlsplit(live_server.url).netloc}
    assert violations(page) == []
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_docs_page_passes_axe(chromium, live_server, small_live_archive, width):
    assert axe_problems(chromium, live_server.url, ["/api/docs"], width) == {}
