"""Shared test set-up: each test gets its own data directory (media, search index), and the real
data in ../shared is reached through `shared_dir`, which skips with a reason where it is absent."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: speed is measured in benchmarks/, and a loaded CI machine made a 200 ms
# deadline fail a date comparison that is right. Bounds that are the product's own (a public request
# within 2 s) are asserted by the tests that state them.
hypothesis_settings.register_profile("readingroom", deadline=None)
hypothesis_settings.load_profile("readingroom")

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip naming what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (../shared lies beside the clone in CI)")
    return path


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


RUN_DATABASE_URL = os.environ.get("DATABASE_URL", "")


def on_postgresql() -> bool:
    """Whether this run's database is PostgreSQL (scripts/test.sh runs the suite a second time so)."""
    return RUN_DATABASE_URL.startswith(("postgres://", "postgresql://"))


def _server_connection(url: str):
    import psycopg

    # CREATE/DROP DATABASE cannot run inside a transaction.
    return psycopg.connect(url, autocommit=True)


@contextmanager
def fresh_database() -> Iterator[str | None]:
    """On PostgreSQL, the URL of a new empty database on this run's server, dropped afterwards; on SQLite
    None (a new data directory's file is already fresh)."""
    if not on_postgresql():
        yield None
        return
    base = RUN_DATABASE_URL
    name = f"rr_process_{uuid.uuid4().hex[:12]}"
    with _server_connection(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(base)._replace(path=f"/{name}").geturl()
    finally:
        with _server_connection(base) as conn:
            # FORCE: a server the test killed may leave a connection behind for a moment.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def own_process_database() -> Iterator[str | None]:
    """The database that processes a test starts (the CLI, a server, a worker) store into, fresh as a new
    data directory's SQLite file is: on PostgreSQL a `fresh_database`, named in DATABASE_URL for the
    children while this lasts; on SQLite None (the file lies in the data directory)."""
    with fresh_database() as url:
        if url is None:
            yield None
            return
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DATABASE_URL", url)
            yield url


@pytest.fixture(autouse=True)
def no_shared_process_database(monkeypatch) -> None:
    """On PostgreSQL, a process a test starts without `process_database` would share the run's database
    with every other such test and see their leftovers; it gets a database that does not exist instead,
    and fails naming the fixture to use."""
    if on_postgresql():
        missing = urlsplit(RUN_DATABASE_URL)._replace(path="/use_the_process_database_fixture").geturl()
        monkeypatch.setenv("DATABASE_URL", missing)


@pytest.fixture(autouse=True)
def english_after_each_test() -> Iterator[None]:
    """A request in Russian or Chinese leaves its language active in the thread (the locale middleware
    activates, nothing deactivates): the next test would read its pages in that language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def process_database() -> Iterator[str | None]:
    with own_process_database() as url:
        yield url


def process_db_connection(data_dir: Path, url: str | None = None):
    """A DB-API connection to what a test's processes stored: the data directory's SQLite file, or on
    PostgreSQL `url` (by default the database `process_database` named in DATABASE_URL)."""
    if on_postgresql():
        import psycopg

        return psycopg.connect(url or os.environ["DATABASE_URL"])
    import sqlite3

    return sqlite3.connect(data_dir / "readingroom.sqlite3")


@pytest.fixture
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, settings) -> Path:
    data = tmp_path / "data"
    (data / "media").mkdir(parents=True)
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    settings.READINGROOM_INDEX_DIR = data / "index"
    settings.READINGROOM_IIIF_CACHE_DIR = data / "cache" / "iiif"
    settings.READINGROOM_BASE_URL = "http://testserver"
    return data


@pytest.fixture
def archive(db):
    """The sample archive (tests/builders.py), imported inside the test's transaction (rolled back after)."""
    from tests import builders

    return builders.sample_archive()


@pytest.fixture
def live_archive(transactional_db):
    """The sample archive committed for real: for a live server and a browser (they read it from other
    threads and connections), and for what acts when a transaction commits (the public counts)."""
    from tests import builders

    return builders.sample_archive()


@pytest.fixture
def indexed_archive(archive):
    """`archive` with its search index built (the search page and its twin answer from the real index)."""
    from readingroom import search

    search.rebuild()
    return archive


@pytest.fixture
def indexed_live_archive(live_archive):
    from readingroom import search

    search.rebuild()
    return live_archive


@pytest.fixture
def editor(db, django_user_model):
    """A signed-in client of a staff member (not a superuser): what an archivist correcting texts uses."""
    from django.test import Client

    django_user_model.objects.create_user("editor", "editor@example.org", "a-long-password", is_staff=True)
    client = Client()
    assert client.login(username="editor", password="a-long-password")
    return client
