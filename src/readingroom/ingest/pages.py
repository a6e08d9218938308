"""Stores scan pages: the original files, copied unchanged into the media store, and one Page row each.

Originals are content-addressed (originals/<sha256>/<name>): a re-import of the same file writes nothing,
a changed file is a new original beside the old one, and nothing here ever deletes or rewrites a file.
Pages of a PDF or multi-page TIFF also get a PNG rendering (derived/...), which is what OCR and the viewer
read; the original stays as it came.
"""

from __future__ import annotations

import io
import re

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from PIL import Image

from readingroom.catalog.models import Content, Page
from readingroom.catalog.page_text import archive_page_text

from .records import PageSource, StoreError
from .scans import sha256_stream


class PageStoreError(StoreError):
    pass


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "page"


def original_storage_name(source: PageSource) -> str:
    return f"originals/{source.checksum[:2]}/{source.checksum}/{_safe_name(source.name)}"


def page_label(source: PageSource) -> str:
    return source.name if source.frames == 1 else f"{source.name} (page {source.frame + 1} of {source.frames})"


def store_original(source: PageSource) -> str:
    """Copy the original once, checking that what was stored is what was checked when parsing."""
    name = original_storage_name(source)
    if not default_storage.exists(name):
        with open(source.path, "rb") as fh:
            saved = default_storage.save(name, File(fh, name=_safe_name(source.name)))
        with default_storage.open(saved, "rb") as stored:
            stored_checksum = sha256_stream(stored)
        if stored_checksum != source.checksum:
            # The file changed between checking and copying: keep nothing half-known.
            default_storage.delete(saved)
            raise PageStoreError(f"{source.name}: the file changed while it was being imported; import it again")
        name = saved
    return name


def _render(source: PageSource) -> Image.Image:
    if source.kind == "pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(source.path)
        try:
            page = document[source.frame]
            try:
                bitmap = page.render(scale=(source.dpi or 300) / 72)
                return bitmap.to_pil()
            finally:
                page.close()
        finally:
            document.close()
    with Image.open(source.path) as image:
        image.seek(source.frame)
        image.load()
        return image.copy()


def store_page_image(source: PageSource) -> str:
    """The image a page shows and OCR reads: the original itself when it is a single image."""
    original = store_original(source)
    if source.kind == "image" and source.frames == 1:
        return original
    name = f"derived/{source.checksum[:2]}/{source.checksum}/page-{source.frame + 1:04d}.png"
    if not default_storage.exists(name):
        try:
            image = _render(source)
        except Exception as exc:  # pdfium and Pillow raise many kinds; the file passed its checks before
            raise PageStoreError(f"{source.name}: page {source.frame + 1} cannot be rendered ({exc})") from exc
        buffer = io.BytesIO()
        save_args = {"dpi": (source.dpi, source.dpi)} if source.dpi else {}
        image.save(buffer, format="PNG", compress_level=3, **save_args)
        name = default_storage.save(name, ContentFile(buffer.getvalue()))
    return name


def write_pages(content: Content, sources: list[PageSource]) -> None:
    """Create or update the content's pages, position by position, without losing anything stored."""
    existing = {page.position: page for page in content.pages.all()}
    for position, source in enumerate(sources):
        page = existing.get(position)
        label = page_label(source)
        if page is not None and page.checksum == source.checksum and page.original_name == label:
            continue
        image_name = store_page_image(source)
        if page is None:
            page = Page(content=content, position=position)
        elif page.checksum:
            # A new version of this page's file: the old original stays on disk and its text in history.
            archive_page_text(page, note=f"original replaced by a new file ({label}, sha256 {source.checksum[:12]})")
        page.image.name = image_name
        page.original_name = label
        page.checksum = source.checksum
        page.width, page.height, page.dpi = source.width, source.height, source.dpi
        page.words, page.confidence, page.ocr_error = [], None, ""
        page.ocr_engine = ""
        page.ocr_settings = {"original": original_storage_name(source), "frame": source.frame}
        if source.note:
            page.ocr_settings["text_layer"] = source.note
        if source.text_layer:
            page.text = source.text_layer
            page.words = source.text_layer_words
            page.ocr_status = Page.OcrStatus.TEXT_LAYER
            page.ocr_engine = "PDF text layer"
        else:
            page.text = ""
            page.ocr_status = Page.OcrStatus.PENDING
        page.save()
