from __future__ import annotations

import pytest

from readingroom.search import writer

from .corpus import made_up_records, seed_record, store_all


@pytest.fixture
def made_up(db):
    store_all(made_up_records())
    writer.rebuild()


@pytest.fixture
def seed(db):
    from tests.conftest import shared_path

    store_all([seed_record(shared_path("seed", "000_a2e3b8521de4a562.txt"))])
    store_all(made_up_records())
    writer.rebuild()
