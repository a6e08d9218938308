"""`readingroom backup`, `restore` and `migrate-to`: the archive in one file, and moving it to another database."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from readingroom.backup import archive, database

from .app import app, console, django_settings, fail, open_archive, out, progress


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (a tar), e.g. readingroom-2026-01-31.tar")],
) -> None:
    """Back up the archive into one file: a consistent database snapshot (safe while the server runs), the
    originals and page images, and a manifest of checksums and versions. The search index and caches are
    left out: `restore` makes them again."""
    open_archive()
    from django.conf import settings
    from django.db.migrations.recorder import MigrationRecorder

    if file.exists() and file.is_dir():
        fail(f"{file} is a folder; give a file name")
    if not file.parent.is_dir():
        fail(f"cannot write {file}: no folder {file.parent}")
    db = settings.DATABASES["default"]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=file.parent, prefix=".readingroom-backup-") as scratch:
        snapshot = Path(scratch) / ("readingroom.sqlite3" if database.engine_of(db) == database.SQLITE
                                    else "readingroom.pgdump")
        try:
            engine = database.snapshot(db, snapshot)
        except (database.DatabaseStepError, OSError) as exc:
            fail(f"database snapshot failed: {exc}")
        if engine == database.SQLITE:
            migrations = database.migrations_in_sqlite(snapshot)
            records = _count_sqlite(snapshot)
        else:
            migrations = {}
            for app_label, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
                migrations[app_label] = name
            from readingroom.catalog.models import Record

            records = Record.objects.count()
        # Taken after the snapshot: every page it names was stored before it, so is here.
        media = list(archive.media_files(Path(settings.MEDIA_ROOT)))
        with progress() as bar:
            task = bar.add_task("Backing up", total=len(media) + 1, rate="")
            meta = {"created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "created_epoch": time.time(),
                    "records": records, "versions": archive.versions(engine, migrations)}
            try:
                written = archive.write(file, (f"database/{snapshot.name}", snapshot), media, meta,
                                        on_file=lambda _name: bar.advance(task))
            except OSError as exc:
                fail(f"cannot write {file}: {exc.strerror or exc}")
    out.print(f"Backup {file}: {records:,} records, the {engine} database and {written.files - 1:,} media files, "
              f"{written.bytes / 1e6:,.1f} MB, in {time.monotonic() - started:.1f} s", highlight=False)


def _count_sqlite(path: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM catalog_record").fetchone()[0]
    finally:
        connection.close()


def _data_dir_in_use(data_dir: Path) -> str | None:
    """Why the data directory is not empty, or None. Restoring never mixes two archives."""
    if not data_dir.exists():
        return None
    if not data_dir.is_dir():
        return f"{data_dir} is not a folder"
    entries = sorted(p.name for p in data_dir.iterdir())
    return f"{data_dir} is not empty (it holds {entries[0]}{' and more' if len(entries) > 1 else ''})" if entries else None


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A backup file that `readingroom backup` wrote")],
) -> None:
    """Restore a backup into an empty data directory (READINGROOM_DATA_DIR; with DATABASE_URL, into that
    empty PostgreSQL database), after checking every file's checksum; then rebuild the search index and
    the public counts."""
    # Before Django is set up: setting up would create the data directory's database and key.
    settings = django_settings()
    data_dir = Path(settings.DATA_DIR)
    db = settings.DATABASES["default"]
    if not file.is_file():
        fail(f"no backup file {file}")
    if problem := _data_dir_in_use(data_dir):
        fail(f"{problem}; restore into an empty data directory (set READINGROOM_DATA_DIR)")
    if database.engine_of(db) == database.POSTGRESQL and not _empty(db):
        fail("the database DATABASE_URL names already has tables; restore into an empty database")
    try:
        with progress() as bar:
            task = bar.add_task("Checking", total=None, rate="")
            manifest = archive.verify(file, on_file=lambda _name: bar.advance(task))
    except archive.BackupError as exc:
        fail(str(exc))
    engine = manifest["versions"]["engine"]
    target_engine = database.engine_of(db)
    if engine == database.POSTGRESQL and target_engine == database.SQLITE:
        fail("this backup holds a PostgreSQL database: restore it with DATABASE_URL set to an empty PostgreSQL database")
    names = [name for name in manifest["files"] if name.startswith("database/")]
    if len(names) != 1:
        fail(f"{file}: expected one database snapshot, found {len(names)}")
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=data_dir, prefix=".restore-"))
    try:
        with progress() as bar:
            task = bar.add_task("Restoring", total=len(manifest["files"]), rate="")
            archive.extract(file, manifest, {"database": scratch, "media": Path(settings.MEDIA_ROOT)},
                            on_file=lambda _name: bar.advance(task))
        snapshot = scratch / names[0].removeprefix("database/")
        if engine == target_engine:
            database.restore_native(engine, snapshot, db)
        else:  # a SQLite backup into PostgreSQL: the rows travel through Django
            database.copy_rows(f"sqlite:///{snapshot}", {})
    except (archive.BackupError, database.DatabaseStepError) as exc:
        fail(str(exc))
    finally:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    open_archive()  # a new secret key (backups hold none), and migrations newer than the backup's
    from readingroom import search

    with progress() as bar:
        task = bar.add_task("Indexing", total=search.record_count() or None, rate="")
        report = search.rebuild(on_progress=lambda n: bar.update(task, advance=n))
    from readingroom.catalog import counts

    counted = counts.rebuild()  # derived like the index: counted afresh, whatever the snapshot held
    out.print(f"Restored {file} into {data_dir}: {manifest.get('records', 0):,} records, "
              f"{len(manifest['files']) - 1:,} media files, every checksum verified; search index: {report.line()}; "
              f"public counts: {counted:,} records", highlight=False)


@app.command("migrate-to")
def migrate_to(
    url: Annotated[str, typer.Argument(help="The empty database to move to, e.g. postgres://user@host/readingroom")],
) -> None:
    """Copy the archive's database into another, empty one (e.g. from SQLite to PostgreSQL). The data
    directory's files stay where they are; afterwards set DATABASE_URL to the new one and run
    `readingroom index --rebuild`."""
    open_archive()
    import dj_database_url
    from django.conf import settings

    source = settings.DATABASES["default"]
    try:
        target = dj_database_url.parse(url)
    except Exception as exc:  # dj_database_url raises several kinds for a bad URL
        fail(f"not a database URL: {exc}")
    if target.get("ENGINE", "").endswith("sqlite3") and not target.get("NAME"):
        fail("give the new database's URL, e.g. postgres://user@host/readingroom")
    if {k: target.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")} == {k: source.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")}:
        fail("that is the database in use; give another one")
    if not _empty(target):
        fail("the target database already has tables; migrate into an empty database")
    from readingroom.catalog.models import Record

    records = Record.objects.count()
    with tempfile.TemporaryDirectory(prefix="readingroom-migrate-") as scratch:
        # From a snapshot, so a server running beside does not change the rows while they are copied.
        if database.engine_of(source) == database.SQLITE:
            snapshot = Path(scratch) / "snapshot.sqlite3"
            database.snapshot(source, snapshot)
            source_url = f"sqlite:///{snapshot}"
        else:
            source_url = _url_of(source)
        console.print(f"Copying {records:,} records and everything else to the new database...", highlight=False)
        try:
            database.copy_rows(source_url, {"DATABASE_URL": url})
        except database.DatabaseStepError as exc:
            fail(str(exc))
    out.print(f"Migrated {records:,} records to the new database. Set DATABASE_URL={_shown(url)} wherever readingroom "
              "runs, then `readingroom index --rebuild`.", highlight=False)


def _empty(db: dict) -> bool:
    try:
        return database.is_empty(db)
    except ImportError:
        fail("psycopg is not installed")
    except Exception as exc:  # a server that cannot be reached, a wrong password: one line
        fail(f"cannot reach the database at {db.get('HOST') or 'localhost'}: {str(exc).strip().splitlines()[0]}")
    return False


def _url_of(db: dict) -> str:
    return database.postgres_url(db).replace("postgresql://", "postgres://", 1)


def _shown(url: str) -> str:
    """The URL without its password, for printing."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
