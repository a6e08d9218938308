"""The one index writer: applies the queue in batches, rebuilds into a new generation, and checks the
index against the database. Only this module writes the index, and only while holding writer_lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import tantivy
from django.utils import timezone

from readingroom.catalog.models import Record

from . import index_dir, queue
from .documents import BATCH_SIZE, CollectionPaths, build_document, day_number, record_batches
from .schema import SCHEMA_VERSION, build_schema
from .variants import load as load_variants

# One indexing thread: Tantivy writes a segment per thread, and every query pays per segment (term
# lookups, fuzzy automata). At 100,000 records one segment answers term queries in 0.55 ms against 0.66
# for two and 1.05 for five. One thread keeps up with the Python side that builds documents
# (3,700 docs/s). A rebuild's heap holds the 100,000-record benchmark corpus in one segment; Tantivy's
# merge policy joins segments as the archive grows.
WRITER_HEAP = 128_000_000
REBUILD_HEAP = 512_000_000
WRITER_THREADS = 1
Progress = Callable[[int], None]


@dataclass
class WriteReport:
    indexed: int = 0
    removed: int = 0
    rebuilt: bool = False
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    damage: list[str] = field(default_factory=list)  # why the index was rebuilt, when it was damaged

    def line(self) -> str:
        parts = [f"{self.indexed} indexed", f"{self.removed} removed"]
        if self.rebuilt:
            parts.insert(0, "rebuilt")
        if self.damage:
            parts.insert(0, f"damaged ({'; '.join(self.damage[:3])})")
        if self.missing or self.stale or self.orphans:
            parts.append(f"repaired {len(self.missing)} missing, {len(self.stale)} stale, {len(self.orphans)} deleted")
        return ", ".join(parts)


def shown_to_public(doc: dict, today: int) -> bool:
    """Whether an index document belongs in the public index today (its embargo over, if it has one)."""
    access = doc["access"][0]
    return access == "public" or (access == "embargoed" and 0 < doc["embargo_until"][0] <= today)


class Writers:
    """Writers of a generation's two indexes, used as one: each record goes to the public index or to
    the withheld records' (one copy: a second copy of every public record had doubled the work)."""

    def __init__(self, indexes: tuple[tantivy.Index, tantivy.Index], heap: int) -> None:
        self.withheld, self.public = (index.writer(heap, WRITER_THREADS) for index in indexes)
        self.today = day_number(timezone.localdate())

    def replace(self, pk: int, doc: dict | None) -> None:
        """The record's documents replaced by `doc` (None: removed), in whichever index held them."""
        self.withheld.delete_documents_by_term("pk", pk)
        self.public.delete_documents_by_term("pk", pk)
        if doc is not None:
            self.add(doc)

    def add(self, doc: dict) -> None:
        document = tantivy.Document.from_dict(doc, build_schema())
        (self.public if shown_to_public(doc, self.today) else self.withheld).add_document(document)

    def commit(self) -> None:
        self.withheld.commit()
        self.public.commit()

    def finish(self) -> None:
        self.withheld.wait_merging_threads()
        self.public.wait_merging_threads()

    def abandon(self) -> None:
        for writer in (self.withheld, self.public):
            writer.rollback()
            writer.wait_merging_threads()


def needs_rebuild() -> bool:
    return index_dir.index_version() != SCHEMA_VERSION


def rebuild(on_progress: Progress | None = None, batch_size: int = BATCH_SIZE,
            fail_after: int | None = None) -> WriteReport:
    """Index every record into a fresh generation and switch to it only when it is complete. It reads
    the catalogue and writes only the index (the gazetteer is loaded with the places, not here).

    `fail_after` makes the build stop with an error after that many records: a test hook to show that
    a crash leaves the previous generation live."""
    report = WriteReport(rebuilt=True)
    with index_dir.writer_lock():
        included = queue.task_ids()
        path = index_dir.new_generation()
        writers = None
        try:
            writers = Writers(index_dir.create_indexes(path), REBUILD_HEAP)
            collections, places = CollectionPaths(), load_variants()
            for batch in record_batches(batch_size=batch_size):
                for record in batch:
                    if fail_after is not None and report.indexed >= fail_after:
                        raise RuntimeError(f"rebuild stopped after {fail_after} records (simulated crash)")
                    writers.add(build_document(record, collections, places))
                    report.indexed += 1
                if on_progress:
                    on_progress(len(batch))
            writers.commit()
            writers.finish()
            index_dir.record_checksums(path)
            index_dir.write_meta(path, records=report.indexed, public_as_of=writers.today)
        except BaseException as exc:
            if writers is not None:
                # Stop the writer's threads before removing its directory, or they recreate files in it.
                writers.abandon()
            writers = None
            index_dir.discard(path)
            if index_dir.is_panic(exc):  # an ordinary error for the callers, the live generation untouched
                raise index_dir.IndexDamaged(f"the index binding failed while rebuilding: {exc}") from exc
            raise
        index_dir.publish(path)
        # Everything queued before the build started is in it; later changes stay queued.
        queue.done(included)
    drain()
    return report


QUEUE_BATCH = 5000  # queue rows per commit: an import leaves several rows per record


