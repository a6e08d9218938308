from __future__ import annotations


def forget_cached_pages() -> None:
    """Empty every cache store (the document pages have their own beside the default one)."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
