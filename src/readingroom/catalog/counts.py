"""Public counts kept current: records per authority, collection, box and folder, month, language and a
place's decade, the public records' dates, for pages that would otherwise count over the whole catalogue per
request.

They follow `records_changed`, the trigger search listens to. The records a transaction announces are
collected in a set of that transaction and counted once when it commits (`transaction.on_commit`), in a
short transaction of their own: a batch costs a few queries, not a write per record, and the counts'
rows (shared by every writer: the month of a busy year, a much-cited name) are never held locked through
a long transaction. The one exception is the import's bulk path (ingest/bulk.py), which holds the new
rows already and gives them to `count_new` inside its batch's transaction (one batch, not the import,
holds the lock). Each public record keeps the keys it was counted under (CountedRecord),
so a change takes away exactly what the record added and adds what it adds now: only deltas are
written, as upserts in key order, by one count writer at a time (an advisory lock on PostgreSQL; SQLite
has one writer anyway). No row is shared by every writer: totals are sums over the month rows. A process
that dies between its commit and its count leaves drift that `readingroom counts --check` reports and
`--rebuild` (or that record's next change) repairs.

Only public records count, as `Record.objects.public()` sees them today. An embargo ends without any
write: the first reader of a new day counts the records whose embargo ended since the last catch-up
(`CountsState` "public_as_of"), as search's index writer does for its public index."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connections, router, transaction
from django.utils import timezone

from .models import (
    AccessLevel,
    Authority,
    AuthorityCount,
    CountedRecord,
    CountsState,
    PublicCount,
    Record,
    RecordAuthority,
)
from .on_commit import collect_on_commit, take

CHUNK = 500
SEP = "\x1f"  # between a box and its folder in a "b" key (neither holds control characters)
RECORD_FIELDS = ("pk", "access_level", "embargo_until", "collection_id", "container", "folder", "date_start",
                 "date_end", "languages", "created", "updated")
LOCK_KEY = 0x52525F434E54  # "RR_CNT": the advisory lock of the count writers on PostgreSQL
PENDING = "catalog.counts"  # the records announced in a transaction, counted at its commit
_local = threading.local()


# ---- what one record counts under ----------------------------------------------------------------

def _is_public(access: str, embargo_until: dt.date | None, today: dt.date) -> bool:
    return access == AccessLevel.PUBLIC or (access == AccessLevel.EMBARGOED and embargo_until is not None
                                            and embargo_until <= today)


def _keys(row: tuple, authorities: Iterable[int], places: Iterable[int] = ()) -> list[str]:
    """`places`: those of the authorities that are places (the map's decades per place)."""
    _pk, _access, _embargo, collection, container, folder, start, _end, languages, _created, _updated = row
    keys = [f"m:{start.year:04d}-{start.month:02d}" if start else "m:"]
    if collection is not None:
        keys.append(f"c:{collection}")
        if container:
            keys.append(f"b:{collection}{SEP}{container}{SEP}{folder}")
    keys += [f"l:{code}" for code in dict.fromkeys(languages or []) if isinstance(code, str)]
    keys += [f"a:{pk}" for pk in sorted(set(authorities))]
    if start:
        keys += [f"p:{pk}:{start.year - start.year % 10}" for pk in sorted(set(places))]
    return keys


def _current(pks: list[int], today: dt.date) -> dict[int, tuple[list[str], tuple]]:
    """The keys and row of each of these records that is public today (two queries)."""
    rows = list(Record.objects.filter(pk__in=pks).values_list(*RECORD_FIELDS))
    public = {row[0]: row for row in rows if _is_public(row[1], row[2], today)}
    linked: dict[int, list[int]] = {}
    places: dict[int, list[int]] = {}
    for record_id, authority_id, kind in RecordAuthority.objects.filter(record_id__in=list(public)).values_list(
            "record_id", "authority_id", "authority__kind"):
        linked.setdefault(record_id, []).append(authority_id)
        if kind == Authority.Kind.PLACE:
            places.setdefault(record_id, []).append(authority_id)
    return {pk: (_keys(row, linked.get(pk, ()), places.get(pk, ())), row) for pk, row in public.items()}


def _places(pks: set[int]) -> set[int]:
    """Which of these authorities are places (in chunks: an import's batch names thousands)."""
    ordered, found = sorted(pks), set()
    for start in range(0, len(ordered), CHUNK * 10):
        found.update(Authority.objects.filter(pk__in=ordered[start:start + CHUNK * 10], kind=Authority.Kind.PLACE)
                     .values_list("pk", flat=True))
    return found


# ---- applying changes ----------------------------------------------------------------------------

def recount(pks: Iterable[int], today: dt.date | None = None) -> int:
    """Bring the counts in step with these records as they are now (changed, restricted or deleted).
    Returns how many keys changed."""
    today = today or timezone.localdate()
    ordered = sorted(set(pks))
    changed = 0
    for start in range(0, len(ordered), CHUNK):
        with transaction.atomic():
            changed += _recount_chunk(ordered[start:start + CHUNK], today)
    return changed


def _connection():
    """The counts' database (the router's choice, as for their model queries): raw SQL must not go elsewhere."""
    return connections[router.db_for_write(CountedRecord)]


def _serialize_writers() -> None:
    """One count writer at a time across processes, until this transaction ends: two writers that read
    the same record's old keys would both take them away. A count write lasts milliseconds; SQLite's
    write lock (taken at the start of every transaction here) already does the same."""
    connection = _connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def count_new(records: list[tuple[tuple, Iterable[int]]], today: dt.date | None = None) -> int:
    """Count records a writer just inserted in its open transaction and holds as (row of RECORD_FIELDS,
    linked authority ids): the bulk import. The same deltas a recount writes, without reading the rows back
    after the commit; the writer announces them as counted (signals.announce), so they are not recounted.
    The count writers' lock is then held until that transaction ends. Returns how many keys changed."""
    today = today or timezone.localdate()
    places = _places({pk for _row, authorities in records for pk in authorities})
    now = {row[0]: (_keys(row, authorities, [pk for pk in authorities if pk in places]), row)
           for row, authorities in records if _is_public(row[1], row[2], today)}
    ordered = sorted(row[0] for row, _ in records)
    changed = 0
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start:start + CHUNK]
            changed += _write_counts(chunk, {pk: now[pk] for pk in chunk if pk in now})
    return changed


