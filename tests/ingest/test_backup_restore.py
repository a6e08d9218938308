"""`readingroom backup` and `restore` as an operator runs them: real processes, real files; and
`migrate-to` into a real PostgreSQL server where the test command provides one."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from readingroom.catalog import migrations as catalog_migrations
from tests.builders import build_archive, cli_env, export, run_cli, run_django
from tests.conftest import fresh_database, on_postgresql


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory) -> tuple[Path, Path, str]:
    """A varied archive, its backup and its export (built once: the tests below only read them)."""
    root = tmp_path_factory.mktemp("backup")
    data = root / "data"
    build_archive(data)
    assert run_cli(data, "index", "--rebuild").returncode == 0
    result = run_cli(data, "backup", str(root / "archive.tar"))
    assert result.returncode == 0, result.stderr
    assert "Backup " in result.stdout and "media files" in result.stdout
    return data, root / "archive.tar", export(data, root / "before.jsonl")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_elsewhere_gives_the_same_archive(backed_up, tmp_path: Path) -> None:
    data, backup, before = backed_up
    with tarfile.open(backup) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    # The snapshot, the originals, the manifest; nothing derived.
    assert names[-1] == "manifest.json" and "database/readingroom.sqlite3" in names
    assert not [n for n in names if n.startswith(("index", "cache", "media/cache"))]
    assert {"readingroom", "python", "django", "engine", "migrations"} <= set(manifest["versions"])
    latest = max(p.stem for p in (Path(catalog_migrations.__file__).parent).glob("0*.py"))
    assert manifest["versions"]["migrations"]["catalog"] == latest  # the newest migration the code has

    restored = tmp_path / "restored"
    result = run_cli(restored, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "every checksum verified" in result.stdout and "indexed" in result.stdout
    assert export(restored, tmp_path / "after.jsonl") == before
    originals = sorted((restored / "media" / "originals").rglob("*.*"))
    assert len(originals) == 2 and all(_sha256(p) == p.parent.name for p in originals)
    # The rebuilt index answers, and keeps the staff-only record from the public.
    assert "209771" in run_cli(restored, "search", "Harriman").stdout
    assert "udhr-article-3 " not in run_cli(restored, "search", "liberty").stdout
    assert "udhr-article-3 " in run_cli(restored, "search", "--all", "liberty").stdout

    # The public counts were counted afresh and agree with a recount; drift is named and repaired.
    assert "Counts in step" in run_cli(restored, "counts", "--check").stdout
    run_django(restored, "from readingroom.catalog.models import PublicCount\n"
                         "PublicCount.objects.filter(dimension='m').update(records=999)")
    drifted = run_cli(restored, "counts", "--check")
    assert drifted.returncode == 1 and "drift m:" in drifted.stdout and "kept 999" in drifted.stdout
    assert "out of step" in drifted.stderr and "Traceback" not in drifted.stderr
    assert "Counts rebuilt" in run_cli(restored, "counts", "--rebuild").stdout
    assert run_cli(restored, "counts", "--check").returncode == 0

    # Day two: an edit in the restored archive, then a backup of it restored again, holds the edit.
    run_django(restored, "from readingroom.catalog.models import Record\n"
                         "r = Record.objects.get(public_id='209771'); r.title = 'After the restore'; r.save()")
    assert run_cli(restored, "backup", str(tmp_path / "second.tar")).returncode == 0
    third = tmp_path / "third"
    assert run_cli(third, "restore", str(tmp_path / "second.tar")).returncode == 0
    assert "After the restore" in run_cli(third, "show", "209771").stdout


def _unchanged(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*")) if path.exists() else []


def test_restore_over_an_archive_is_refused(backed_up) -> None:
    data, backup, before = backed_up
    listing = _unchanged(data)
    result = run_cli(data, "restore", str(backup))
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"readingroom: error: {data} is not empty")
    assert len(result.stderr.strip().splitlines()) == 1
    assert _unchanged(data) == listing


def test_truncated_and_tampered_backups_are_refused_before_writing(backed_up, tmp_path: Path) -> None:
    _data, backup, _before = backed_up
    raw = backup.read_bytes()
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(raw[: len(raw) // 2])
    # One byte changed inside the last page image (a member's data, so the tar itself stays readable).
    with tarfile.open(backup) as tar:
        member = [m for m in tar.getmembers() if m.name.startswith("media/")][-1]
    tampered = tmp_path / "tampered.tar"
    changed = bytearray(raw)
    changed[member.offset_data + 100] ^= 0xFF
    tampered.write_bytes(bytes(changed))
    for path, message in [(truncated, "damaged or truncated backup"),
                          (tampered, f"checksum mismatch for {member.name}")]:
        target = tmp_path / f"into-{path.stem}"
        result = run_cli(target, "restore", str(path))
        assert result.returncode == 1, result.stdout
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not target.exists()  # nothing written, not even the folder
    missing = run_cli(tmp_path / "x", "restore", str(tmp_path / "nope.tar"))
    assert missing.returncode == 1 and "no backup file" in missing.stderr


WRITER = """
import itertools, sys
from django.db import transaction
from readingroom.catalog.models import Record
ids = ["209771", "udhr-article-1"]
print("ready", flush=True)
for n in itertools.count():
    with transaction.atomic():
        for public_id in ids:
            r = Record.objects.get(public_id=public_id); r.title = f"Round {n}"; r.save()
