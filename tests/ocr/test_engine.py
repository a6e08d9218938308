"""The Tesseract engine on real pages: shared ground-truth pages and pages the tests render themselves."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from readingroom.ocr.cleanup import skew_angle
from readingroom.ocr.engine import OcrError, OcrOptions, ocr_image
from readingroom.ocr.hocr import parse_hocr
from readingroom.ocr.quality import cer
from tests.conftest import shared_path
from tests.scan_fixtures import SECOND_PAGE, TELEGRAM, photograph, render_page, save_page


def test_real_page_text_and_word_boxes() -> None:
    folder = shared_path("ocr-gt", "tesseract-test")
    truth = (folder / "phototest.gt.txt").read_text()
    result = ocr_image(folder / "phototest.tif")
    assert cer(result.text, truth) < 0.02
    assert result.dpi == 200 and result.settings["dpi_source"] == "file"
    assert result.engine.startswith("tesseract 5")
    width, height = Image.open(folder / "phototest.tif").size
    words = [w[5] for w in result.words]
    assert words[:4] == ["This", "is", "a", "lot"]
    for x, y, w, h, confidence, _ in result.words:
        assert x >= 0 and y >= 0 and x + w <= width and y + h <= height and 0 <= confidence <= 100
    assert result.confidence > 85


def test_rendered_page_with_untrusted_72_dpi_is_estimated(tmp_path: Path) -> None:
    page = save_page(tmp_path / "telegram.png", TELEGRAM, dpi=300, stated_dpi=72)
    result = ocr_image(page)
    assert result.settings["dpi_source"] == "estimated by tesseract"
    assert 200 <= result.dpi <= 600  # Tesseract's estimate from the letters, not the file's 72
    assert cer(result.text, TELEGRAM) < 0.02
    trusted = ocr_image(save_page(tmp_path / "stated.png", TELEGRAM, dpi=300))
    assert trusted.dpi == 300 and trusted.settings["dpi_source"] == "file"


def test_alpha_page_is_flattened_and_read(tmp_path: Path) -> None:
    gray = render_page(TELEGRAM)
    # Ink as opaque black on a fully transparent background: OCRmyPDF refuses such files.
    rgba = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    rgba.putalpha(ImageChops.invert(gray))
    rgba.save(tmp_path / "alpha.png", dpi=(200, 200))
    result = ocr_image(tmp_path / "alpha.png")
    assert cer(result.text, TELEGRAM) < 0.02


def _shaded(tmp_path: Path) -> Path:
    page = render_page(TELEGRAM, ink=215, paper=255)
    shade = Image.linear_gradient("L").rotate(90).resize(page.size).point(lambda v: 255 - int(135 * v / 255))
    path = tmp_path / "shaded.png"
    ImageChops.multiply(page, shade).save(path, dpi=(200, 200))
    return path


def test_unevenly_lit_faint_page_is_normalised_before_reading(tmp_path: Path) -> None:
    path = _shaded(tmp_path)
    bare = subprocess.run(["tesseract", str(path), "-", "-l", "eng"], capture_output=True, text=True, check=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout
    assert cer(bare, TELEGRAM) > 0.3  # plain Tesseract loses the shaded half of the page
    result = ocr_image(path)
    assert "contrast" in result.settings["steps"] and "uneven" in result.settings["contrast"]
    assert cer(result.text, TELEGRAM) < 0.02


def test_blank_page_is_recorded_as_blank_not_failed(tmp_path: Path) -> None:
    Image.new("L", (1200, 1600), 248).save(tmp_path / "blank.png", dpi=(200, 200))
    result = ocr_image(tmp_path / "blank.png")
    assert result.text == "" and result.words == [] and result.settings["blank"] is True


def test_drawing_and_photograph_read_as_no_text_found_not_as_failures(tmp_path: Path) -> None:
    import random

    from PIL import ImageDraw

    rng = random.Random(3)
    page = Image.new("L", (1600, 2000), 250)
    draw = ImageDraw.Draw(page)
    for _ in range(40):  # rings of ink, no letters: a stain, a drawing
        x, y = rng.randrange(1500), rng.randrange(1900)
        draw.ellipse([x, y, x + rng.randrange(20, 90), y + rng.randrange(20, 90)], outline=30, width=6)
    page.save(tmp_path / "rings.png", dpi=(200, 200))
    for image in (tmp_path / "rings.png", photograph(tmp_path / "photo.png"),
                  photograph(tmp_path / "photo96.png", size=(2400, 1800), dpi=96)):
        result = ocr_image(image)
        assert result.no_text and result.text == "" and result.words == [], image.name
        assert result.settings["no_text"] and "no text found" in result.warning
    # A doubted 96 dpi on a 25 in "page" with nothing readable: both dpi candidates were tried (contrast was
    # normalised up front for the photograph's uneven tone, so no contrast retry).
    resolution = result.settings["resolution"]
    assert resolution["stated"] == 96 and resolution["second"] == 96 and resolution["passes"] == 2
    assert result.settings["dpi_retry"]["second_dpi"] == 96
    # A page with text beside it is read as before, in one pass.
    text = ocr_image(save_page(tmp_path / "telegram.png", TELEGRAM))
    assert not text.no_text and cer(text.text, TELEGRAM) < 0.02 and text.settings["resolution"]["passes"] == 1


def test_rotation_and_deskew_are_opt_in_and_recorded(tmp_path: Path) -> None:
    text = f"{TELEGRAM} {SECOND_PAGE}"
    render_page(text).rotate(90, expand=True).save(tmp_path / "sideways.png", dpi=(200, 200))
    plain = ocr_image(tmp_path / "sideways.png")
    fixed = ocr_image(tmp_path / "sideways.png", OcrOptions(rotate=True))
    assert cer(plain.text, text) > 0.5
    assert fixed.settings["cleanup"] == ["rotate 90"] and cer(fixed.text, text) < 0.02
    skewed = render_page(TELEGRAM, angle=2.5)
    assert skew_angle(skewed) == pytest.approx(-2.5, abs=0.3)


def test_unreadable_file_and_missing_language_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(OcrError, match="cannot read image broken.png"):
        ocr_image(broken)
    page = save_page(tmp_path / "p.png", "short text")
    with pytest.raises(OcrError, match="language data not installed: xyz"):
        ocr_image(page, OcrOptions(languages="eng+xyz"))


def test_hocr_without_words() -> None:
    assert parse_hocr(b"").words == [] and parse_hocr("<html><body></body></html>").mean_confidence is None
