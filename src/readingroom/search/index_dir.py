"""Where the index lives on disk, and how readers and the writer open it.

Layout under READINGROOM_INDEX_DIR:
  CURRENT          the name of the live generation (replaced atomically with os.replace)
  gen-<stamp>/     a Tantivy index of the records withheld from the public (restricted, or embargoed
                   still), readingroom.json (schema version, build time) and checksums.json (size and
                   CRC-32 of each index file, written after every commit)
  gen-<stamp>/public/  a Tantivy index of the records the public may see, which the public searches: its
                   BM25 statistics (document frequencies, lengths) count no withheld record, so neither
                   scores nor ranking say anything about restricted text. Staff search both.

Each record is in exactly one of the two. (Until schema 10 the first index held every record: a second
copy of the public ones, which doubled the cost of every rebuild and update.)
  writer.lock      held by the one writer (incremental or rebuild); readers never touch it

A rebuild writes a new generation and only then points CURRENT at it, so a crash mid-rebuild leaves
the previous generation live and intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings

from .schema import SCHEMA_VERSION, build_schema, register_analyzers

META_FILE = "readingroom.json"
CHECKSUMS_FILE = "checksums.json"
# Files Tantivy rewrites in place or that are ours: not covered by the checksums.
_UNCHECKED = {META_FILE, CHECKSUMS_FILE, "meta.json", ".managed.json", ".tantivy-meta.lock",
              ".tantivy-writer.lock"}


class IndexUnavailable(Exception):
    """The index cannot answer now; search says so and the rest of the site goes on without it."""


class IndexMissing(IndexUnavailable):
    """No usable index: it was never built, or its schema version is not this code's."""


class IndexDamaged(IndexUnavailable):
    """The index's files are unreadable or the binding failed on them: rebuild (`readingroom index --check`)."""


def is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into PanicException, a BaseException: `except Exception` never sees it,
    # and a request thread that dies of it leaves the client waiting for ever.
    return type(exc).__name__ == "PanicException"


def _is_binding_failure(exc: BaseException, query_errors: bool) -> bool:
    if is_panic(exc):
        return True
    if query_errors and isinstance(exc, ValueError):
        return False  # Tantivy refusing the reader's query: the caller says so to the reader
    return isinstance(exc, OSError | ValueError | RuntimeError)


@contextmanager
def guarded(what: str, ask_repair: bool = True, query_errors: bool = False) -> Iterator[None]:
    """Run index code; a panic of the binding or an unreadable file becomes IndexDamaged, whose message
    says what failed and how (callers that go on without the index log it). With `query_errors`, a
    ValueError (how the binding refuses a query) is left to the caller. Opening and reloading the index
    are guarded on their own, so damage found there is IndexDamaged whatever this says."""
    try:
        yield
    except IndexUnavailable:
        raise
    except BaseException as exc:
        if not _is_binding_failure(exc, query_errors):
            raise
        cause = " ".join(str(exc).split())[:300]
        if ask_repair:
            request_repair()
        raise IndexDamaged(f"the search index failed while {what}: {type(exc).__name__}: {cause}") from exc


class WriterBusy(Exception):
    """Another writer holds the lock."""


def index_root() -> Path:
    return Path(settings.READINGROOM_INDEX_DIR)


def current_generation() -> Path | None:
    pointer = index_root() / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = index_root() / name
    return path if name and (path / META_FILE).is_file() else None


def read_meta(path: Path) -> dict:
    try:
        return json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def index_version() -> int | None:
    gen = current_generation()
    return read_meta(gen).get("schema_version") if gen else None


def new_generation() -> Path:
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


PUBLIC_DIR = "public"


def create_index(path: Path) -> tantivy.Index:
    index = tantivy.Index(build_schema(), path=str(path), reuse=False)
    register_analyzers(index)
    return index


def create_indexes(path: Path) -> tuple[tantivy.Index, tantivy.Index]:
    """A generation's two indexes: the withheld records, and the public ones."""
    (path / PUBLIC_DIR).mkdir()
    return create_index(path), create_index(path / PUBLIC_DIR)


def write_meta(path: Path, **extra) -> None:
    meta = {"schema_version": SCHEMA_VERSION, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **extra}
    tmp = path / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, path / META_FILE)


def publish(path: Path) -> None:
    """Make `path` the live generation, atomically; then remove older generations."""
    root = index_root()
    tmp = root / "CURRENT.tmp"
    tmp.write_text(path.name, encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / "CURRENT")
    for old in root.glob("gen-*"):
        if old != path and old.is_dir():
            # Readers holding the old files keep them open (POSIX); new readers open the new generation.
            shutil.rmtree(old, ignore_errors=True)


