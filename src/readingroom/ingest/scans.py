"""Scans: a folder of page images with a sidecar (CSV or JSON), or a single PDF / TIFF / PNG / JPEG file.

The sidecar has one row (CSV) or object (JSON) per record: its page files in order and its catalogue
fields. Every page file is checked here, before anything is stored: unreadable, truncated, empty,
encrypted, oversized (decompression bombs), missing, or outside the folder -> one clear problem naming
the file, and the other records go on. Originals are only read, never changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from PIL import Image

from readingroom.catalog.dates import DateError, parse_edtf
from readingroom.catalog.languages import language_code

from .paths import ScanError, resolve_inside
from .records import (
    CollectionRef,
    ContentItem,
    PageSource,
    ParsedRecord,
    Problem,
    RepositoryRef,
    slugify_name,
)
from .sidecar_texts import TRANSLATION_COLUMN, texts_from_row

SIDECARS = ("sidecar.csv", "sidecar.json", "records.csv", "records.json")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PDF_SUFFIXES = {".pdf"}
PDF_RENDER_DPI = 300
MAX_PDF_PAGES = 5000

# Sidecar column -> ParsedRecord field; several spellings archives use.
FIELD_ALIASES = {
    "id": "public_id", "public_id": "public_id", "identifier": "public_id",
    "title": "title", "date": "date_edtf", "date_edtf": "date_edtf", "summary": "summary",
    "description": "summary", "type": "document_type", "document_type": "document_type",
    "classification": "classification", "rights": "rights", "access": "access_level",
    "access_level": "access_level", "embargo_until": "embargo_until", "container": "container", "box": "container",
    "folder": "folder", "source_reference": "source_reference", "source_url": "source_url",
    "place_of_writing": "place_of_writing", "signed_by": "signed_by",
}
FILE_KEYS = ("files", "pages", "page_files", "images", "scans")


def sha256_stream(fh) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return sha256_stream(fh)


# --- checking page files -------------------------------------------------------------------------


def check_image(path: Path, name: str, checksum: str) -> list[PageSource]:
    """Each frame of an image file, fully decoded once so truncated or corrupt files are caught now."""
    limit = settings.READINGROOM_MAX_PAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                pages: list[PageSource] = []
                for frame in range(frames):
                    image.seek(frame)
                    width, height = image.size
                    if width * height > limit:
                        raise ScanError(
                            f"{name}: page {frame + 1} is {width}x{height} pixels, above the limit of "
                            f"{limit:,} (a decompression bomb or an oversized scan); refused"
                        )
                    image.load()
                    dpi = image.info.get("dpi")
                    pages.append(PageSource(
                        path=str(path), checksum=checksum, name=name, frame=frame, frames=frames, kind="image",
                        width=width, height=height, dpi=round(float(dpi[0])) if dpi and dpi[0] else None,
                    ))
                return pages
    except ScanError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses far-oversized images before we can measure them; say it the same way.
        declared = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(declared.group(1)):,} pixels" if declared else "too many pixels"
        raise ScanError(f"{name}: the image declares {size}, above the limit of {limit:,} "
                        "(a decompression bomb or an oversized scan); refused") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ScanError(f"{name}: not a readable image ({exc})") from exc


def text_layer_problem(text: str) -> str | None:
    """Why a PDF page's own text layer is unusable, or None when it looks like real text.

    Broken text layers (missing font encodings, a poor OCR run by a scanner) read as symbol soup or as
    'words' without vowels; real text in any alphabet is mostly letter runs.
    """
    stripped = text.strip()
    if len(stripped) < 20:
        return "no text layer"
    bad_chars = sum(1 for c in stripped if c == "\ufffd" or (unicodedata.category(c) in {"Co", "Cc"} and c not in "\n\r\t"))
    if bad_chars / len(stripped) > 0.02:
        return "the text layer has undecodable characters"
    tokens = stripped.split()
    lettered = [t for t in tokens if any(c.isalpha() for c in t)]
    if len(lettered) < 0.5 * len(tokens):
        return "the text layer is mostly symbols and digits"

    def wordlike(token: str) -> bool:
        core = token.strip(".,;:!?'\"()[]«»“”‘’-")
        if not core or not all(c.isalpha() or c in "'’-" for c in core):
            return False
        latin = all(ord(c) < 0x250 for c in core)
        return not latin or len(core) == 1 and core.lower() in "aio" or bool(re.search(r"[aeiouyàâäéèêëîïôöùûüœæ]", core, re.I))

    share = sum(1 for t in lettered if wordlike(t)) / len(lettered)
    if share < 0.7:
        return f"the text layer looks like garbage (only {share:.0%} of its tokens are words)"
    return None


def text_layer_words(textpage, height_pt: float, scale: float) -> list[list]:
    """The text layer's words with their boxes in the rendered page's pixels, in the form OCR stores
    ([x, y, w, h, confidence, word]; confidence -1: not a reading, the PDF's own text), so search hits
    are boxed on the scan as they are on OCR'd pages."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    # One character per index, except where pdfium generates characters (rare): then ask one by one.
    char = text.__getitem__ if len(text) == count else (lambda i: textpage.get_text_range(i, 1))
    words: list[list] = []
    letters: list[str] = []
    box: list[float] = []

    def flush() -> None:
        if letters and box:
            left, bottom, right, top = box
            words.append([round(left * scale), round((height_pt - top) * scale), max(1, round((right - left) * scale)),
                          max(1, round((top - bottom) * scale)), -1, "".join(letters)])
        letters.clear()
        box.clear()

    for index in range(count):
        c = char(index)
        if not c or c.isspace():
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if box:
            box[:] = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        else:
            box[:] = [left, bottom, right, top]
        letters.append(c)
    flush()
    return words


def check_pdf(path: Path, name: str, checksum: str) -> tuple[list[PageSource], list[str]]:
    """Each page of a PDF, with its own text layer when that is good; notes say when it was not."""
    import pypdfium2 as pdfium

    limit = settings.READINGROOM_MAX_PAGE_PIXELS
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ScanError(f"{name}: the PDF is encrypted (password protected); decrypt it before importing") from exc
        raise ScanError(f"{name}: not a readable PDF ({exc})") from exc
    notes: list[str] = []
    try:
        count = len(document)
        if count == 0:
            raise ScanError(f"{name}: the PDF has no pages")
        if count > MAX_PDF_PAGES:
            raise ScanError(f"{name}: {count} pages, above the limit of {MAX_PDF_PAGES}")
        pages: list[PageSource] = []
        for index in range(count):
            page = document[index]
            try:
                width_pt, height_pt = page.get_size()
                width, height = round(width_pt / 72 * PDF_RENDER_DPI), round(height_pt / 72 * PDF_RENDER_DPI)
                if width * height > limit:
                    raise ScanError(
                        f"{name}: page {index + 1} would be {width}x{height} pixels at {PDF_RENDER_DPI} dpi, above the "
                        f"limit of {limit:,}; refused"
                    )
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                    problem = text_layer_problem(text)
                    # Word boxes only for a text layer that will be used: a rejected one is read by OCR.
                    words = text_layer_words(textpage, height_pt, PDF_RENDER_DPI / 72) if problem is None else []
                finally:
                    textpage.close()
            finally:
                page.close()
            source = PageSource(path=str(path), checksum=checksum, name=name, frame=index, frames=count, kind="pdf",
                                width=width, height=height, dpi=PDF_RENDER_DPI)
            if problem is None:
                source.text_layer = text.replace("\r\n", "\n").replace("\r", "\n").strip()
                source.text_layer_words = words
            elif problem != "no text layer":
                source.note = f"{problem}: the page will be read by OCR instead"
                notes.append(f"{name}: page {index + 1}: {source.note}")
            pages.append(source)
        return pages, notes
    except pdfium.PdfiumError as exc:
        raise ScanError(f"{name}: a damaged PDF ({exc})") from exc
    finally:
        document.close()


def check_page_file(path: Path, name: str) -> tuple[list[PageSource], list[str]]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScanError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if size == 0:
        raise ScanError(f"{name}: empty file (0 bytes)")
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES | PDF_SUFFIXES:
        raise ScanError(f"{name}: not a page format readingroom reads (PNG, JPEG, TIFF, PDF)")
    try:
        checksum = sha256_file(path)
    except OSError as exc:
        raise ScanError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if suffix in PDF_SUFFIXES:
        return check_pdf(path, name, checksum)
    return check_image(path, name, checksum), []


# --- sidecars ------------------------------------------------------------------------------------


def _split_list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(r"[;|\n]", str(value or "")) if part.strip()]


