from __future__ import annotations

from types import SimpleNamespace

import pytest

from readingroom.catalog import gazetteer
from readingroom.search import writer

from .corpus import frus_records, made_up_records, seed_record, store_all

STAFF = SimpleNamespace(is_staff=True)


def seed_path():
    from tests.conftest import shared_path

    return shared_path("seed", "000_a2e3b8521de4a562.txt")


def frus_path():
    from tests.conftest import shared_path

    return shared_path("frus", "frus1944Quebec-excerpt-d116-d121.xml")


@pytest.fixture
def made_up(db):
    """Only records the tests make themselves (and the gazetteer's places, as an import brings them): runs
    without ../shared."""
    store_all(made_up_records())
    gazetteer.load()
    writer.rebuild()


@pytest.fixture
def search_corpus(db):
    """The seed record, the FRUS excerpt and the made-up records, with the gazetteer's places, indexed."""
    store_all([seed_record(seed_path())])
    store_all(frus_records(frus_path()))
    store_all(made_up_records())
    gazetteer.load()
    writer.rebuild()
