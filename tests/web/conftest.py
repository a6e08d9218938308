from __future__ import annotations

import pytest

from tests.web import sample_archive


@pytest.fixture
def archive(db) -> sample_archive.SampleArchive:
    return sample_archive.build()


def forget_cached_pages() -> None:
    """Empty every cache store (the document pages have their own beside the default one)."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
