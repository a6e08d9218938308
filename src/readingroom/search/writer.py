"""The one index writer: applies the queue in batches, rebuilds into a new generation, and checks the
index against the database. Only this module writes the index, and only while holding writer_lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import tantivy

from readingroom.catalog.models import Record

from . import gazetteer, queue, store
from .documents import BATCH_SIZE, CollectionPaths, build_document, record_batches
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


def _add(writer: tantivy.IndexWriter, doc: dict) -> None:
    writer.add_document(tantivy.Document.from_dict(doc, build_schema()))


def needs_rebuild() -> bool:
    return store.index_version() != SCHEMA_VERSION


def rebuild(on_progress: Progress | None = None, batch_size: int = BATCH_SIZE,
            fail_after: int | None = None) -> WriteReport:
    """Index every record into a fresh generation and switch to it only when it is complete.

    `fail_after` makes the build stop with an error after that many records: a test hook to show that
    a crash leaves the previous generation live."""
    report = WriteReport(rebuilt=True)
    with store.writer_lock():
        # The shipped gazetteer becomes authority records first (adds only what is missing, so staff
        # edits stay), so the variants are known to the build and to queries.
        gazetteer.load()
        start_task = queue.last_task_id()
        path = store.new_generation()
        writer = None
        try:
            index = store.create_index(path)
            writer = index.writer(REBUILD_HEAP, WRITER_THREADS)
            collections, places = CollectionPaths(), load_variants()
            for batch in record_batches(batch_size=batch_size):
                for record in batch:
                    if fail_after is not None and report.indexed >= fail_after:
                        raise RuntimeError(f"rebuild stopped after {fail_after} records (simulated crash)")
                    _add(writer, build_document(record, collections, places))
                    report.indexed += 1
                if on_progress:
                    on_progress(len(batch))
            writer.commit()
            writer.wait_merging_threads()
            store.record_checksums(path)
            store.write_meta(path, records=report.indexed)
        except BaseException as exc:
            if writer is not None:
                # Stop the writer's threads before removing its directory, or they recreate files in it.
                writer.rollback()
                writer.wait_merging_threads()
            writer = index = None
            store.discard(path)
            if store.is_panic(exc):  # an ordinary error for the callers, the live generation untouched
                raise store.IndexDamaged(f"the index binding failed while rebuilding: {exc}") from exc
            raise
        store.publish(path)
        # Everything queued before the build started is in it; later changes stay queued.
        queue.done(start_task)
    drain()
    return report


QUEUE_BATCH = 5000  # queue rows per commit: an import leaves several rows per record


def drain(batch_size: int = QUEUE_BATCH, on_progress: Progress | None = None) -> WriteReport:
    """Apply queued updates, batch by batch, until the queue is empty."""
    report = WriteReport()
    if needs_rebuild():
        return rebuild(on_progress=on_progress) if store.current_generation() is None else report
    try:
        with store.writer_lock():
            with store.guarded("opening the index for writing"):
                writer = store.open_for_writing().writer(WRITER_HEAP, WRITER_THREADS)
            collections, places = CollectionPaths(), load_variants()
            while True:
                pks, _ids, up_to = queue.next_batch(batch_size)
                if not pks:
                    break
                with store.guarded("applying updates"):
                    _apply(writer, pks, collections, places, report)
                    writer.commit()
                queue.done(up_to)
                if on_progress:
                    on_progress(len(pks))
            with store.guarded("merging segments"):
                writer.wait_merging_threads()
            if report.indexed or report.removed:
                store.record_checksums(store.current_generation())
    except store.IndexDamaged as exc:
        # The queue keeps what was not committed; a rebuild takes everything from the database.
        damaged = rebuild(on_progress=on_progress)
        damaged.damage.append(str(exc))
        return damaged
    return report


def _apply(writer: tantivy.IndexWriter, pks: list[int], collections: CollectionPaths, places,
           report: WriteReport) -> None:
    found: set[int] = set()
    for batch in record_batches(pks):
        for record in batch:
            writer.delete_documents_by_term("pk", record.pk)
            _add(writer, build_document(record, collections, places))
            found.add(record.pk)
            report.indexed += 1
    for pk in set(pks) - found:
        writer.delete_documents_by_term("pk", pk)
        report.removed += 1


def indexed_digests() -> dict[int, int]:
    """Every document's record pk and content digest, read from fast fields."""
    index = store.open_for_reading()
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
    with store.writer_lock():
        damage = store.verify()
    if damage:
        if not repair:
            report.damage = damage
            return report
        rebuilt = rebuild(on_progress=on_progress)
        rebuilt.damage = damage
        return rebuilt
    with store.writer_lock(), store.guarded("checking the index against the database", ask_repair=False):
        in_index = indexed_digests()
        collections, places = CollectionPaths(), load_variants()
        fresh: dict[int, dict] = {}
        seen: set[int] = set()
        for batch in record_batches():
            for record in batch:
                seen.add(record.pk)
                doc = build_document(record, collections, places)
                digest = in_index.get(record.pk)
                if digest is None:
                    report.missing.append(record.pk)
                elif digest != doc["digest"][0]:
                    report.stale.append(record.pk)
                else:
                    continue
                if repair:
                    fresh[record.pk] = doc
            if on_progress:
                on_progress(len(batch))
        report.orphans = sorted(set(in_index) - seen)
        if repair and (fresh or report.orphans):
            writer = store.open_for_writing().writer(WRITER_HEAP, WRITER_THREADS)
            for pk, doc in fresh.items():
                writer.delete_documents_by_term("pk", pk)
                _add(writer, doc)
                report.indexed += 1
            for pk in report.orphans:
                writer.delete_documents_by_term("pk", pk)
                report.removed += 1
            writer.commit()
            writer.wait_merging_threads()
            store.record_checksums(store.current_generation())
    return report


def repair_if_damaged(on_progress: Progress | None = None) -> WriteReport | None:
    """Verify the live generation's files; rebuild when they are damaged. None when they are sound."""
    store.repair_done()  # cleared first: a failure seen during the check asks again
    with store.writer_lock():
        damage = store.verify()
    if not damage:
        return None
    report = rebuild(on_progress=on_progress)
    report.damage = damage
    return report


def record_count() -> int:
    return Record.objects.count()
