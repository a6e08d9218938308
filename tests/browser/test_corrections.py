"""A member of staff signs in, corrects a transcript beside the scan and publishes it; readers then see it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from readingroom.catalog.models import Content
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_correct_a_transcript_and_publish_it(reader, live_archive, django_user_model):
    django_user_model.objects.create_user("editor", "editor@example.org", "a-long-password", is_staff=True)
    reader.goto("/document/209771/edit/")
    # Not signed in: the admin's sign-in page, which comes back here.
    expect(reader.locator("#id_username")).to_be_visible()
    reader.fill("#id_username", "editor")
    reader.fill("#id_password", "a-long-password")
    reader.locator("input[type=submit]").click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Correct the text of")
    expect(reader.locator(".scan-pane img").first).to_be_visible()

    box = reader.get_by_label("Text", exact=True)
    text = box.input_value()
    assert "The Ambassador inquired where the new line would run." in text
    box.fill(text.replace("inquired where the new line would run", "asked where the Vladivostok line would run"))
    reader.get_by_label("Comment").fill("Vladivostok, as in the original telegram")
    reader.get_by_role("button", name="Save as draft").click()
    expect(reader.locator(".staff-messages")).to_contain_text("Saved as a draft")
    expect(reader.locator(".state")).to_contain_text("Draft")
    screenshot(reader, "correct-draft")

    reader.get_by_role("button", name="Mark as reviewed").click()
    expect(reader.locator(".state")).to_contain_text("Reviewed")
    reader.get_by_role("button", name="Publish").click()
    expect(reader.locator(".staff-messages")).to_contain_text("Published")
    expect(reader.locator(".versions tbody tr")).to_have_count(4)  # as imported, draft, reviewed, published
    transcript = live_archive.seed.contents.get(kind=Content.Kind.TRANSCRIPT)
    transcript.refresh_from_db()
    assert "Vladivostok line" in transcript.text

    # A reader in a fresh session sees the published text and when it was corrected.
    public = reader.context.browser.new_context(base_url=reader.url.split("/document/")[0])
    page = public.new_page()
    page.goto("/document/209771/")
    page.get_by_role("tab", name="Transcript - English").click()
    expect(page.locator("#content-2")).to_contain_text("asked where the Vladivostok line would run")
    expect(page.locator("#content-2 .corrected")).to_contain_text("Corrected")
    expect(page.locator("body")).not_to_contain_text("Correct the text")
    public.close()
    assert reader.js_errors == []
