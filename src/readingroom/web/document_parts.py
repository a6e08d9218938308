"""What a document page keeps in Django's cache, so that a visit costs one query and a cache read:
- the parts computed from other records: the previous and next record of its collection, its related
  records, the records of the same day (and their count), and "more like this" (its one Tantivy search);
- the record's bundle: the record with its contents, footnotes, pages and authority links (five queries
  that Django takes longer to build than the database to run), shared by every reader and language;
- the rendered page (its head, body and scripts) and the JSON twin's data, per reader's side and language;
  never for a visit with search words (`?q=`): highlighting is rendered for each query.

Keys, never deletes, keep them right, in every server process: a key holds
- the catalogue's generation: a small file under the data directory that every change of records, names
  or relations advances once its transaction commits (so other processes see it), plus a counter in this
  process advanced at once (so this process never waits for the commit);
- the record's own `updated`; the date (an embargo ends at midnight); the interface language (group labels
  are translated);
- the reader's side of access, public or staff: the two never share an entry;
- for "more like this", the index's commit stamp (a commit or a rebuild changes what it finds).
- for the rendered page, the translation asked for (`?translation=`), the host and scheme (the page names
  its scan's address with them) and the index's commit stamp (it holds "more like this").
An entry no key reaches any more is culled by the cache in time. Whether the reader may see the record is
never cached: one small query asks the database on every request (`Stamp`), before any entry is read."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from readingroom.catalog import prepared_sql
from readingroom.catalog.models import Page, Record, sees_restricted, visible_q
from readingroom.catalog.on_commit import once_on_commit
from readingroom.catalog.relations import RelatedGroup, related_groups
from readingroom.catalog.signals import names_changed, records_changed, relations_changed
from readingroom.web.nearby import SameDay, neighbours, same_day

log = logging.getLogger(__name__)
TIMEOUT = 24 * 3600  # a day: the date in the key turns over then anyway
SIMILAR_LIMIT = 5
_serial = itertools.count()
_local = itertools.count(1)  # this process's changes, counted at once (next() is atomic under the GIL)
_local_now = 0
T = TypeVar("T")


def _generation_file() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "catalogue.generation"


def advance_generation() -> None:
    """Mark every cached part out of date for every process on this data directory (atomic replace: a
    reader never sees a half-written stamp)."""
    path = _generation_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(f"{time.time_ns()}-{os.getpid()}-{next(_serial)}", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not mark the document pages' cached parts out of date: %s", exc)


def generation() -> str | None:
    """The shared generation; None when it cannot be kept (then nothing is cached: it could go stale)."""
    path = _generation_file()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        advance_generation()
    except OSError:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


@receiver(records_changed, dispatch_uid="web-document-parts-records")
@receiver(names_changed, dispatch_uid="web-document-parts-names")
@receiver(relations_changed, dispatch_uid="web-document-parts-relations")
# A page's OCR status or size changes without its content's save (a failed reading): the page shows both.
@receiver(post_save, sender=Page, dispatch_uid="web-document-parts-page-saved")
@receiver(post_delete, sender=Page, dispatch_uid="web-document-parts-page-deleted")
def _catalogue_changed(sender, **kwargs) -> None:
    global _local_now
    _local_now = next(_local)
    # Once per transaction, at its commit: an import saving thousands of records writes the file once
    # (at once in autocommit: the change is committed already).
    once_on_commit("web.document_parts", advance_generation)


@dataclass(frozen=True)
class Stamp:
    """What every request reads of the record itself: that this reader may see it, and its state."""

    pk: int
    public_id: str
    updated: dt.datetime | None
    access_level: str
    embargo_until: dt.date | None


def stamp(user, public_id: str) -> Stamp | None:
    """The record if `user` may see it now, else None: one indexed query on every request, its SQL built
    once per database, reader's side and day (catalog/prepared_sql.py)."""
    today = timezone.localdate()

    def build(public_id: str):
        return (Record.objects.filter(visible_q(user, today=today), public_id=public_id).order_by()
                .values_list("pk", "updated", "access_level", "embargo_until"))

    found = prepared_sql.rows("document-stamp", (sees_restricted(user), today), build, public_id=public_id)
    return Stamp(found[0][0], public_id, *found[0][1:]) if found else None