def _recount_chunk(pks: list[int], today: dt.date) -> int:
    return _write_counts(pks, _current(pks, today))


def _write_counts(pks: list[int], now: dict[int, tuple[list[str], tuple]]) -> int:
    """Replace what these records were counted under (CountedRecord) with `now` (the public ones)."""
    _serialize_writers()
    old = dict(CountedRecord.objects.filter(record_id__in=pks).values_list("record_id", "keys"))
    delta: Counter[str] = Counter()
    for pk in pks:
        delta.subtract(old.get(pk, ()))
        delta.update(now[pk][0] if pk in now else ())
    changes = {key: n for key, n in delta.items() if n}
    _add(changes)
    # Each row rewritten (its dates and stamps may have moved with its keys unchanged): a delete and an
    # insert per chunk, whatever its size.
    if old:
        CountedRecord.objects.filter(record_id__in=pks).delete()
    _insert_counted(now)
    return len(changes)


def _insert_counted(now: dict[int, tuple[list[str], tuple]]) -> None:
    """CountedRecord rows in one executemany: bulk_create prepares every value through its field, which
    was most of the cost of counting an import's batch."""
    if not now:
        return
    connection = _connection()
    ops, q = connection.ops, connection.ops.quote_name
    columns = ", ".join(q(CountedRecord._meta.get_field(name).column)
                        for name in ("record_id", "keys", "date_start", "date_end", "created", "updated"))
    stamps: dict[dt.datetime, object] = {}  # a batch's new records share their stamps: adapted once

    def stamp(value: dt.datetime) -> object:
        if value not in stamps:
            stamps[value] = ops.adapt_datetimefield_value(value)
        return stamps[value]

    rows = [(pk, ops.adapt_json_value(keys, None), ops.adapt_datefield_value(row[6]), ops.adapt_datefield_value(row[7]),
             stamp(row[9]), stamp(row[10])) for pk, (keys, row) in now.items()]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {q(CountedRecord._meta.db_table)} ({columns}) "
                           "VALUES (%s, %s, %s, %s, %s, %s)", rows)


