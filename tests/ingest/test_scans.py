"""Scan folders with sidecars, single scan files, and every kind of bad page file, with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from readingroom.catalog.models import Content, Page, Record
from readingroom.catalog.text_versions import PageText
from readingroom.ingest.runner import run_import
from readingroom.ingest.scans import sha256_file, text_layer_problem
from tests.scan_fixtures import (
    SECOND_PAGE,
    TELEGRAM,
    bomb_png,
    encrypted_pdf,
    multipage_tiff,
    render_page,
    save_page,
    text_pdf,
    truncated_png,
)

pytestmark = pytest.mark.django_db

HEADER = "id,title,date,languages,collection,container,access,files,transcript\n"


def _folder(tmp_path: Path, rows: list[str], name: str = "box171") -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    (folder / "sidecar.csv").write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return folder


def _problems(summary) -> list[str]:
    return [str(p) for p in summary.problems]


def test_folder_with_csv_sidecar_imports_pages_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "box171"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM)
    save_page(folder / "p2.jpg", SECOND_PAGE)
    _folder(tmp_path, [f'209771s,Telegram re Stalin,1944-02-02,English,harriman,171,staff,p1.png;p2.jpg,"{TELEGRAM}"'])
    summary = run_import([str(folder)])
    assert summary.ok and summary.counts["imported"] == 1, _problems(summary)
    record = Record.objects.get(public_id="209771s")
    assert (record.date_edtf, record.languages, record.container, record.access_level) == ("1944-02-02", ["en"], "171", "staff")
    assert record.collection.identifier == "harriman"
    scan = record.contents.get(kind=Content.Kind.SCAN)
    pages = list(scan.pages.all())
    assert [p.original_name for p in pages] == ["p1.png", "p2.jpg"]
    for page, source in zip(pages, ["p1.png", "p2.jpg"], strict=True):
        # The stored original is byte for byte the file, and its checksum is the file's SHA-256.
        assert page.checksum == sha256_file(folder / source)
        assert default_storage.open(page.image.name).read() == (folder / source).read_bytes()
        assert page.ocr_status == Page.OcrStatus.PENDING and page.dpi == 200 and page.width > 1000
    assert record.contents.get(kind=Content.Kind.TRANSCRIPT).text == TELEGRAM


def test_json_sidecar_multipage_tiff_and_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "vendor"
    folder.mkdir()
    multipage_tiff(folder / "bundle.tif", [TELEGRAM, SECOND_PAGE, "A third page of the telegram."])
    render_page(TELEGRAM).convert("RGB").save(folder / "scan.pdf", resolution=200)
    (folder / "records.json").write_text(json.dumps({"records": [
        {"id": "tiff-1", "title": "Bundle", "date": "1944-02", "files": ["bundle.tif"], "languages": ["ru", "en"]},
        {"id": "pdf-1", "title": "Vendor PDF", "files": "scan.pdf"},
    ]}), encoding="utf-8")
    summary = run_import([str(folder)])
    assert summary.ok and summary.counts["imported"] == 2, _problems(summary)
    tiff_pages = list(Page.objects.filter(content__record__public_id="tiff-1"))
    assert [p.original_name for p in tiff_pages] == [f"bundle.tif (page {n} of 3)" for n in (1, 2, 3)]
    assert len({p.image.name for p in tiff_pages}) == 3 and all(p.image.name.endswith(".png") for p in tiff_pages)
    # The multi-page original is stored once, unchanged, beside the page renderings.
    original = tiff_pages[0].ocr_settings["original"]
    assert default_storage.open(original).read() == (folder / "bundle.tif").read_bytes()
    assert Record.objects.get(public_id="tiff-1").languages == ["ru", "en"]
    pdf_page = Page.objects.get(content__record__public_id="pdf-1")
    assert pdf_page.ocr_status == Page.OcrStatus.PENDING and pdf_page.dpi == 300


def test_reimport_is_idempotent_and_a_changed_file_keeps_the_old_original(tmp_path: Path) -> None:
    folder = tmp_path / "box"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM)
    _folder(tmp_path, ['r1,Telegram,1944,English,,,,p1.png,'], name="box")
    assert run_import([str(folder)]).counts["imported"] == 1
    page = Page.objects.get()
    page.text, page.ocr_status, page.checksum = "read before", Page.OcrStatus.DONE, page.checksum
    page.save()
    first_image, first_checksum = page.image.name, page.checksum

    again = run_import([str(folder)])
    assert again.counts["unchanged"] == 1
    assert Page.objects.get().text == "read before" and Page.objects.count() == 1

    save_page(folder / "p1.png", SECOND_PAGE)  # a rescan of the same page
    changed = run_import([str(folder)])
    assert changed.counts["updated"] == 1, _problems(changed)
    page = Page.objects.get()
    assert page.checksum != first_checksum and page.ocr_status == Page.OcrStatus.PENDING and page.text == ""
    assert default_storage.exists(first_image) and default_storage.exists(page.image.name)
    history = PageText.objects.get(page=page)
    assert (history.status, history.image_name, history.checksum, history.text) == (
        PageText.Status.SUPERSEDED, first_image, first_checksum, "read before")
    assert "original replaced" in history.note


def test_bad_page_files_each_fail_alone(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    outside = tmp_path / "outside.png"
    save_page(outside, TELEGRAM)
    save_page(folder / "good.png", TELEGRAM)
    truncated_png(folder / "truncated.png")
    (folder / "empty.png").write_bytes(b"")
    encrypted_pdf(folder / "locked.pdf")
    bomb_png(folder / "bomb.png")
    (folder / "link.png").symlink_to(outside)
    (folder / "notes.png").write_text("this is not an image", encoding="utf-8")
    _folder(tmp_path, [
        "ok1,Good,1944,English,,,,good.png,",
        "t,Truncated,1944,English,,,,truncated.png,",
        "z,Zero,1944,English,,,,empty.png,",
        "e,Encrypted,1944,English,,,,locked.pdf,",
        "b,Bomb,1944,English,,,,bomb.png,",
        "m,Missing,1944,English,,,,good.png;gone.png,",
        "u,Up,1944,English,,,,../outside.png,",
        f"a,Absolute,1944,English,,,,{outside},",
        "l,Link,1944,English,,,,link.png,",
        "n,Not an image,1944,English,,,,notes.png,",
        "d,Bad date,1944-13-45,English,,,,good.png,",
        "ok2,Good again,1945,English,,,,good.png,",
    ], name="bad")
    summary = run_import([str(folder)])
    assert sorted(Record.objects.values_list("public_id", flat=True)) == ["ok1", "ok2"]
    assert summary.counts["imported"] == 2 and summary.counts["failed"] == 10
    messages = "\n".join(_problems(summary))
    sidecar = str(folder / "sidecar.csv")
    expected = {
        3: "record t: truncated.png: not a readable image",
        4: "record z: empty.png: empty file (0 bytes)",
        5: "record e: locked.pdf: the PDF is encrypted",
        6: "record b: bomb.png: the image declares 3,600,000,000 pixels, above the limit of 150,000,000 "
           "(a decompression bomb or an oversized scan); refused",
        7: "record m: gone.png: no such file",
        8: "record u: ../outside.png: the path leaves the scan folder",
        9: "record a: " + str(outside) + ": absolute paths are not allowed",
        10: "record l: link.png: a link that leads out of the scan folder",
        11: "record n: notes.png: not a readable image",
        12: "record d: not a valid EDTF date",
    }
    for line, text in expected.items():
        assert f"{sidecar}:{line}: {text}" in messages


def test_single_files_and_pdf_text_layers(tmp_path: Path) -> None:
    good = text_pdf(tmp_path / "memo.pdf", TELEGRAM)
    garbage = text_pdf(tmp_path / "garbled.pdf", "Xq#@ 3$%^ ~~]] zzkq 1l1l |||| qwrtpsd bcdfgh 9z9z ;;;; xxv ~~ " * 4,
                       image=render_page(TELEGRAM))
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    summary = run_import([str(good), str(garbage), str(empty)])
    assert summary.counts["imported"] == 2 and summary.counts["failed"] == 1
    assert f"{empty}: empty.tif: empty file (0 bytes)" in _problems(summary)
    memo = Page.objects.get(content__record__public_id="scan-memo")
    assert memo.ocr_status == Page.OcrStatus.TEXT_LAYER and memo.text.split() == TELEGRAM.split()
    # The text layer's words come with their boxes in the rendered page's pixels (300 dpi): the first
    # line starts 20 pt from the left edge and about 20 pt below the top, in 8 pt type.
    assert [w[5] for w in memo.words] == TELEGRAM.split()
    x, y, w, h, confidence, _word = memo.words[0]
    scale = 300 / 72
    assert abs(x - 20 * scale) <= 3 and 0 < y < 25 * scale and 0 < h <= 9 * scale and w > 0 and confidence == -1
    second_line = next(word for word in memo.words if word[0] < x + 3 and word[1] > y + h)
    assert abs(second_line[1] - (y + 10 * scale)) <= 3 * scale  # 10 pt leading
    assert Content.objects.get(record__public_id="scan-memo", kind="scan").text.split() == TELEGRAM.split()
    garbled = Page.objects.get(content__record__public_id="scan-garbled")
    assert garbled.ocr_status == Page.OcrStatus.PENDING and garbled.text == ""
    assert "garbage" in garbled.ocr_settings["text_layer"]
    warning = next(p for p in summary.problems if not p.fatal)
    assert "garbled.pdf: page 1: the text layer looks like garbage" in str(warning)


def test_text_layer_checks() -> None:
    assert text_layer_problem(TELEGRAM) is None
    assert text_layer_problem("Москва, 2 февраля 1944 года. Посол спросил маршала о новой линии обороны.") is None
    assert text_layer_problem("   ") == "no text layer"
    assert "undecodable" in text_layer_problem("\ufffd\ufffd\ufffd abc " * 10)
    assert "symbols" in text_layer_problem("%%% 123 ### 456 @@@ 789 ^^^ 000 &&& 111")


def test_sample_scans_for_the_demo_import_cleanly() -> None:
    from readingroom.cli import sample_data_dir

    folder = sample_data_dir() / "scans"
    assert sum(p.stat().st_size for p in folder.iterdir()) < 2 * 1024**2
    summary = run_import([str(folder)])
    assert summary.ok and summary.counts["imported"] == 1, _problems(summary)
    record = Record.objects.get(public_id="209771-typed-scan")
    assert record.contents.get(kind="scan").pages.count() == 2
    assert record.contents.get(kind="transcript").text.startswith("TELEGRAM SECRET")


def test_json_sidecar_problems_name_the_record(tmp_path: Path) -> None:
    folder = tmp_path / "json"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM)
    (folder / "sidecar.json").write_text(json.dumps([
        {"id": "j1", "title": "Fine", "files": ["p1.png"], "transcript_file": "t.txt"},
        {"id": "j2", "title": "Gone", "files": ["p1.png", "gone.png"]},
        {"title": "No id", "files": ["p1.png"]},
    ]), encoding="utf-8")
    (folder / "t.txt").write_text(TELEGRAM, encoding="utf-8")
    summary = run_import([str(folder)])
    sidecar = folder / "sidecar.json"
    assert summary.counts["imported"] == 1 and summary.counts["failed"] == 2
    assert _problems(summary) == [f"{sidecar}: record 2 (j2): gone.png: no such file in {folder}",
                                  f"{sidecar}: record 3: no id: every record needs one"]
    assert Record.objects.get(public_id="j1").contents.get(kind="transcript").text == TELEGRAM

    (folder / "sidecar.json").write_text('[{"id": "j1",\n "files": ["p1.png"]', encoding="utf-8")
    broken = run_import([str(folder)])
    assert [str(p) for p in broken.problems][0].startswith(f"{sidecar}:2: not valid JSON")
    assert Record.objects.filter(public_id="j1").exists()  # nothing stored is lost
