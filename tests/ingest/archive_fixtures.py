"""A varied archive made through the real command line, for the export, backup and restore tests: the
sample records (archive page, FRUS, scans, UDHR texts), then, through the ORM as staff would, a staff-only
record, an embargoed one, a name variant, coordinates, a staff relation and a theme with a section and a
cover."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "src" / "readingroom" / "sample_data"


def cli_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # these archives are SQLite files unless a test names a database
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_cli(data_dir: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readingroom.cli", *args], capture_output=True, text=True,
                          env=cli_env(data_dir, database_url), timeout=600, cwd=data_dir.parent)


def run_django(data_dir: Path, code: str, database_url: str | None = None) -> str:
    """Run Python with Django set up on that data directory (staff's edits, as the admin makes them)."""
    prelude = "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'readingroom.settings'\ndjango.setup()\n"
    result = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True,
                            env=cli_env(data_dir, database_url), timeout=300, cwd=data_dir.parent)
    assert result.returncode == 0, result.stderr
    return result.stdout


STAFF_EDITS = """
import datetime as dt
from decimal import Decimal
from readingroom.catalog.models import Authority, NameVariant, Page, Record
from readingroom.catalog.relations import Relation
from readingroom.catalog.themes import Theme, ThemeEntry, ThemeSection

Record.objects.filter(public_id="udhr-article-3").update(access_level="staff")
record = Record.objects.get(public_id="udhr-article-26")
record.access_level, record.embargo_until = "embargoed", dt.date(2099, 1, 1)
record.save()
place = Authority.objects.filter(kind="place", record_links__isnull=False).order_by("identifier").first()
NameVariant.objects.create(authority=place, name="Variant for the round trip", language="de", note="German")
place.latitude, place.longitude, place.coordinates_source = Decimal("52.22977"), Decimal("21.01178"), "entered by staff"
place.save()
Relation.objects.create(source=Record.objects.get(public_id="209771-typed-scan"),
                        target=Record.objects.get(public_id="209771"), kind="draft_of", note="the typed copy")
theme = Theme.objects.create(title="A theme", slug="a-theme", overview="*Two* records", published=True,
                             cover_page=Page.objects.order_by("pk").first(), cover_alt="page 1")
section = ThemeSection.objects.create(theme=theme, title="First", intro="The start", position=1)
ThemeEntry.objects.create(theme=theme, record=Record.objects.get(public_id="209771"), section=section,
                          position=1, note="a note")
ThemeEntry.objects.create(theme=theme, record=Record.objects.get(public_id="udhr-article-3"), position=2)
"""


def build_archive(data_dir: Path, extra: list[Path] = ()) -> None:
    imported = run_cli(data_dir, "import", *(str(SAMPLES / name) for name in ("records", "scans", "udhr")),
                       *map(str, extra))
    assert imported.returncode == 0, imported.stderr
    run_django(data_dir, STAFF_EDITS)


def export(data_dir: Path, target: Path, database_url: str | None = None) -> str:
    result = run_cli(data_dir, "export", "-o", str(target), database_url=database_url)
    assert result.returncode == 0, result.stderr
    return target.read_text(encoding="utf-8")
