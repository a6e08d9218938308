"""The page-text history moved from the OCR app to the catalogue without moving a row: an archive migrated
from before keeps every version of every page's text, and its content type follows the model."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from readingroom.catalog.models import Content, Page, Record
from readingroom.catalog.text_versions import PageText

BEFORE = [("catalog", "0011_public_counts"), ("ocr", "0001_initial")]
AFTER = [("catalog", "0012_page_text_history"), ("ocr", "0002_page_text_history_to_catalog")]


@pytest.mark.django_db(transaction=True)
def test_text_versions_stored_before_the_move_are_read_after_it() -> None:
    record = Record.objects.create(public_id="m1", title="Moved")
    page = Page.objects.create(content=Content.objects.create(record=record, kind="scan"), position=0, checksum="c1")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("ocr", "PageText")
    old.objects.create(page_id=page.pk, status="superseded", text="read before the move", checksum="c1")
    ContentType.objects.clear_cache()
    ContentType.objects.filter(app_label="catalog", model="pagetext").delete()
    ContentType.objects.get_or_create(app_label="ocr", model="pagetext")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    assert list(PageText.objects.filter(page=page).values_list("status", "text")) == [
        ("superseded", "read before the move")]
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(PageText).app_label == "catalog"
    assert not ContentType.objects.filter(app_label="ocr", model="pagetext").exists()