def drain(batch_size: int = QUEUE_BATCH, on_progress: Progress | None = None) -> WriteReport:
    """Apply queued updates, batch by batch, until the queue is empty."""
    report = WriteReport()
    if needs_rebuild():
        return rebuild(on_progress=on_progress) if index_dir.current_generation() is None else report
    queue_ended_embargoes()
    try:
        with index_dir.writer_lock():
            with index_dir.guarded("opening the index for writing"):
                writers = Writers(index_dir.open_for_writing(), WRITER_HEAP)
            collections, places = CollectionPaths(), load_variants()
            while True:
                pks, task_ids = queue.next_batch(batch_size)
                if not pks:
                    break
                with index_dir.guarded("applying updates"):
                    _apply(writers, pks, collections, places, report)
                    writers.commit()
                queue.done(task_ids)
                if on_progress:
                    on_progress(len(pks))
            with index_dir.guarded("merging segments"):
                writers.finish()
            if report.indexed or report.removed:
                index_dir.record_checksums(index_dir.current_generation())
    except index_dir.IndexDamaged as exc:
        # The queue keeps what was not committed; a rebuild takes everything from the database.
        return _rebuilt_for([str(exc)], on_progress)
    return report


def _rebuilt_for(damage: list[str], on_progress: Progress | None) -> WriteReport:
    """A new generation in place of a damaged one; the report says what was wrong."""
    report = rebuild(on_progress=on_progress)
    report.damage = damage
    return report


def _apply(writers: Writers, pks: list[int], collections: CollectionPaths, places,
           report: WriteReport) -> None:
    found: set[int] = set()
    for batch in record_batches(pks):
        for record in batch:
            writers.replace(record.pk, build_document(record, collections, places))
            found.add(record.pk)
            report.indexed += 1
    for pk in set(pks) - found:
        writers.replace(pk, None)
        report.removed += 1


def indexed_digests(public: bool) -> dict[int, int]:
    """Every document's record pk and content digest, read from fast fields of the public index, or of
    the withheld records'."""
    index = index_dir.open_for_reading(public)
    searcher = index.searcher()
    total = searcher.num_docs
    if not total:
        return {}
    hits = searcher.search(tantivy.Query.all_query(), limit=total, count=False).hits
    addresses = [address for _score, address in hits]
    pks = searcher.fast_field_values("pk", addresses)
    digests = searcher.fast_field_values("digest", addresses)
    return {int(pk): int(d) for pk, d in zip(pks, digests, strict=True) if pk is not None}


def check(repair: bool = True, on_progress: Progress | None = None) -> WriteReport:
    """Check the index's files against their checksums (damaged: rebuild), then compare the index with
    the database: documents missing, stale (content changed without an index update) or left over from
    deleted records. With `repair`, fix them in one commit."""
    report = WriteReport()
    if needs_rebuild():
        return rebuild(on_progress=on_progress)
    with index_dir.writer_lock():
        damage = index_dir.verify()
    if damage:
        if not repair:
            report.damage = damage
            return report
        return _rebuilt_for(damage, on_progress)
    with index_dir.writer_lock(), index_dir.guarded("checking the index against the database", ask_repair=False):
        in_public, in_withheld = indexed_digests(public=True), indexed_digests(public=False)
        today = day_number(timezone.localdate())
        collections, places = CollectionPaths(), load_variants()
        fresh: dict[int, dict] = {}
        seen: set[int] = set()
        for batch in record_batches():
            for record in batch:
                seen.add(record.pk)
                doc = build_document(record, collections, places)
                digest = doc["digest"][0]
                public, withheld = in_public.get(record.pk), in_withheld.get(record.pk)
                if public is None and withheld is None:
                    report.missing.append(record.pk)
                elif (public, withheld) != ((digest, None) if shown_to_public(doc, today) else (None, digest)):
                    # Out of date, or in the wrong index (or both) for who may see it today.
                    report.stale.append(record.pk)
                else:
                    continue
                if repair:
                    fresh[record.pk] = doc
            if on_progress:
                on_progress(len(batch))
        report.orphans = sorted((set(in_withheld) | set(in_public)) - seen)
        if repair and (fresh or report.orphans):
            writers = Writers(index_dir.open_for_writing(), WRITER_HEAP)
            for pk, doc in fresh.items():
                writers.replace(pk, doc)
                report.indexed += 1
            for pk in report.orphans:
                writers.replace(pk, None)
                report.removed += 1
            writers.commit()
            writers.finish()
            index_dir.record_checksums(index_dir.current_generation())
    return report


def repair_if_damaged(on_progress: Progress | None = None) -> WriteReport | None:
    """Verify the live generation's files; rebuild when they are damaged. None when they are sound."""
    index_dir.repair_done()  # cleared first: a failure seen during the check asks again
    with index_dir.writer_lock():
        damage = index_dir.verify()
    return _rebuilt_for(damage, on_progress) if damage else None


def queue_ended_embargoes() -> int:
    """Records whose embargo ended since the public index was last brought up to date join the queue,
    so the next pass adds them to it. Nothing saves a record when its embargo date passes; until this
    runs, the public cannot find it in search (never the other way round). Cheap when there is nothing
    to do: a read of the generation's meta file."""
    gen = index_dir.current_generation()
    if gen is None:
        return 0
    meta = index_dir.read_meta(gen)
    today = day_number(timezone.localdate())
    since = meta.get("public_as_of", today)
    if since >= today:
        return 0
    from readingroom.catalog.models import AccessLevel

    after = dt.date(since // 10000, since // 100 % 100, since % 100)
    ended = list(Record.objects.filter(access_level=AccessLevel.EMBARGOED, embargo_until__gt=after,
                                       embargo_until__lte=timezone.localdate()).values_list("pk", flat=True))
    queue.enqueue(ended)
    index_dir.write_meta(gen, **{**meta, "public_as_of": today})
    return len(ended)


def record_count() -> int:
    return Record.objects.count()