def _add(changes: dict[str, int]) -> None:
    """Upsert the deltas in key order (two writers touching the same keys queue, never deadlock), then drop
    the rows that reached zero."""
    if not changes:
        return
    generic = sorted((key[0], key[2:], n) for key, n in changes.items() if key[0] != "a")
    authority = sorted((int(key[2:]), n) for key, n in changes.items() if key[0] == "a")
    connection = _connection()
    q = connection.ops.quote_name
    counts, authorities = q(PublicCount._meta.db_table), q(AuthorityCount._meta.db_table)
    dim, key, records, authority_id = q("dimension"), q("key"), q("records"), q("authority_id")
    with connection.cursor() as cursor:
        if generic:
            cursor.executemany(
                f"INSERT INTO {counts} ({dim}, {key}, {records}) VALUES (%s, %s, %s) ON CONFLICT ({dim}, {key}) "
                f"DO UPDATE SET {records} = {counts}.{records} + excluded.{records}", generic)
        if authority:
            cursor.executemany(
                f"INSERT INTO {authorities} ({authority_id}, {records}) VALUES (%s, %s) ON CONFLICT ({authority_id}) "
                f"DO UPDATE SET {records} = {authorities}.{records} + excluded.{records}", authority)
    if any(n < 0 for n in changes.values()):
        PublicCount.objects.filter(records__lte=0).delete()
        AuthorityCount.objects.filter(records__lte=0).delete()


# ---- following the catalogue's changes -----------------------------------------------------------

def follow(pks: Iterable[int]) -> None:
    """Called on every `records_changed`: count the records once the transaction commits (at once outside
    a transaction). A failure at commit is logged, not raised after the commit: drift."""
    collect_on_commit(PENDING, pks, recount, robust=True)


def flush() -> None:
    """Count now the records announced in this thread's open transaction (they are not counted again at
    its commit)."""
    taken = take(PENDING)
    if taken:
        recount(taken)


def ensure_current(today: dt.date | None = None) -> None:
    """Before a page reads the counts: this thread's own uncommitted changes counted (a request inside the
    changing transaction, as in tests), and embargoes that ended since the last catch-up."""
    flush()
    today = today or timezone.localdate()
    if getattr(_local, "embargoes_as_of", None) != today:
        catch_up_embargoes(today)
        _local.embargoes_as_of = today


