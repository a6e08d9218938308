"""Bad input gets one clear problem naming the file (and line), the rest imports, nothing is lost."""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from readingroom.catalog.models import Record
from readingroom.ingest.runner import run_import
from tests.builders import export_text, write_export


def problems_for(summary, path) -> list[str]:
    return [str(p) for p in summary.problems if p.source == str(path)]


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", tiny_png(), "binary file"),
        ("no-title.txt", export_text(title="").replace("\n\n\n", "\n\n").encode(), "missing title"),
        ("no-date.txt", export_text().replace("February 2, 1944\n", "\n", 1).encode(), "missing date"),
        ("bad-date.txt", export_text(date="Februar 31, 1944").encode(), "cannot read the date"),
        ("not-an-export.txt", b"Just some notes,\nwith no labels at all.\n", "not an archive page export"),
        ("bad-bytes.txt", export_text().encode("utf-8") + b"\x81\x8d\x90 broken", "neither UTF-8 nor cp1252"),
    ],
)
def test_bad_file_reports_and_others_still_import(tmp_path, name, content, expected):
    good_before = write_export(tmp_path, "a-good.txt", record_id="100")
    bad = tmp_path / name
    bad.write_bytes(content)
    good_after = write_export(tmp_path, "z-good.txt", record_id="200")

    summary = run_import([str(good_before), str(bad), str(good_after)])

    assert summary.counts["imported"] == 2
    assert summary.counts["failed"] == 1
    messages = problems_for(summary, bad)
    assert len(messages) == 1 and expected in messages[0], messages
    assert messages[0].startswith(str(bad))
    assert set(Record.objects.values_list("public_id", flat=True)) == {"100", "200"}


@pytest.mark.django_db
def test_error_names_the_line(tmp_path):
    bad = tmp_path / "bad-date.txt"
    bad.write_text(export_text(date="Someday 1944"))
    summary = run_import([str(bad)])
    assert str(summary.problems[0]).startswith(f"{bad}:2: ")


@pytest.mark.django_db
def test_cp1252_file_imports_and_says_so(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(export_text(summary="Harriman\u2019s report on the Ambassador\u2019s talk \u2013 in full.").encode("cp1252"))
    summary = run_import([str(path)])
    assert summary.counts["imported"] == 1
    assert any("read as cp1252" in str(p) and not p.fatal for p in summary.problems)
    assert Record.objects.get().summary == "Harriman\u2019s report on the Ambassador\u2019s talk \u2013 in full."


@pytest.mark.django_db
def test_huge_file_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    summary = run_import([str(huge)])
    assert summary.counts["failed"] == 1
    assert "too large" in str(summary.problems[0])


@pytest.mark.django_db
def test_missing_and_unreadable_paths(tmp_path):
    good = write_export(tmp_path, "good.txt")
    dangling = tmp_path / "link.txt"
    os.symlink(tmp_path / "gone.txt", dangling)
    summary = run_import([str(tmp_path / "nothing-here.txt"), str(dangling), str(tmp_path / "*.nomatch"), str(good)])
    assert summary.counts["imported"] == 1
    assert summary.counts["failed"] == 3
    text = "\n".join(map(str, summary.problems))
    assert "nothing-here.txt: no such file or folder" in text
    assert "link.txt: no such file or folder" in text
    assert "no file matches this pattern" in text


@pytest.mark.django_db
def test_bad_new_version_keeps_the_stored_record(tmp_path):
    path = write_export(tmp_path, "record.txt", summary="The good summary.")
    run_import([str(path)])
    path.write_text(export_text(summary="Broken.").replace("Citation:", "Citation").replace("Summary:", "Summary")
                    .replace("Contents:", "Contents").replace("Original Language:", "Language"))
    summary = run_import([str(path)])
    assert summary.counts["failed"] == 1
    record = Record.objects.get(public_id="209771")
    assert record.summary == "The good summary."
    assert record.contents.count() == 2


@pytest.mark.django_db
def test_over_long_field_is_refused_before_writing(tmp_path):
    bad = write_export(tmp_path, "long.txt", record_id="300", title="T" * 1200)
    good = write_export(tmp_path, "ok.txt", record_id="301")
    summary = run_import([str(bad), str(good)])
    assert summary.counts["failed"] == 1 and summary.counts["imported"] == 1
    assert "record 300 not stored: title" in str(summary.problems[0])
    assert not Record.objects.filter(public_id="300").exists()
