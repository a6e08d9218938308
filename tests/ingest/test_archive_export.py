"""`readingroom export` read back by `readingroom import`: every field, content, authority, collection,
access setting, relation and theme, so that the export of the imported archive is the same file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.builders import build_archive, export, run_cli, run_django


def test_export_imports_into_an_empty_archive_and_exports_the_same(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    build_archive(first)  # the sample FRUS excerpt is the one in ../shared/frus
    exported = export(first, tmp_path / "first.jsonl")
    lines = [json.loads(line) for line in exported.splitlines()]
    records = {line["id"]: line for line in lines if "id" in line}
    # What the archive holds is in the file: restricted records with their access, the staff's edits.
    assert records["udhr-article-3"]["access_level"] == "staff"
    assert (records["udhr-article-26"]["access_level"], records["udhr-article-26"]["embargo_until"]) == ("embargoed", "2099-01-01")
    assert records["209771-typed-scan"]["archive"]["relations"] == [
        {"target": "209771", "kind": "draft_of", "note": "the typed copy", "origin": "staff"}]
    assert any(a["latitude"] == "52.22977" and {"name": "Variant for the round trip", "language": "de", "note": "German"}
               in a["variants"] for r in records.values() for a in r["archive"]["authorities"])
    assert any(c["footnotes"] and c["page_breaks"] for r in records.values() for c in r["archive"]["contents"])
    assert [line["theme"]["slug"] for line in lines if "theme" in line] == ["a-theme"]

    imported = run_cli(second, "import", str(tmp_path / "first.jsonl"))
    assert imported.returncode == 0, imported.stderr
    assert f"1 file: {len(records)} imported, 0 updated, 0 unchanged, 0 failed" in imported.stdout
    assert export(second, tmp_path / "second.jsonl") == exported

    # Day two: the same file again changes nothing; an edit in the first archive travels as one update.
    again = run_cli(second, "import", str(tmp_path / "first.jsonl"))
    assert f"0 imported, 0 updated, {len(records)} unchanged, 0 failed" in again.stdout, again.stdout
    run_django(first, "from readingroom.catalog.models import Record\n"
                      "r = Record.objects.get(public_id='209771'); r.title = 'Edited title'; r.access_level = 'staff'; r.save()")
    edited = export(first, tmp_path / "edited.jsonl")
    updated = run_cli(second, "import", str(tmp_path / "edited.jsonl"))
    assert f"0 imported, 1 updated, {len(records) - 1} unchanged, 0 failed" in updated.stdout, updated.stdout
    assert export(second, tmp_path / "second-again.jsonl") == edited
    # The restricted record is not found by the public after the import (the index heard of it).
    found = run_cli(second, "search", "Edited title")
    assert found.returncode == 0 and "209771 " not in found.stdout.replace("209771-", "")
    assert "Edited" in run_cli(second, "search", "--all", "Edited title").stdout  # staff find it: indexed


def test_bad_lines_are_reported_and_the_rest_imports(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert run_cli(first, "import", str(Path(__file__).resolve().parents[2] / "src/readingroom/sample_data/udhr")).returncode == 0
    lines = export(first, tmp_path / "good.jsonl").splitlines()
    broken = tmp_path / "broken.jsonl"
    damaged = json.loads(lines[1])
    damaged["archive"]["format"] = "something-else/9"
    escaping = json.loads(lines[2])
    escaping["archive"]["contents"][0]["pages"] = [{"position": 0, "image": "../../secret_key", "original_name": "",
                                                   "checksum": "", "width": None, "height": None, "dpi": None,
                                                   "text": "", "words": [], "confidence": None, "ocr_status": "done",
                                                   "ocr_engine": "", "ocr_settings": {}, "ocr_error": ""}]
    nul = json.loads(lines[3])
    nul["title"] = "NUL \x00 inside"  # PostgreSQL cannot store it: refused on every engine alike
    broken.write_text("\n".join([lines[0], json.dumps(damaged), "{not json", json.dumps(escaping), json.dumps(nul),
                                 *lines[4:]]) + "\n",
                      encoding="utf-8")
    result = run_cli(tmp_path / "second", "import", str(broken))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{broken}:2: not stored: not a record of a readingroom export" in result.stderr
    assert f"{broken}:3: not stored:" in result.stderr
    assert f"{broken}:4: not stored: page image '../../secret_key' is not a path inside the media folder" in result.stderr
    assert f"{broken}:5: not stored: a text holds a NUL character" in result.stderr
    assert f"{len(lines) - 3} imported, 0 updated, 0 unchanged, 4 failed" in result.stdout
