"""`readingroom authorities duplicates | merge | unmerge` as a user runs them: real processes on a real data
directory, one-line errors, a re-import in between."""

from __future__ import annotations

import json

import pytest

from tests.builders import VOLUMES, volume

from ..ingest.frus_fixtures import write
from ..test_cli import run_cli

# On PostgreSQL each test's processes store into a database of their own, as each data directory does.
pytestmark = pytest.mark.usefixtures("process_database")


@pytest.mark.slow
def test_duplicates_merge_and_unmerge_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    paths = [write(tmp_path / f"{name}.xml", volume(name)) for name in VOLUMES]
    assert run_cli(data, "import", *map(str, paths)).returncode == 0

    listed = run_cli(data, "authorities", "duplicates")
    assert listed.returncode == 0, listed.stderr
    assert "frus1944A-p_RFD1" in listed.stdout and "frus1944B-p_RFD1" in listed.stdout
    assert "5 groups of likely duplicates" in listed.stdout  # three persons and two terms, one per volume

    merged = run_cli(data, "authorities", "merge", "frus1944A-p_RFD1", "frus1944B-p_RFD1")
    assert merged.returncode == 0, merged.stderr
    assert "Merge #1: frus1944B-p_RFD1 into frus1944A-p_RFD1; 3 record links moved" in merged.stdout
    assert "Search index:" in merged.stdout
    assert "4 groups of likely duplicates" in run_cli(data, "authorities", "duplicates").stdout

    for args, message in [
        (("merge", "frus1944A-p_RFD1", "frus1944A-p_RFD1"), "an authority cannot be merged into itself"),
        (("merge", "frus1944A-p_HC1", "frus1944B-p_RFD1"), "frus1944B-p_RFD1 was already merged into frus1944A-p_RFD1"),
        (("merge", "frus1944A-p_RFD1", "place-hyde-park"),
         "place-hyde-park is a place and frus1944A-p_RFD1 a person: only authorities of one kind can be merged"),
        (("merge", "frus1944A-p_RFD1", "nobody"), "no authority with identifier 'nobody'"),
        (("unmerge", "7"), "no merge with id 7"),
        (("unmerge", "#1"), "'#1' is not a merge number (merge printed it, e.g. 'Merge #12')"),
        (("duplicates", "--kind", "people"), "unknown kind 'people' (known: person, place, organization, subject)"),
    ]:
        result = run_cli(data, "authorities", *args)
        assert result.returncode == 1, args
        assert result.stderr.strip() == f"readingroom: error: {message}", args
    # A re-import after the merge, one document changed: the merged one stays merged.
    write(paths[1], volume(VOLUMES[1], changed=2))
    assert "1 updated" in run_cli(data, "import", *map(str, paths)).stdout
    exported = [json.loads(line) for line in run_cli(data, "export").stdout.splitlines()]
    authors = {a["id"] for r in exported for a in r.get("authorities", []) if a.get("role") == "author"}
    assert authors == {"frus1944A-p_RFD1"}

    undone = run_cli(data, "authorities", "unmerge", "1")
    assert undone.returncode == 0, undone.stderr
    assert "Merge #1 undone: frus1944B-p_RFD1 and frus1944A-p_RFD1 are separate again" in undone.stdout
    again = run_cli(data, "authorities", "unmerge", "1")
    assert again.returncode == 1 and "was already undone" in again.stderr and "Traceback" not in again.stderr