def _languages(value) -> tuple[list[str], list[str]]:
    codes, unknown = [], []
    items = value if isinstance(value, list) else re.split(r"[;,|]", str(value or ""))
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        code = language_code(item)
        (codes if code else unknown).append(code or item)
    return codes, unknown


def _column(name: str) -> str:
    key = name.strip()
    # A translation column keeps its language tag as typed (zh-Hant), for the messages that name it.
    if key.lower().startswith(TRANSLATION_COLUMN):
        return TRANSLATION_COLUMN + key[len(TRANSLATION_COLUMN):].strip()
    return key.lower().replace(" ", "_")


def _rows(sidecar: Path) -> Iterator[tuple[int, dict] | Problem]:
    """(line or index, row) pairs; a problem when the sidecar itself is unreadable."""
    try:
        if sidecar.suffix == ".csv":
            with sidecar.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames:
                    yield Problem(str(sidecar), "the sidecar is empty (no header row)")
                    return
                for row in reader:
                    yield reader.line_num, {_column(k): (v or "").strip() for k, v in row.items() if k is not None}
        else:
            data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
            items = data.get("records") if isinstance(data, dict) else data
            if not isinstance(items, list):
                yield Problem(str(sidecar), "the JSON sidecar must be a list of records (or {\"records\": [...]})")
                return
            for index, item in enumerate(items, 1):
                if not isinstance(item, dict):
                    yield Problem(str(sidecar), f"record {index}: not an object")
                    continue
                yield index, {str(k).strip().lower().replace(" ", "_"): v for k, v in item.items()}
    except json.JSONDecodeError as exc:
        yield Problem(str(sidecar), f"not valid JSON: {exc.msg}", line=exc.lineno)
    except (UnicodeDecodeError, csv.Error) as exc:
        yield Problem(str(sidecar), f"cannot read the sidecar: {exc}")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def record_from_row(folder: Path, sidecar: Path, where: int, row: dict) -> tuple[ParsedRecord | None, list[Problem]]:
    """One sidecar row to a record; problems name the sidecar, the row and the file at fault."""
    place = {"source": str(sidecar), "line": where if sidecar.suffix == ".csv" else None}
    label = "" if sidecar.suffix == ".csv" else f"record {where}: "
    problems: list[Problem] = []
    fields = {target: _text(row.get(key)) for key, target in FIELD_ALIASES.items() if row.get(key) not in (None, "")}
    public_id = fields.get("public_id", "")
    if not public_id:
        return None, [Problem(message=f"{label}no id: every record needs one", **place)]
    label = f"record {public_id}: " if sidecar.suffix == ".csv" else f"record {where} ({public_id}): "
    files = next((_split_list(row[k]) for k in FILE_KEYS if row.get(k)), [])
    try:
        parse_edtf(fields.get("date_edtf", ""))
    except DateError as exc:
        return None, [Problem(message=f"{label}{exc}", **place)]
    # An empty access column says nothing: a new record is public, a stored one keeps what staff set.
    access = fields.get("access_level", "").strip().lower()
    if not access and fields.get("embargo_until"):
        access = "embargoed"
    if access not in {"", "public", "staff", "embargoed"}:
        return None, [Problem(message=f"{label}unknown access level {access!r} (public, staff, embargoed)", **place)]
    fields["access_level"] = access
    if fields.get("embargo_until"):
        try:
            dt.date.fromisoformat(fields["embargo_until"])
        except ValueError:
            return None, [Problem(message=f"{label}embargo_until {fields['embargo_until']!r} is not a date (YYYY-MM-DD)",
                                  **place)]

    pages: list[PageSource] = []
    for name in files:
        try:
            found, notes = check_page_file(resolve_inside(folder, name), name)
        except ScanError as exc:
            return None, [Problem(message=f"{label}{exc}", **place)]
        pages.extend(found)
        problems.extend(Problem(message=f"{label}{note}", fatal=False, **place) for note in notes)

    languages, unknown = _languages(row.get("languages") or row.get("language") or "")
    for name in unknown:
        problems.append(Problem(message=f"{label}unknown language {name!r} ignored", fatal=False, **place))
    texts = texts_from_row(folder, row, languages[0] if languages else "")
    if not pages and not texts.items:
        # Nothing left to store: refused whole (one line), so a record stored before stays as it was.
        why = "; ".join(texts.lines(stored=False)) or "no page files (column 'files') and no text (transcript_file, translations)"
        return None, [Problem(message=f"{label}nothing to import, the record was not stored: {why}", **place)]
    problems.extend(Problem(message=f"{label}{line}", fatal=False, **place) for line in texts.lines(stored=True))
    if not languages:
        # A text-only record's original is its transcript.
        languages = [item.language for item in texts.items if item.kind == "transcript" and item.language][:1]
    contents = [ContentItem(kind="scan", language=languages[0] if languages else "", pages=pages)] if pages else []
    offset = len(contents)
    contents.extend(texts.items)

    collection = None
    collection_id = _text(row.get("collection") or row.get("collection_id"))
    if collection_id:
        collection = CollectionRef(identifier=slugify_name(collection_id) if " " in collection_id else collection_id,
                                   title=_text(row.get("collection_title")) or collection_id)
    repository_name = _text(row.get("repository"))
    record = ParsedRecord(
        title=fields.pop("title", "") or (f"Scan {public_id}" if pages else public_id),
        languages=languages,
        contents=contents,
        unread_texts=[(position + offset, kind, language) for position, kind, language in texts.unread],
        collection=collection,
        repository=RepositoryRef(repository_name) if repository_name else None,
        **fields,
    )
    return record, problems


