"""The archival copy: one PDF/A per scan, made by OCRmyPDF (with Ghostscript), as a separate step.

It is kept out of the text pipeline on purpose: measured on this machine, OCRmyPDF with PDF/A output ran
at about half the pages/min of bare Tesseract. Run it later, or on other machines
(`readingroom ocr-archive`). The page images go in losslessly (img2pdf); the originals are untouched.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from readingroom.catalog.models import Content, Page

from .engine import OcrError, flatten

log = logging.getLogger(__name__)


def archival_name(content: Content, pages: list[Page]) -> str:
    digest = hashlib.sha256("".join(p.checksum + p.image.name for p in pages).encode()).hexdigest()[:16]
    return f"archival/{content.record_id}/{content.pk}-{digest}.pdf"


def _page_inputs(pages: list[Page], work: Path) -> list[str]:
    """Image files img2pdf can embed as they are; alpha or odd modes are flattened to a PNG copy first."""
    from PIL import Image

    inputs = []
    for page in pages:
        path = Path(default_storage.path(page.image.name))
        with Image.open(path) as image:
            if image.mode in ("1", "L", "RGB") and image.format in ("PNG", "JPEG", "TIFF"):
                inputs.append(str(path))
                continue
            image.load()
            flat = flatten(image)
            copy = work / f"page-{page.position:04d}.png"
            dpi = image.info.get("dpi")
            flat.save(copy, **({"dpi": dpi} if dpi else {}))
            inputs.append(str(copy))
    return inputs


def build_archival_pdf(content: Content, languages: str = "eng", jobs: int = 1) -> str:
    """Write (or find) the scan's PDF/A; returns its media storage name."""
    import img2pdf
    import ocrmypdf

    pages = list(content.pages.order_by("position"))
    if not pages:
        raise OcrError("the scan has no pages")
    name = archival_name(content, pages)
    if default_storage.exists(name):
        return name
    with tempfile.TemporaryDirectory(prefix="readingroom-pdfa-") as tmp:
        work = Path(tmp)
        images_pdf, output = work / "images.pdf", work / "archival.pdf"
        images_pdf.write_bytes(img2pdf.convert(_page_inputs(pages, work)))
        try:
            ocrmypdf.ocr(images_pdf, output, language=languages.split("+"), output_type="pdfa", jobs=jobs,
                         progress_bar=False, title=content.record.title)
        except ocrmypdf.exceptions.ExitCodeException as exc:
            raise OcrError(f"OCRmyPDF failed: {exc}") from exc
        with output.open("rb") as fh:
            return default_storage.save(name, File(fh, name=Path(name).name))
