"""Related records and "Same day" in Chromium, at desktop and phone width: the shipped FRUS excerpt imported
for real, a reader following Roosevelt's reply to Churchill's telegram and back; screenshots and axe."""

from __future__ import annotations

import pytest

from readingroom.cli import sample_data_dir
from readingroom.ingest.runner import run_import

from .conftest import screenshot
from .test_accessibility import axe_problems

pytestmark = pytest.mark.django_db(transaction=True)
REPLY, ORIGINAL = "/document/frus1944Quebec/d121/", "/document/frus1944Quebec/d119/"


@pytest.fixture
def volume(transactional_db):
    summary = run_import([str(sample_data_dir() / "records")])
    assert summary.counts["linked"] == 2, summary.references_line()


@pytest.mark.parametrize("width", [1280, 390])
def test_following_a_reply_and_back(chromium, live_server, volume, width):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(REPLY)
    related = page.locator("section.related-records")
    assert related.locator("h3").all_inner_texts() == ["Replies to"]
    links = related.get_by_role("link")
    assert links.count() == 2 and links.first.is_visible()
    related.scroll_into_view_if_needed()
    screenshot(page, f"relations-reply-{width}")
    links.first.click()
    page.wait_for_url(f"**{ORIGINAL}")
    assert page.locator("section.related-records h3").all_inner_texts() == ["Replied to by"]
    same_day = page.locator("section.same-day")
    assert "September 4, 1944" in same_day.locator("h2").inner_text()
    assert same_day.get_by_role("link").count() == 3  # d117, d118 and d120 of that day
    box = same_day.bounding_box()
    assert box is not None and box["width"] <= width  # nothing runs off a phone's screen
    same_day.scroll_into_view_if_needed()
    screenshot(page, f"relations-original-{width}")
    page.get_by_role("link", name="President Roosevelt to Prime Minister Churchill").first.click()
    page.wait_for_url(f"**{REPLY}")
    assert errors == []
    context.close()
    assert axe_problems(chromium, live_server.url, [REPLY, ORIGINAL], width) == {}


@pytest.fixture
def hub(transactional_db):
    """A record mentioned by RELATED_LIMIT + 7 others."""
    from readingroom.catalog.relations import RELATED_LIMIT
    from tests.builders import import_lines, record_line, relation_data

    import_lines([record_line("hub", "Conference at Quebec", "1944-09-11"),
                  *(record_line(f"m{n:03d}", f"Telegram {n}", f"1944-{1 + n % 12:02d}-{1 + n % 28:02d}",
                                relations=[relation_data("hub", "mentions", f"footnote {n}")])
                    for n in range(RELATED_LIMIT + 7))])
    return RELATED_LIMIT + 7


@pytest.mark.parametrize("width", [1280, 390])
def test_from_a_hub_to_all_its_mentions(chromium, live_server, hub, width):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/document/hub/")
    page.get_by_role("link", name=f"All {hub} records: Mentioned in").click()
    page.wait_for_url("**/document/hub/related/mentioned_in/")
    assert page.locator("h1").inner_text() == f"Mentioned in ({hub})"
    assert page.locator("ul.related-list li").count() == 50
    first_page = page.url
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**?after=*")
    assert page.locator("ul.related-list li").count() == hub - 50
    screenshot(page, f"relations-hub-mentions-{width}")
    following = page.url.removeprefix(live_server.url)
    context.close()
    assert axe_problems(chromium, live_server.url, [first_page.removeprefix(live_server.url), following,
                                                    "/document/hub/"], width) == {}
