"""The sitemap: an index of parts, each part the public records (or collections, or authorities) whose
primary keys fall in one range of PART_SIZE, so a part never lists more than PART_SIZE URLs and is read
with one indexed range query (never an OFFSET walk past the rows before it).

Parts are built once and kept as files under the data directory (shared by every server process and
kept across restarts), in a folder named by a stamp of the catalogue: a generation that catalogue change
signals advance, the public records' count and last change (from the kept counts of catalog/counts.py,
never a count over the catalogue), the date (an embargo ends at midnight) and the site's public URL.
A record restricted, deleted or relinked changes the stamp, so the next request builds afresh.

Built from `Record.objects.public()`, never from the reader's session: a staff member fetching the
sitemap must not publish restricted ids."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import connection
from django.db.models import F, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from readingroom.catalog import addresses, counts
from readingroom.catalog.models import Authority, Collection, CountedRecord, Record
from readingroom.catalog.on_commit import once_on_commit
from readingroom.catalog.signals import names_changed, records_changed
from readingroom.catalog.themes import Theme
from readingroom.web.access import collections_holding

log = logging.getLogger(__name__)
PART_SIZE = 10_000  # primary keys per part, so at most this many URLs (the protocol allows 50,000)
SECTIONS = ("pages", "records", "collections", "authorities")
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_serial = itertools.count()


def _folder() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "sitemap"


def _generation_file() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "sitemap.generation"


def advance_generation() -> None:
    """Mark every built part as out of date, for this process and every other one on the data directory."""
    path = _generation_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{time.time_ns()}-{os.getpid()}-{next(_serial)}")
    except OSError as exc:  # the count and last change in the stamp still catch most changes
        log.warning("could not mark the sitemap out of date: %s", exc)


@receiver(records_changed, dispatch_uid="web-sitemap-records-changed")
@receiver(names_changed, dispatch_uid="web-sitemap-names-changed")
@receiver(post_save, sender=Theme, dispatch_uid="web-sitemap-theme-saved")  # published, unpublished, renamed
@receiver(post_delete, sender=Theme, dispatch_uid="web-sitemap-theme-deleted")
def _catalogue_changed(sender, **kwargs) -> None:
    advance_generation()
    if connection.in_atomic_block:
        # Again at commit (once per transaction): a request that read the old rows between the first
        # advance and the commit must not have its part kept under the new stamp.
        once_on_commit("web.sitemaps", advance_generation)


def stamp() -> str:
    """Changes whenever what the sitemap lists may have changed (one aggregate query and a small file)."""
    try:
        generation = _generation_file().read_text()
    except OSError:
        generation = ""
    counts.ensure_current()
    last = CountedRecord.objects.order_by("-updated").values_list("updated", flat=True).first()
    # The site's public URL too: every address in the files is on it.
    key = f"{generation}|{counts.total()}|{last}|{timezone.localdate()}|{settings.READINGROOM_BASE_URL}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _public_authorities():
    # The kept counts say which authorities have public records (catalog/counts.py).
    return Authority.objects.filter(public_count__records__gt=0, merged_into__isnull=True)


def _parts() -> list[tuple[str, int, str | None]]:
    """(section, number, lastmod) of every part that has URLs."""
    parts: list[tuple[str, int, str | None]] = [("pages", 0, None)]
    rows = (CountedRecord.objects.annotate(part=F("record_id") / PART_SIZE).values("part")
            .annotate(last=Max("updated")).order_by("part"))
    parts += [("records", row["part"], row["last"].date().isoformat() if row["last"] else None) for row in rows]
    parts += [("collections", n, None) for n in sorted({pk // PART_SIZE for pk in collections_holding(None)})]
    numbers = (_public_authorities().annotate(part=F("pk") / PART_SIZE).values_list("part", flat=True)
               .distinct().order_by("part"))
    parts += [("authorities", n, None) for n in numbers]
    return parts


def _urls(section: str, number: int) -> Iterator[tuple[str, str | None]]:
    """(absolute URL, lastmod) of one part's addresses, by primary key."""
    low, high = number * PART_SIZE, (number + 1) * PART_SIZE
    if section == "pages":
        if number == 0:
            yield addresses.url("home", absolute=True), None
            themes = list(Theme.objects.published().order_by("position", "pk").only("slug", "updated"))
            if themes:
                yield addresses.url("themes", absolute=True), None
            for theme in themes:  # drafts never: the sitemap is built for the public whoever asks
                yield addresses.theme(theme.slug, absolute=True), theme.updated.date().isoformat()
    elif section == "records":
        rows = (Record.objects.public().filter(pk__gte=low, pk__lt=high).order_by("pk")
                .values_list("public_id", "updated"))
        for public_id, updated in rows.iterator(chunk_size=2000):
            yield addresses.record(public_id, absolute=True), updated.date().isoformat()
    elif section == "collections":
        shown = sorted(pk for pk in collections_holding(None) if low <= pk < high)
        for collection in Collection.objects.filter(pk__in=shown).order_by("pk").only("identifier"):
            yield addresses.collection(collection.identifier, absolute=True), None
    elif section == "authorities":
        rows = _public_authorities().filter(pk__gte=low, pk__lt=high).order_by("pk").only("kind", "identifier")
        for authority in rows.iterator(chunk_size=2000):
            yield addresses.authority(authority.kind, authority.identifier, absolute=True), None


def _entry(tag: str, loc: str, lastmod: str | None) -> str:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<{tag}><loc>{escape(loc)}</loc>{modified}</{tag}>\n"


def _index_xml() -> bytes:
    entries = "".join(_entry("sitemap", addresses.sitemap_part(section, number, absolute=True), lastmod)
                      for section, number, lastmod in _parts())
    return f'<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="{XMLNS}">\n{entries}</sitemapindex>\n'.encode()


def _part_xml(section: str, number: int) -> bytes | None:
    entries = [_entry("url", loc, lastmod) for loc, lastmod in _urls(section, number)]
    if not entries:
        return None
    return f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{XMLNS}">\n{"".join(entries)}</urlset>\n'.encode()


def cached_file(section: str | None = None, number: int = 0) -> Path | None:
    """The sitemap index (no section) or one part, as a file built for the catalogue as it is now;
    None for a part without URLs."""
    if section is not None and section not in SECTIONS:
        return None
    current = stamp()
    folder = _folder() / current
    path = folder / (f"{section}-{number}.xml" if section else "index.xml")
    if path.exists():
        return path
    body = _index_xml() if section is None else _part_xml(section, number)
    if body is None:
        return None
    new_stamp = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
    temporary.write_bytes(body)
    os.replace(temporary, path)  # readers see the whole file or none
    if new_stamp:
        for old in _folder().iterdir():
            if old.name != current:
                shutil.rmtree(old, ignore_errors=True)  # a reader holding one open keeps reading it
    return path
