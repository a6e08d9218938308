from __future__ import annotations

import pytest

from tests.web import sample_archive


@pytest.fixture
def archive(db) -> sample_archive.SampleArchive:
    return sample_archive.build()
