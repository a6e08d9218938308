"""The parts of a document page computed from other records: the previous and next record of its
collection, its related records, the records of the same day (and their count), and "more like this".
They were most of a page's queries and its one Tantivy search, and they change rarely, so they are kept
in Django's cache.

Keys, never deletes, keep them right, in every server process: a key holds
- the catalogue's generation: a small file under the data directory that every change of records, names
  or relations advances once its transaction commits (so other processes see it), plus a counter in this
  process advanced at once (so this process never waits for the commit);
- the record's own `updated`; the date (an embargo ends at midnight); the interface language (group labels
  are translated);
- the reader's side of access, public or staff: the two never share an entry;
- for "more like this", the index's commit stamp (a commit or a rebuild changes what it finds).
An entry no key reaches any more is culled by the cache in time. The page's own record is never cached:
it is read, with its access, on every request."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from readingroom.catalog.models import Record, sees_restricted
from readingroom.catalog.relations import RelatedGroup, related_groups
from readingroom.catalog.signals import names_changed, records_changed, relations_changed

log = logging.getLogger(__name__)
TIMEOUT = 24 * 3600  # a day: the date in the key turns over then anyway
SIMILAR_LIMIT = 5
_serial = itertools.count()
_local = itertools.count(1)  # this process's changes, counted at once (next() is atomic under the GIL)
_local_now = 0


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
def _catalogue_changed(sender, **kwargs) -> None:
    global _local_now
    _local_now = next(_local)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        advance_generation()  # autocommit: the change is committed already
        return
    # Once per transaction, at its commit: an import saving thousands of records writes the file once.
    # (A rolled-back savepoint drops its callbacks, so a later change registers again.)
    if not any(func is advance_generation for _ids, func, *_ in connection.run_on_commit):
        transaction.on_commit(advance_generation)


def _key(kind: str, request: HttpRequest, record: Record, *extra: str) -> str | None:
    shared = generation()
    if shared is None:
        return None
    side = "staff" if sees_restricted(getattr(request, "user", None)) else "public"
    parts = (kind, str(record.pk), record.updated.isoformat() if record.updated else "", side,
             get_language() or "", timezone.localdate().isoformat(), shared, str(_local_now), *extra)
    return "docparts:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass
class Surroundings:
    """What the page and its JSON twin show around the record."""

    previous: Record | None
    next: Record | None
    related: list[RelatedGroup]
    same_day: object | None  # views.documents.SameDay


def surroundings(request: HttpRequest, record: Record) -> Surroundings:
    from readingroom.web.views.documents import neighbours, same_day

    key = _key("around", request, record)
    found = cache.get(key) if key else None
    if found is None:
        user = getattr(request, "user", None)
        previous, following = neighbours(request, record)
        found = Surroundings(previous, following, related_groups(record, user), same_day(request, record))
        if key:
            cache.set(key, found, TIMEOUT)
    return found


def similar(request: HttpRequest, record: Record, limit: int = SIMILAR_LIMIT) -> list[Record]:
    """"More like this": the index finds them, the catalogue says which this reader may see now (the index
    may lag behind an access change)."""
    from readingroom.search import commit_stamp, more_like_this

    user = getattr(request, "user", None)
    key = _key("similar", request, record, commit_stamp(public=not sees_restricted(user)), str(limit))
    found = cache.get(key) if key else None
    if found is None:
        pairs = more_like_this(record.pk, user=user, limit=limit)
        records = (Record.objects.visible_to(user).only("public_id", "title", "date_edtf")
                   .in_bulk([pk for pk, _ in pairs])) if pairs else {}
        found = [records[pk] for pk, _ in pairs if pk in records]
        if key:
            cache.set(key, found, TIMEOUT)
    return found
