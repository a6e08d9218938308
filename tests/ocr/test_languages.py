"""OCR in the document's languages: pages printed from the shipped UDHR texts in Chinese and Russian are read
with Tesseract's models for the record's languages (chosen from its BCP 47 tags), and the words read are found
by search."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from readingroom.catalog.models import Page, Record
from readingroom.cli import app, sample_data_dir
from readingroom.ingest.runner import run_import
from readingroom.ocr.quality import cer

pytestmark = pytest.mark.django_db(transaction=True)

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")  # fonts-noto-cjk, set up for tests


def udhr_article(name: str) -> list[str]:
    """The paragraphs of one of the demo's UDHR texts (sample_data/udhr, blank lines between paragraphs)."""
    text = (sample_data_dir() / "udhr" / name).read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def printed_page(path: Path, paragraphs: list[str], chars_per_line: int, wrap_by_character: bool) -> Path:
    """An A4 page at 300 dpi, printed in a Noto CJK face (it has Latin and Cyrillic too)."""
    assert CJK_FONT.exists(), "fonts-noto-cjk is missing: scripts/setup.sh --test installs it"
    font = ImageFont.truetype(str(CJK_FONT), 42)
    image = Image.new("L", (2480, 3508), 250)
    draw = ImageDraw.Draw(image)
    y = 240
    for paragraph in paragraphs:
        # Chinese has no spaces to break at: a line is a run of characters.
        lines = ([paragraph[i:i + chars_per_line] for i in range(0, len(paragraph), chars_per_line)]
                 if wrap_by_character else textwrap.wrap(paragraph, chars_per_line))
        for line in lines:
            draw.text((220, y), line, font=font, fill=20)
            y += 64
        y += 40
    image.save(path, dpi=(300, 300))
    return path


def test_chinese_and_russian_pages_are_read_in_their_languages_and_found_by_search(tmp_path: Path) -> None:
    chinese, russian = udhr_article("art26.zh-Hans.txt"), udhr_article("art26.ru.txt")
    folder = tmp_path / "printed"
    folder.mkdir()
    printed_page(folder / "zh.png", chinese, 46, wrap_by_character=True)
    printed_page(folder / "ru.png", russian, 80, wrap_by_character=False)
    (folder / "sidecar.csv").write_text(
        "id,title,date,languages,files\n"
        "udhr26-zh,Article 26 (Chinese),1948-12-10,zh-Hans,zh.png\n"
        "udhr26-ru,Article 26 (Russian),1948-12-10,ru,ru.png\n", encoding="utf-8")
    summary = run_import([str(folder)])
    assert summary.ok, [str(p) for p in summary.problems]
    assert Record.objects.get(public_id="udhr26-zh").languages == ["zh-Hans"]

    result = CliRunner().invoke(app, ["ocr", "--all", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 saved" in result.output

    zh_page = Page.objects.get(content__record__public_id="udhr26-zh")
    ru_page = Page.objects.get(content__record__public_id="udhr26-ru")
    assert zh_page.ocr_settings["options"]["languages"] == "chi_sim"
    assert ru_page.ocr_settings["options"]["languages"] == "rus"
    # Read well, not only read: an English model would return noise here.
    assert cer(zh_page.text.replace("\n", "").replace(" ", ""), "".join(chinese)) < 0.08
    assert cer(" ".join(ru_page.text.split()), " ".join(russian)) < 0.05

    from readingroom.search import search

    def found(query: str) -> list[str]:
        return [hit.public_id for hit in search(query, with_facets=False, fuzzy=False).hits]

    assert found("教育") == ["udhr26-zh"]  # "education", inside a run of characters
    assert found('"高等教育"') == ["udhr26-zh"]
    assert found("образование") == ["udhr26-ru"]
    assert found("образованием") == ["udhr26-ru"]  # Russian keeps its stemmer on OCR text too
    assert found('"высшее образование"') == ["udhr26-ru"]
