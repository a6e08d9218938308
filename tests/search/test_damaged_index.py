"""A damaged index file, as a user meets it: in fresh processes (Tantivy memory-maps its files, so a file
truncated under this test's own reader would kill the test run with SIGBUS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run_cli

# On PostgreSQL each test's processes store into a database of their own, as each data directory does.
pytestmark = pytest.mark.usefixtures("process_database")


def _public_index(data: Path) -> Path:
    """The live generation's public index (the sample records are all public: the other index is empty)."""
    index = data / "index"
    return index / (index / "CURRENT").read_text().strip() / "public"


@pytest.mark.parametrize("damage", ["truncate", "garble-meta", "delete"])
def test_search_says_so_and_check_rebuilds(tmp_path, damage):
    from readingroom.cli import sample_data_dir

    data = tmp_path / "data"
    imported = run_cli(data, "import", str(sample_data_dir() / "records"))
    assert imported.returncode == 0, imported.stderr
    before = run_cli(data, "search", "Harriman")
    assert before.returncode == 0 and "1 record for 'Harriman'" in before.stdout
    generation = _public_index(data)
    segment = max((p for p in generation.iterdir() if p.suffix in {".idx", ".store", ".term", ".pos"}),
                  key=lambda p: p.stat().st_size)
    if damage == "truncate":
        with open(segment, "r+b") as fh:
            fh.truncate(segment.stat().st_size // 3)
    elif damage == "delete":
        segment.unlink()
    else:
        (generation / "meta.json").write_text('{"segments": [', encoding="utf-8")

    broken = run_cli(data, "search", "Harriman")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "being repaired" in broken.stderr and len(broken.stderr.strip().splitlines()) <= 2
    # pages that do not need the index, in another process, go on (the document page renders)
    shown = run_cli(data, "show", "frus1944Quebec/d121")
    assert shown.returncode == 0

    checked = run_cli(data, "index", "--check")
    assert checked.returncode == 0, checked.stderr
    assert "damaged" in checked.stdout and "rebuilt" in checked.stdout
    again = run_cli(data, "search", "Harriman")
    assert again.returncode == 0 and again.stdout == before.stdout
    clean = run_cli(data, "index", "--check")
    assert "damaged" not in clean.stdout and "rebuilt" not in clean.stdout