def discard(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@contextmanager
def writer_lock(wait: bool = True) -> Iterator[None]:
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "writer.lock", "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise WriterBusy("another index writer is running") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def open_for_writing() -> tuple[tantivy.Index, tantivy.Index]:
    """The live generation's two indexes: the withheld records, and the public ones."""
    gen = current_generation()
    if gen is None or read_meta(gen).get("schema_version") != SCHEMA_VERSION:
        raise IndexMissing("no index of the current schema: run `readingroom index --rebuild`")
    with guarded("opening the index for writing"):
        indexes = tantivy.Index.open(str(gen)), tantivy.Index.open(str(gen / PUBLIC_DIR))
        for index in indexes:
            register_analyzers(index)
    return indexes


REPAIR_FILE = "REPAIR"


def request_repair() -> None:
    """Ask the index writer to verify the index (a reader must not write it, but may leave this note)."""
    with contextlib.suppress(OSError):  # no index directory: nothing to repair
        (index_root() / REPAIR_FILE).touch()


def repair_requested() -> bool:
    return (index_root() / REPAIR_FILE).exists()


def repair_done() -> None:
    (index_root() / REPAIR_FILE).unlink(missing_ok=True)


def _file_sums(path: Path, known: dict[str, list[int]]) -> dict[str, list[int]]:
    """[size, crc32] of each index file. Tantivy never rewrites a segment file, so one already summed
    under the same name and size keeps its sum: after an incremental commit only new files are read."""
    sums: dict[str, list[int]] = {}
    entries = [(entry.name, entry) for entry in os.scandir(path)]
    if (path / PUBLIC_DIR).is_dir():
        entries += [(f"{PUBLIC_DIR}/{entry.name}", entry) for entry in os.scandir(path / PUBLIC_DIR)]
    for name, entry in entries:
        if not entry.is_file() or entry.name in _UNCHECKED or entry.name.endswith(".tmp"):
            continue
        size = entry.stat().st_size
        if name in known and known[name][0] == size:
            sums[name] = known[name]
            continue
        crc = 0
        with open(entry.path, "rb") as fh:
            while block := fh.read(1 << 20):
                crc = zlib.crc32(block, crc)
        sums[name] = [size, crc]
    return sums


def _read_sums(path: Path) -> dict[str, list[int]] | None:
    try:
        return json.loads((path / CHECKSUMS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def record_checksums(path: Path) -> None:
    """Remember the generation's files as they are after a commit, for `verify`."""
    sums = _file_sums(path, _read_sums(path) or {})
    tmp = path / (CHECKSUMS_FILE + ".tmp")
    tmp.write_text(json.dumps(sums), encoding="utf-8")
    os.replace(tmp, path / CHECKSUMS_FILE)


def verify(path: Path | None = None) -> list[str]:
    """What is wrong with the live generation's files: an empty list when every file the last commit
    left is there, whole and unchanged, and Tantivy can open and read it."""
    path = path or current_generation()
    if path is None:
        return ["there is no index"]
    problems: list[str] = []
    recorded = _read_sums(path)
    if recorded is None:
        problems.append(f"{CHECKSUMS_FILE} is missing or unreadable")
    else:
        found = _file_sums(path, {})
        for name, (size, crc) in recorded.items():
            if name not in found:
                problems.append(f"{name} is missing")
            elif found[name][0] != size:
                problems.append(f"{name} has {found[name][0]} bytes, not {size}")
            elif found[name][1] != crc:
                problems.append(f"{name} does not match its checksum")
    try:
        with guarded("verifying the index", ask_repair=False):
            for where in (path, path / PUBLIC_DIR):
                index = tantivy.Index.open(str(where))
                register_analyzers(index)
                index.searcher().search(tantivy.Query.all_query(), limit=1, count=True)
    except IndexDamaged as exc:
        problems.append(str(exc).replace("the search index failed while verifying the index", "Tantivy cannot read it"))
    return problems


# The reader: the live generation's two indexes opened once per process. Before each search a stat of
# CURRENT and of the index's Tantivy meta.json (a few microseconds) tells whether a rebuild or a commit
# happened since; only then is the pointer read again or the index reloaded (the reload alone cost 0.1 ms
# per search). Opening reads only metadata and never takes the writer's lock.
@dataclass
class _Reader:
    pointer: tuple | None = None  # CURRENT's stamp when it was last read
    path: str = ""  # the generation opened
    indexes: dict[bool, tantivy.Index] | None = None  # True: the public index; False: the withheld records
    commits: dict[bool, tuple | None] | None = None  # each index's meta.json stamp at its last reload


_reader = _Reader()
_reader_lock = threading.Lock()


def _stamp(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    # Both files are replaced by rename on every change: a new inode as well as a new time.
    return str(path), st.st_ino, st.st_mtime_ns, st.st_size


def commit_stamp(public: bool = False) -> str:
    """Changes whenever a reader opening the index now would see other contents: a rebuild (CURRENT) or
    a commit (the indexes' meta.json, replaced by rename): the public index's, and for staff (`public`
    False) the withheld records' too. A read and a stat or two, for cache keys of results computed from
    the index; without an index, a stamp that an index's arrival changes."""
    root = index_root()
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return "no-index"
    parts = [name]
    for where in (root / name / PUBLIC_DIR,) if public else (root / name / PUBLIC_DIR, root / name):
        commit = _stamp(where / "meta.json")
        parts.append(f"{commit[1]}:{commit[2]}:{commit[3]}" if commit else "-")
    return ":".join(parts)


def open_for_reading(public: bool) -> tantivy.Index:
    """The index of what the public may see (`public`), or of the records withheld from it."""
    pointer = _stamp(index_root() / "CURRENT")
    with _reader_lock:
        reader = _reader
        if pointer is None or pointer != reader.pointer:
            gen = current_generation()
            if gen is None:
                raise IndexMissing("the search index has not been built yet: run `readingroom index`")
            if read_meta(gen).get("schema_version") != SCHEMA_VERSION:
                raise IndexMissing("the search index is from another version: run `readingroom index --if-needed`")
            if str(gen) != reader.path or reader.indexes is None:
                reader.indexes, reader.path = None, ""
                with guarded("opening the index"):
                    indexes = {False: tantivy.Index.open(str(gen)), True: tantivy.Index.open(str(gen / PUBLIC_DIR))}
                    for index in indexes.values():
                        register_analyzers(index)
                reader.indexes, reader.path = indexes, str(gen)
            reader.pointer, reader.commits = pointer, {False: None, True: None}
        where = Path(reader.path) / PUBLIC_DIR if public else Path(reader.path)
        commit = _stamp(where / "meta.json")
        if commit is None or commit != reader.commits[public]:
            with guarded("reloading the index"):
                reader.indexes[public].reload()
            reader.commits[public] = commit
        return reader.indexes[public]
