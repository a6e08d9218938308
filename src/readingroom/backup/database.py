"""The database part of a backup: a consistent snapshot while the server runs, and putting one back.

SQLite: the online backup API copies the database in one step, a read transaction that writers in WAL
mode go on beside. PostgreSQL: pg_dump (one snapshot of its own) and pg_restore. Between engines the rows
travel as Django's serialized data (dumpdata/loaddata), so every model's fields convert as Django stores
them."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class DatabaseStepError(Exception):
    """A snapshot or restore step that failed: one line for the user."""


def engine_of(db: dict) -> str:
    return SQLITE if db["ENGINE"].endswith("sqlite3") else POSTGRESQL


def postgres_url(db: dict) -> str:
    """A libpq URL for pg_dump/pg_restore (they take no Django settings)."""
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{'@' if auth else ''}{host}{port}/{quote(db.get('NAME') or '', safe='')}"


def snapshot(db: dict, target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns the engine's name."""
    if engine_of(db) == SQLITE:
        source = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, so one moment's state
        finally:
            copy.close()
            source.close()
        return SQLITE
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), postgres_url(db)],
         "pg_dump")
    return POSTGRESQL


def migrations_in_sqlite(path: Path) -> dict[str, str]:
    """The latest applied migration of each app in a SQLite snapshot."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
    finally:
        connection.close()
    return {app: name for app, name in rows}


def is_empty(db: dict) -> bool:
    """No tables yet (a PostgreSQL database to restore or migrate into); a SQLite file that is not there."""
    if engine_of(db) == SQLITE:
        path = Path(db["NAME"])
        return not path.exists() or path.stat().st_size == 0
    import psycopg

    with psycopg.connect(postgres_url(db)) as connection:
        return connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").fetchone()[0] == 0


def restore_native(engine: str, snapshot_file: Path, db: dict) -> None:
    """Put a snapshot back into an empty database of its own engine."""
    if engine == SQLITE:
        target = Path(db["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snapshot_file, target)
        return
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", postgres_url(db),
          str(snapshot_file)], "pg_restore")


def copy_rows(source_url: str, target_env: dict[str, str]) -> None:
    """Copy every row from the database at `source_url` into the (migrated, empty) one that `target_env`'s
    DATABASE_URL names: a process of its own, whose default database is the target."""
    # The child's environment: this one's (where DATABASE_URL names the source), with the target's over it.
    result = subprocess.run([sys.executable, "-m", "readingroom.backup.copy", source_url],
                            env={**os.environ, **target_env}, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
        raise DatabaseStepError(f"copying the rows failed: {lines[-1] if lines else 'exit ' + str(result.returncode)}")


def _run(command: list[str], name: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise DatabaseStepError(f"{name} is not installed (Debian: apt-get install postgresql-client)") from exc
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise DatabaseStepError(f"{name} failed: {lines[-1] if lines else 'exit ' + str(result.returncode)}")
