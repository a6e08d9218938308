"""Browser tests: Debian's Chromium driven by Playwright against the app served for real on localhost
(pytest-django's live_server). Select them with `-m browser`; they skip with a reason where Chromium is absent.

On the PostgreSQL run (scripts/test.sh) they skip unless marked `every_database`: they test what a browser does
with the pages (scripts, keyboard, accessibility, layout, the content security policy), and the same views
and queries behind those pages run on PostgreSQL in tests/web and tests/api. The day-two walk, which
crosses every part through real processes, runs on both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import on_postgresql

CHROMIUM = Path(os.environ.get("READINGROOM_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def pytest_collection_modifyitems(items):
    elsewhere = pytest.mark.skip(reason="browser behaviour is tested on the SQLite run; these pages' views and "
                                        "queries run on PostgreSQL in tests/web and tests/api")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if on_postgresql() and not item.get_closest_marker("every_database"):
                item.add_marker(elsewhere)


# Module scope: Playwright's event loop must be gone before other test modules run (asyncio.run, Django's guard).
@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls are still
    # plain synchronous code, so Django's async guard would be a false alarm while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def reader(chromium, live_server):
    """A fresh browser page (desktop size) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