"""


def test_a_backup_taken_while_records_change_is_consistent(backed_up, tmp_path: Path) -> None:
    source, backup, _before = backed_up
    data = tmp_path / "live"
    assert run_cli(data, "restore", str(backup)).returncode == 0
    prelude = "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'readingroom.settings'\ndjango.setup()\n"
    writer = subprocess.Popen([sys.executable, "-c", prelude + WRITER], env=cli_env(data), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(1)
        result = run_cli(data, "backup", str(tmp_path / "live.tar"))
        assert result.returncode == 0, result.stderr
        assert writer.poll() is None  # the writer went on through the backup
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    restored = tmp_path / "restored"
    assert run_cli(restored, "restore", str(tmp_path / "live.tar")).returncode == 0
    titles = run_django(restored, "from readingroom.catalog.models import Record\n"
                                  "print(sorted(set(Record.objects.filter(public_id__in=['209771', 'udhr-article-1'])"
                                  ".values_list('title', flat=True))))")
    # Both records of one transaction: the same round, never half of one.
    rounds = eval(titles)  # noqa: S307 (our own printed list)
    assert len(rounds) == 1 and rounds[0].startswith("Round "), titles


def test_migrate_to_postgresql_and_restore_across_engines(backed_up, tmp_path: Path) -> None:
    if not on_postgresql():
        pytest.skip("no PostgreSQL server: scripts/test.sh runs the suite again with DATABASE_URL set to a throw-away one")
    data, backup, before = backed_up
    with fresh_database() as moved, fresh_database() as restored_db, fresh_database() as pg_again:
        result = run_cli(data, "migrate-to", moved)
        assert result.returncode == 0, result.stderr
        assert "Migrated" in result.stdout
        again = run_cli(data, "migrate-to", moved)
        assert again.returncode == 1 and "already has tables" in again.stderr
        assert run_cli(data, "index", "--rebuild", database_url=moved).returncode == 0
        assert export(data, tmp_path / "moved.jsonl", database_url=moved) == before
        assert run_cli(data, "counts", "--check", database_url=moved).returncode == 0  # the counts came too
        assert "209771" in run_cli(data, "search", "Harriman", database_url=moved).stdout

        # A SQLite backup restored into PostgreSQL: the same archive again.
        target = tmp_path / "pg-restored"
        result = run_cli(target, "restore", str(backup), database_url=restored_db)
        assert result.returncode == 0, result.stderr
        assert export(target, tmp_path / "restored.jsonl", database_url=restored_db) == before
        assert run_cli(target, "counts", "--check", database_url=restored_db).returncode == 0
        # And a backup of PostgreSQL (pg_dump) restored into another empty PostgreSQL database.
        assert run_cli(target, "backup", str(tmp_path / "pg.tar"), database_url=restored_db).returncode == 0
        result = run_cli(tmp_path / "pg-again", "restore", str(tmp_path / "pg.tar"), database_url=pg_again)
        assert result.returncode == 0, result.stderr
        assert export(tmp_path / "pg-again", tmp_path / "pg-again.jsonl", database_url=pg_again) == before
