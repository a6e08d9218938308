"""Make the tiled pyramids of large pages ahead of their first reader (after an import, or on demand).

A 144-megapixel PNG takes seconds to decode once; done at import, no reader waits for it. A page whose
pyramid is missing later (pruned from the cache, damaged) gets it again on its first request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyvips
from django.db.models import F

from readingroom.catalog.models import Page

from . import iiif_cache, iiif_pyramid


def version(page: Page, path: Path) -> str:
    """What keys a page's derivatives: its checksum, so a changed scan gets new ones."""
    return page.checksum or str(path.stat().st_mtime_ns)


@dataclass
class PrepareReport:
    made: int = 0
    present: int = 0
    problems: list[str] = field(default_factory=list)


def large_pages() -> Iterator[tuple[Page, Path]]:
    pages = (Page.objects.exclude(image="").alias(pixels=F("width") * F("height"))
             .filter(pixels__gt=iiif_pyramid.PYRAMID_PIXELS).order_by("pk"))
    for page in pages.iterator():
        yield page, Path(page.image.path)


def prepare_all(on_page: Callable[[Page], None] | None = None) -> PrepareReport:
    cache = iiif_cache.for_settings()
    report = PrepareReport()
    for page, path in large_pages():
        if on_page:
            on_page(page)
        if not path.exists():
            report.problems.append(f"page {page.pk}: the image file {path.name} is missing")
            continue
        folder = cache.folder(path, version(page, path))
        if iiif_pyramid.find(folder):
            report.present += 1
            continue
        try:
            iiif_pyramid.ensure(folder, path, wait=3600)
        except pyvips.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
            report.problems.append(f"page {page.pk} ({path.name}): cannot be read: {first}")
            continue
        report.made += 1
    return report
