"""A rebuild reads the catalogue and writes only the index: no catalogue row is added or changed, and the
queue it started from is left empty (nothing enqueued in the middle of the build)."""

from __future__ import annotations

import pytest
from django.apps import apps

from readingroom.catalog import gazetteer
from readingroom.catalog.models import Authority, Record
from readingroom.search import writer
from readingroom.search.models import IndexTask

from .corpus import made_up_records, store_all
from .helpers import ids


def catalogue() -> dict[str, list[dict]]:
    """Every row of every catalogue table, as values."""
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in apps.get_app_config("catalog").get_models()}


@pytest.mark.django_db
def test_a_rebuild_writes_no_catalogue_row_and_leaves_no_queue():
    store_all(made_up_records())
    assert IndexTask.objects.exists()  # the stores queued their records
    before = catalogue()

    report = writer.rebuild()

    assert report.indexed == Record.objects.count() > 0
    assert catalogue() == before
    assert not IndexTask.objects.exists()
    assert Authority.objects.filter(kind="place").count() < len(gazetteer.entries())  # the gazetteer stayed out
    assert "mu-danzig" in ids("Danzig")  # the index was built all the same


@pytest.mark.django_db
def test_day_two_edit_gazetteer_load_and_second_rebuild_stay_apart():
    store_all(made_up_records())
    writer.rebuild()
    record = Record.objects.get(public_id="mu-danzig")
    record.title = "Harbour of Danzig, revised"
    record.save()
    assert gazetteer.load()[0] > 0  # the places come in where they are managed, not with the index
    before = catalogue()

    writer.rebuild()

    assert catalogue() == before
    assert not IndexTask.objects.exists()
    assert ids("title:revised") == ["mu-danzig"]
    assert "mu-danzig" in ids("Gdańsk")  # the gazetteer's variant, loaded before this rebuild, is searched
