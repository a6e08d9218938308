"""Text-only sidecars through `readingroom import` as a user runs it: one line per bad text, exit codes,
and search following the import, a re-import and a restriction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run_cli

# On PostgreSQL each test's processes store into a database of their own, as each data directory does.
pytestmark = pytest.mark.usefixtures("process_database")

RU = "Каждый человек имеет право на образование."
RU_EDITED = "Каждый человек имеет право на просвещение."


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "ru.txt").write_text(RU, encoding="utf-8")
    (folder / "en.txt").write_text("Everyone has the right to education.", encoding="utf-8")
    (folder / "fr.txt").write_bytes("Toute personne a droit à l'éducation.".encode("latin-1"))
    (folder / "secret.txt").write_text("Совершенно секретная телеграмма о переговорах.", encoding="utf-8")
    (folder / "sidecar.json").write_text(json.dumps([
        {"id": "t-art26", "title": "Article 26", "date": "1948-12-10", "transcript_file": "ru.txt",
         "transcript_language": "ru", "translations": [{"language": "en", "file": "en.txt"},
                                                       {"language": "fr", "file": "fr.txt"}]},
        {"id": "t-staff", "title": "Restricted", "access": "staff", "transcript_file": "secret.txt",
         "transcript_language": "ru"},
    ]), encoding="utf-8")
    return folder


def test_import_warns_in_one_line_and_search_follows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _folder(tmp_path)
    result = run_cli(data, "import", str(folder))
    # A skipped translation is a warning (the record imported): exit 0, as for other warnings.
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert warnings == [f"warning {folder / 'sidecar.json'}: record 1 (t-art26): translations[2]: fr.txt: not UTF-8 "
                        "text (first bad byte at line 1, offset 23); this translation was skipped, the rest of the "
                        "record imported"]
    assert "1 file: 2 imported, 0 updated, 0 unchanged, 0 failed, 1 warnings" in result.stdout

    found = run_cli(data, "search", "образование")
    assert found.returncode == 0 and "t-art26" in found.stdout, found.stdout
    # The restricted record's text reaches no public search, only the staff view.
    assert "t-staff" not in run_cli(data, "search", "телеграмма").stdout
    assert "t-staff" in run_cli(data, "search", "--all", "телеграмма").stdout

    # Day two: the transcript edited; the index follows the re-import.
    (folder / "ru.txt").write_text(RU_EDITED, encoding="utf-8")
    again = run_cli(data, "import", str(folder))
    assert again.returncode == 0 and "0 imported, 1 updated, 1 unchanged" in again.stdout, again.stdout
    assert "t-art26" in run_cli(data, "search", "просвещение").stdout
    assert "t-art26" not in run_cli(data, "search", "образование").stdout
    assert "t-art26" in run_cli(data, "search", "education").stdout  # the English translation, still there

    # A record with nothing importable fails the import (exit 1), one line, and the others are kept.
    records = json.loads((folder / "sidecar.json").read_text(encoding="utf-8"))
    records.append({"id": "t-empty", "title": "Empty", "translations": [{"language": "zz", "file": "en.txt"}]})
    (folder / "sidecar.json").write_text(json.dumps(records), encoding="utf-8")
    failed = run_cli(data, "import", str(folder))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert (f"error {folder / 'sidecar.json'}: record 3 (t-empty): nothing to import, the record was not stored: "
            "translations[1] (en.txt): unknown language 'zz'") in failed.stderr
    assert "0 imported, 0 updated, 2 unchanged, 1 failed" in failed.stdout