class ScanFolder:
    """A folder with a sidecar, or one scan file (a PDF, a multi-page TIFF, an image) as one record."""

    name = "scans"

    def accepts(self, path: Path) -> bool:
        if path.is_dir():
            return any((path / s).is_file() for s in SIDECARS)
        return path.suffix.lower() in IMAGE_SUFFIXES | PDF_SUFFIXES

    def parse(self, path: Path) -> Iterator[ParsedRecord | Problem]:
        if path.is_dir():
            yield from self._parse_folder(path)
        else:
            yield from self._parse_file(path)

    def _parse_folder(self, folder: Path) -> Iterator[ParsedRecord | Problem]:
        sidecar = next(folder / s for s in SIDECARS if (folder / s).is_file())
        seen: set[str] = set()
        for item in _rows(sidecar):
            if isinstance(item, Problem):
                yield item
                continue
            where, row = item
            record, problems = record_from_row(folder, sidecar, where, row)
            yield from problems
            if record is None:
                continue
            if record.public_id in seen:
                yield Problem(str(sidecar), f"record {record.public_id}: the id appears twice; the second is skipped",
                              line=where if sidecar.suffix == ".csv" else None)
                continue
            seen.add(record.public_id)
            record.position = len(seen)
            yield record

    def _parse_file(self, path: Path) -> Iterator[ParsedRecord | Problem]:
        try:
            pages, notes = check_page_file(path, path.name)
        except ScanError as exc:
            yield Problem(str(path), str(exc))
            return
        for note in notes:
            yield Problem(str(path), note, fatal=False)
        title = re.sub(r"[_-]+", " ", path.stem).strip() or path.name
        yield ParsedRecord(public_id=f"scan-{slugify_name(path.stem)}", title=title,
                           contents=[ContentItem(kind="scan", pages=pages)])


SCANS = ScanFolder()
