"""The shipped sample records (what `readingroom demo` loads), read in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from readingroom.ingest.runner import run_import
from tests.browser.conftest import screenshot

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "readingroom" / "sample_data" / "records"

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_seed_record_as_shipped(reader, transactional_db):
    run_import([str(SAMPLES / "wilson-center-209771.txt")])
    reader.goto("/document/209771/?q=Shantung")
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Telegram re Stalin Harriman Conversation on Japanese Troops")
    # The transcript has the clean "Shantung"; the OCR text has "Ghantung", which is not highlighted.
    reader.get_by_role("tab", name="Transcript - English").click()
    expect(reader.locator("#content-2 mark.hit")).to_have_text("Shantung")
    expect(reader.locator("#content-1 mark.hit")).to_have_count(0)
    reader.get_by_text("Cite this record").click()
    expect(reader.locator("#cite-chicago")).to_contain_text("February 2, 1944")
    screenshot(reader, "seed-document")
    assert reader.js_errors == []
