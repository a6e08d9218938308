"""Words, boxes and confidences from Tesseract's hOCR output.

We read Tesseract's own hOCR rather than text pulled back out of a PDF: PDF text extraction loses the
reading order on skewed pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

_BBOX = re.compile(r"bbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_WCONF = re.compile(r"x_wconf\s+(-?\d+(?:\.\d+)?)")
_SCAN_RES = re.compile(r"scan_res\s+(\d+)\s+(\d+)")


@dataclass(frozen=True)
class Word:
    x: int
    y: int
    w: int
    h: int
    confidence: float
    text: str

    def as_row(self) -> list:
        """The compact form stored in Page.words: [x, y, w, h, confidence, word]."""
        return [self.x, self.y, self.w, self.h, self.confidence, self.text]


@dataclass(frozen=True)
class HocrPage:
    words: list[Word]
    scan_res: int | None  # the resolution Tesseract used (given or estimated)

    @property
    def mean_confidence(self) -> float | None:
        if not self.words:
            return None
        return round(sum(w.confidence for w in self.words) / len(self.words), 2)


def parse_hocr(data: bytes | str) -> HocrPage:
    """Parse one page of hOCR. Empty or unreadable input gives a page without words."""
    if not data or not data.strip():
        return HocrPage([], None)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = html.fromstring(data)
    except (etree.ParserError, ValueError):
        return HocrPage([], None)
    words: list[Word] = []
    for span in root.iter("span"):
        if "ocrx_word" not in (span.get("class") or "").split():
            continue
        text = "".join(span.itertext()).strip()
        title = span.get("title") or ""
        box = _BBOX.search(title)
        if not text or box is None:
            continue
        x0, y0, x1, y1 = (int(v) for v in box.groups())
        conf = _WCONF.search(title)
        words.append(Word(x0, y0, x1 - x0, y1 - y0, float(conf.group(1)) if conf else 0.0, text))
    scan_res = None
    for div in root.iter("div"):
        if "ocr_page" in (div.get("class") or "").split():
            match = _SCAN_RES.search(div.get("title") or "")
            if match:
                scan_res = int(match.group(1))
            break
    return HocrPage(words, scan_res)