def _day(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def catch_up_embargoes(today: dt.date) -> int:
    """Count the records whose embargo ended after the last catch-up and by `today` (once a day)."""
    state = CountsState.objects.filter(name="public_as_of").values_list("value", flat=True).first()
    if state is not None and state >= _day(today):
        return 0
    with transaction.atomic():
        row = CountsState.objects.select_for_update().filter(name="public_as_of").first()
        if row is not None and row.value >= _day(today):
            return 0  # another process caught up meanwhile
        ended = Record.objects.filter(access_level=AccessLevel.EMBARGOED, embargo_until__lte=today)
        if row is not None:
            since = dt.date(row.value // 10000, row.value // 100 % 100, row.value % 100)
            ended = ended.filter(embargo_until__gt=since)
        pks = list(ended.values_list("pk", flat=True))
        recount(pks, today)
        CountsState.objects.update_or_create(name="public_as_of", defaults={"value": _day(today)})
    return len(pks)


# ---- reading -------------------------------------------------------------------------------------

def dimension(name: str) -> dict[str, int]:
    """key -> public records, for one dimension ("c", "b", "m", "l", "p")."""
    return dict(PublicCount.objects.filter(dimension=name, records__gt=0).values_list("key", "records"))


def place_decades() -> dict[int, dict[str, int]]:
    """Place authority pk -> {"1940": public records starting in that decade} (undated records have none)."""
    decades: dict[int, dict[str, int]] = {}
    for key, n in dimension("p").items():
        pk, decade = key.split(":")
        decades.setdefault(int(pk), {})[decade] = n
    return decades


def total() -> int:
    """Public records: the sum over the month rows (every record has one, "" when undated)."""
    return sum(dimension("m").values())


# ---- checking and rebuilding ---------------------------------------------------------------------

def _recounted(today: dt.date) -> tuple[Counter[str], int]:
    """Every key's public records counted afresh from the catalogue, and the public records."""
    counts: Counter[str] = Counter()
    records = 0
    for keys, _row in _all_current(today):
        counts.update(keys)
        records += 1
    return counts, records


def _all_current(today: dt.date) -> Iterator[tuple[list[str], tuple]]:
    pks = list(Record.objects.public(today).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), CHUNK * 4):
        yield from _current(pks[start:start + CHUNK * 4], today).values()


def kept() -> Counter[str]:
    counts: Counter[str] = Counter()
    for dim, key, n in PublicCount.objects.values_list("dimension", "key", "records"):
        counts[f"{dim}:{key}"] = n
    for pk, n in AuthorityCount.objects.values_list("authority_id", "records"):
        counts[f"a:{pk}"] = n
    return counts


def drift(today: dt.date | None = None) -> list[str]:
    """One line per key whose kept count differs from a recount (none when in step)."""
    today = today or timezone.localdate()
    catch_up_embargoes(today)
    fresh, records = _recounted(today)
    have = kept()
    lines = [f"{key.replace(SEP, '/')}: kept {have.get(key, 0)}, recounted {fresh.get(key, 0)}"
             for key in sorted(set(fresh) | set(have)) if fresh.get(key, 0) != have.get(key, 0)]
    counted = CountedRecord.objects.count()
    if counted != records:
        lines.append(f"public records: {counted} counted, {records} recounted")
    return lines


def rebuild(today: dt.date | None = None) -> int:
    """Empty the kept counts and count every public record afresh (one transaction). Returns the records."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _serialize_writers()
        for model in (PublicCount, AuthorityCount, CountedRecord):
            model.objects.all().delete()
        counts: Counter[str] = Counter()
        batch: list[CountedRecord] = []
        records = 0
        for keys, row in _all_current(today):
            counts.update(keys)
            records += 1
            batch.append(CountedRecord(record_id=row[0], keys=keys, date_start=row[6], date_end=row[7],
                                       created=row[9], updated=row[10]))
            if len(batch) >= CHUNK * 4:
                CountedRecord.objects.bulk_create(batch)
                batch = []
        CountedRecord.objects.bulk_create(batch)
        PublicCount.objects.bulk_create(
            [PublicCount(dimension=key[0], key=key[2:], records=n) for key, n in counts.items() if key[0] != "a"],
            batch_size=CHUNK * 4)
        known = set(Authority.objects.values_list("pk", flat=True))
        AuthorityCount.objects.bulk_create(
            [AuthorityCount(authority_id=int(key[2:]), records=n) for key, n in counts.items()
             if key[0] == "a" and int(key[2:]) in known], batch_size=CHUNK * 4)
        CountsState.objects.update_or_create(name="public_as_of", defaults={"value": _day(today)})
    take(PENDING)  # counted by the rebuild
    return records