def _record_key(kind: str, record: Record | Stamp, *extra: str) -> str | None:
    shared = generation()
    if shared is None:
        return None
    # The access level too: written without a save (no signal, no new `updated`), it still changes the key,
    # so staff see the page's "not public" note at once (the public get a 404 from the access query).
    parts = (kind, str(record.pk), str(record.updated or ""), record.access_level, str(record.embargo_until or ""),
             shared, str(_local_now), *extra)
    return "docparts:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _key(kind: str, request: HttpRequest, record: Record | Stamp, *extra: str) -> str | None:
    side = "staff" if sees_restricted(getattr(request, "user", None)) else "public"
    return _record_key(kind, record, side, get_language() or "", timezone.localdate().isoformat(), *extra)


def _cached(key: str | None, compute: Callable[[], T], store: str = "documents") -> T:
    """The entry under `key` in the `store` cache (settings.CACHES), computed and kept on a miss."""
    chosen = caches[store]
    found = chosen.get(key) if key else None
    if found is None:
        found = compute()
        if key:
            chosen.set(key, found, TIMEOUT)
    return found


def bundle(stamp: Stamp, load: Callable[[], Record], words: bool = False) -> Record:
    """The record with its contents, footnotes, pages (with OCR word boxes if `words`) and authority links,
    as `load` reads them. Only ever asked for after the access check, so one entry serves every reader."""
    return _cached(_record_key("bundle", stamp, "words" if words else ""), load)


def page(request: HttpRequest, stamp: Stamp, translation: str, render: Callable[[], T]) -> T:
    """The rendered page of a visit without search words."""
    from readingroom.search import commit_stamp

    index = commit_stamp(public=not sees_restricted(getattr(request, "user", None)))
    return _cached(_key("page", request, stamp, translation, request.scheme, request.get_host(),
                        get_script_prefix(), index), render)


def json_data(request: HttpRequest, stamp: Stamp, build: Callable[[], T]) -> T:
    """The JSON twin's data."""
    return _cached(_key("json", request, stamp, get_script_prefix()), build)


@dataclass
class Surroundings:
    """What the page and its JSON twin show around the record."""

    previous: Record | None
    next: Record | None
    related: list[RelatedGroup]
    same_day: SameDay | None


def surroundings(request: HttpRequest, record: Record) -> Surroundings:
    def compute() -> Surroundings:
        previous, following = neighbours(request, record)
        user = getattr(request, "user", None)
        return Surroundings(previous, following, related_groups(record, user), same_day(request, record))

    return _cached(_key("around", request, record), compute, "default")


def similar(request: HttpRequest, record: Record, limit: int = SIMILAR_LIMIT) -> list[Record]:
    """"More like this": the index finds them, the catalogue says which this reader may see now (the index
    may lag behind an access change): one query, its SQL built once per side, day and number of records."""
    from readingroom.search import commit_stamp, more_like_this

    user = getattr(request, "user", None)
    today = timezone.localdate()

    def compute() -> list[Record]:
        pairs = more_like_this(record.pk, user=user, limit=limit)
        if not pairs:
            return []
        found = {pk: Record(pk=pk, public_id=public_id, title=title, date_edtf=date_edtf)
                 for pk, public_id, title, date_edtf in prepared_sql.rows(
                     "similar-visible", (sees_restricted(user), today, len(pairs)),
                     lambda **pks: Record.objects.filter(visible_q(user, today=today), pk__in=list(pks.values()))
                     .order_by().values_list("pk", "public_id", "title", "date_edtf"),
                     **{f"pk{n}": pk for n, (pk, _score) in enumerate(pairs)})}
        return [found[pk] for pk, _ in pairs if pk in found]

    key = _key("similar", request, record, commit_stamp(public=not sees_restricted(user)), str(limit))
    return _cached(key, compute, "default")
