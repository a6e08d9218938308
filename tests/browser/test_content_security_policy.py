"""The Content-Security-Policy in Chromium: the pages that run script (the document page's viewer, tabs and
cite copy button, the search page, the admin) do everything they do without one violation, and inline
script is really refused (the control at the end, which also shows the listener hears violations)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script; the event reports what the policy blocked, the console says it too.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(reader):
    """The shared browser page, with every CSP violation and console complaint collected."""
    reader.context.add_init_script(LISTEN)
    console: list[str] = []
    reader.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    reader.csp_console = console
    return reader


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations") + page.csp_console


def test_document_page_viewer_tabs_and_cite(watched, indexed_live_archive):
    page = watched
    response = page.goto("/document/209771/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function("() => window.readingroomViewer && window.readingroomViewer.world.getItemCount() === 1"
                           " && window.readingroomViewer.world.getItemAt(0).getFullyLoaded()", timeout=15000)
    zoom_before = page.evaluate("window.readingroomViewer.viewport.getZoom()")
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_function(f"() => window.readingroomViewer.viewport.getZoom(true) > {zoom_before} * 1.3")
    page.get_by_role("tab", name="Transcript - English").click()
    expect(page.locator("#content-2")).to_be_visible()
    page.get_by_role("button", name="Text only").click()
    page.get_by_role("button", name="Scan and text").click()
    page.get_by_text("Cite this record").click()
    expect(page.locator("#cite-apa")).to_contain_text("(1944)")  # fetched by document.js
    page.locator("button[data-copy=cite-archive]").click()
    expect(page.locator("button[data-copy=cite-archive]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").endswith("/document/209771/")
    # Day two: the same page arriving from a search, with hits boxed on the scan.
    page.goto("/document/209771/?q=Shantung")
    expect(page.locator("#viewer .hit-box")).to_have_count(1, timeout=10000)
    assert violations(page) == []
    assert page.js_errors == []

    # The control: an inline script added now is refused, and the listener hears it.
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.inlineRan = true"; document.body.appendChild(s); }""")
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("window.inlineRan === undefined")
    assert any(v.startswith("script-src-elem inline") for v in violations(page))


def test_search_page(watched, indexed_live_archive):
    page = watched
    page.goto("/")
    page.fill("#q-top", "Stalin")
    page.press("#q-top", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Stalin"))
    expect(page.locator(".results h2")).to_contain_text("records")
    page.locator(".facets button[name=toggle]").first.click()  # a facet value: the form's own button
    page.wait_for_url(re.compile(r"f\."))
    expect(page.locator(".results h2")).to_be_visible()
    assert violations(page) == []
    assert page.js_errors == []


def test_admin_login_and_a_change_form(watched, indexed_live_archive, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-password")
    page = watched
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    # The change form runs the admin's own scripts: inlines, date shortcuts, related-object popups.
    page.goto(f"/admin/catalog/record/{indexed_live_archive.seed.pk}/change/")
    expect(page.locator("#record_form")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.goto("/admin/catalog/record/add/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert page.js_errors == []
