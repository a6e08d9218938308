"""One bare Tesseract pass per page: text, hOCR word boxes and (optionally) a searchable PDF page at once.

Why bare Tesseract and not OCRmyPDF here: measured on this machine, OCRmyPDF with PDF/A output ran at about
half the pages/min of bare Tesseract. The archival PDF/A is a separate, later step (ocr/archival.py).
Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): its own threading was 4.3x slower here, and we
parallelise over pages instead.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageFilter, ImageMath, ImageOps

from . import resolution
from .cleanup import CLEANUP_STEPS, apply_cleanup
from .errors import OcrError
from .hocr import parse_hocr


def tesseract() -> str:
    return settings.READINGROOM_TESSERACT


def timeout_seconds() -> int:
    return settings.READINGROOM_OCR_TIMEOUT
LOW_CONFIDENCE = 50.0  # a mean word confidence below this is worth a retry with normalised contrast
INK_LEVEL = 240  # on a flattened page (paper = 255), darker than this is ink (even faint ink)
_ESTIMATED = re.compile(r"Estimating resolution as (\d+)")


@dataclass(frozen=True)
class OcrOptions:
    """How to read a page. Recorded with every result, so a reader can tell how a text was made."""

    languages: str = "eng"  # Tesseract codes joined with '+', e.g. eng+rus
    deskew: bool = False
    rotate: bool = False
    clean: bool = False  # unpaper
    psm: int | None = None  # Tesseract page segmentation mode; None = its default (3, automatic)
    searchable_pdf: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> OcrOptions:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def cleanup_steps(self) -> list[str]:
        return [step for step in CLEANUP_STEPS if getattr(self, step)]


@dataclass
class OcrResult:
    text: str
    # [[x, y, w, h, confidence, word], ...] in the page image's pixels (of the cleaned image when rotate or
    # deskew turned it: settings["cleanup"] says so).
    words: list[list]
    confidence: float | None
    dpi: int | None
    engine: str
    settings: dict = field(default_factory=dict)
    pdf: bytes | None = None
    warning: str = ""  # stored as the page's note: e.g. a low mean confidence after the retry
    no_text: bool = False  # ink but no text (a photograph, a drawing): not a failure, not worth a rerun


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    try:
        out = subprocess.run([tesseract(), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError(f"cannot run {tesseract()}: {exc}") from exc
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0].strip() if first else "tesseract"


@functools.lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    try:
        out = subprocess.run([tesseract(), "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError(f"cannot run {tesseract()}: {exc}") from exc
    lines = (out.stdout or out.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def check_languages(languages: str) -> str:
    """'eng+rus' if all are installed; an OcrError naming the missing language data otherwise."""
    codes = [c for c in languages.split("+") if c]
    if not codes:
        raise OcrError("no OCR language given")
    missing = [c for c in codes if c not in installed_languages()]
    if missing:
        raise OcrError(f"Tesseract language data not installed: {', '.join(missing)} "
                       f"(installed: {', '.join(sorted(installed_languages()))})")
    return "+".join(codes)


def flatten(image: Image.Image) -> Image.Image:
    """Alpha and palette images onto white, other modes to 8-bit: what Tesseract (and OCRmyPDF) accept."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


def flatten_background(gray: Image.Image) -> Image.Image:
    """Divide out the paper's tone (shading, yellowing, a faint carbon copy's grey): paper becomes white."""
    small = gray.resize((max(1, gray.width // 16), max(1, gray.height // 16)), Image.Resampling.BOX)
    paper = small.filter(ImageFilter.MaxFilter(5)).resize(gray.size, Image.Resampling.BILINEAR)
    flat = ImageMath.lambda_eval(lambda a: a["float"](a["g"]) * 255 / (a["float"](a["p"]) + 1), g=gray, p=paper)
    return flat.convert("L")


def normalise_contrast(image: Image.Image) -> Image.Image:
    """What the retry reads: flattened paper, then the darkest ink stretched to black."""
    return ImageOps.autocontrast(flatten_background(image.convert("L")), cutoff=1)


@dataclass(frozen=True)
class PageLook:
    """A quick look at a small copy of the page, before OCR: is there ink, and is the contrast poor?"""

    ink_fraction: float
    paper_spread: int  # how much the paper's tone varies across the page (shading, stains)
    darkest_ink: int  # on the flattened page: 255 = no ink darker than the paper

    @classmethod
    def of(cls, image: Image.Image) -> PageLook:
        # A box-filtered copy about 700 pixels across: reduce() is several times faster than thumbnail().
        small = image.convert("L").reduce(max(1, max(image.size) // 700))
        if image.mode == "1":  # already black and white: nothing to flatten
            ink = small.histogram()[:128]
            return cls(sum(ink) / (small.width * small.height), 0, 0)
        paper = small.resize((max(1, small.width // 16), max(1, small.height // 16)), Image.Resampling.BOX)
        paper = paper.filter(ImageFilter.MaxFilter(5))
        flat = flatten_background(small)
        histogram = flat.histogram()
        total = small.width * small.height
        return cls(sum(histogram[:INK_LEVEL]) / total, _percentile(paper, 0.75) - _percentile(paper, 0.25),
                   _percentile(flat, 0.005))

    @property
    def has_ink(self) -> bool:
        return self.ink_fraction >= 0.002

    @property
    def poor_contrast(self) -> str:
        """Why Tesseract's global threshold would likely lose text here ('' when it would not)."""
        if self.paper_spread > 25:
            return f"uneven paper tone (spread {self.paper_spread})"
        if self.has_ink and self.darkest_ink > 110:
            return f"faint ink (darkest {self.darkest_ink})"
        return ""


def _percentile(image: Image.Image, share: float) -> int:
    histogram = image.histogram()
    limit, running = share * sum(histogram), 0
    for value, count in enumerate(histogram):
        running += count
        if running >= limit:
            return value
    return 255


def _run_tesseract(source: Path, outbase: Path, options: OcrOptions, dpi: int | None) -> str:
    formats = ["txt", "hocr"] + (["pdf"] if options.searchable_pdf else [])
    command = [tesseract(), str(source), str(outbase), "-l", options.languages]
    if dpi:
        command += ["--dpi", str(dpi)]
    if options.psm is not None:
        command += ["--psm", str(options.psm)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command + formats, capture_output=True, text=True, env=env,
                              timeout=timeout_seconds(), check=False)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"Tesseract took longer than {timeout_seconds()} s") from exc
    except OSError as exc:
        raise OcrError(f"cannot run {tesseract()}: {exc}") from exc
    if done.returncode != 0 or not outbase.with_suffix(".hocr").exists():
        message = " ".join(line for line in done.stderr.splitlines() if line.strip())[-400:]
        raise OcrError(f"Tesseract failed (exit {done.returncode}): {message or 'no output'}")
    return done.stderr


@dataclass
class _Pass:
    text: str
    words: list[list]
    confidence: float | None
    dpi: int | None
    pdf: bytes | None
    steps: list[str]
    source: Path
    estimated: int | None  # Tesseract's own estimate, when it made one

    @property
    def score(self) -> float:
        # Confident words are what a reader and the search index can use.
        return sum(w[4] for w in self.words if w[4] > 0)


def _one_pass(source: Path, work: Path, name: str, options: OcrOptions, dpi: int | None, steps: list[str]) -> _Pass:
    outbase = work / name
    stderr = _run_tesseract(source, outbase, options, dpi)
    page = parse_hocr(outbase.with_suffix(".hocr").read_bytes())
    text = outbase.with_suffix(".txt").read_text(encoding="utf-8", errors="replace").replace("\f", "").strip()
    estimated = _ESTIMATED.search(stderr)
    used_dpi = dpi or (int(estimated.group(1)) if estimated else page.scan_res)
    pdf = outbase.with_suffix(".pdf").read_bytes() if options.searchable_pdf else None
    return _Pass(text, [w.as_row() for w in page.words], page.mean_confidence, used_dpi, pdf, steps, source,
                 int(estimated.group(1)) if estimated else None)


def _uncompressed(image: Image.Image, stem: Path) -> Path:
    """A working copy for Tesseract as PNM: written in milliseconds where PNG takes tens, and it states no
    resolution, so Tesseract uses the --dpi we pass or estimates one from the letters."""
    path = stem.with_suffix({"1": ".pbm", "L": ".pgm"}.get(image.mode, ".ppm"))
    image.save(path)
    return path


def _decode(path: Path) -> Image.Image:
    try:
        with Image.open(path) as opened:
            opened.load()
            return opened
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
        raise OcrError(f"cannot read image {path.name}: {exc}") from exc


def ocr_image(path: Path, options: OcrOptions | None = None) -> OcrResult:
    """Read one page image. Raises OcrError when the page cannot be read or has ink but yields no text."""
    options = options or OcrOptions()
    check_languages(options.languages)
    try:
        with Image.open(path) as opened:  # the header only: size, mode, resolution
            fmt, bilevel = opened.format, opened.mode == "1"
            stated_dpi = resolution.stated_dpi(opened.info.get("dpi"))
            dpi_plan = resolution.plan(opened.width, opened.height, stated_dpi)
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
        raise OcrError(f"cannot read image {path.name}: {exc}") from exc

    steps: list[str] = []
    info_dpi = dpi_plan.first
    settings: dict = {"options": options.as_dict(), "dpi_source": "file" if info_dpi else "estimated by tesseract"}
    cleanup = options.cleanup_steps()
    # Tesseract may read the file itself unless it states a dpi we do not believe (it would believe it).
    readable = fmt in {"PNG", "TIFF", "JPEG"} and (info_dpi == stated_dpi or stated_dpi is None)
    # A black-and-white scan has no contrast to fix: Tesseract reads the file itself and we decode it only if
    # the reading fails. Other pages get a quick look first (faint ink, uneven paper).
    image = None if bilevel and readable and not cleanup else _decode(path)
    look = PageLook.of(image) if image is not None and not bilevel else None
    with tempfile.TemporaryDirectory(prefix="readingroom-ocr-") as tmp:
        work = Path(tmp)
        working = flatten(image) if image is not None else None
        if look is not None and look.poor_contrast:
            # Tesseract's global threshold loses text on faint or unevenly lit pages (carbon copies, faded
            # ink, shading); normalising contrast first recovered such pages here. Clean pages skip this.
            working = normalise_contrast(working)
            steps.append("contrast")
            settings["contrast"] = look.poor_contrast
        if cleanup:
            working, applied = apply_cleanup(working, cleanup, work, options.languages)
            steps += applied
            settings["cleanup"] = applied
        # Hand Tesseract the original file when it can read it as it is: re-encoding costs time per page.
        # A stated but untrusted dpi (72/96) must be removed, or Tesseract would believe it.
        direct = readable and (working is None or working is image)
        source = path if direct else _uncompressed(working, work / "page")
        try:
            best = _one_pass(source, work, "pass1", options, info_dpi, steps)
        except OcrError:
            if not direct:
                raise
            # Some valid files (exotic TIFF compressions) Leptonica cannot read: give it a plain copy.
            working = working if working is not None else flatten(_decode(path))
            best = _one_pass(_uncompressed(working, work / "page"), work, "pass1", options, info_dpi, steps)
            settings["converted"] = True
        doubtful = not best.words or (best.confidence or 0) < LOW_CONFIDENCE
        if doubtful and working is None:
            working = flatten(_decode(path))
        if doubtful and look is None:
            look = PageLook.of(working)
        inked = look is None or look.has_ink  # not looked at: the page read well, so it has ink
        if inked and doubtful and "contrast" not in steps:
            # A page with ink that reads as nothing, or as very unsure text, is a failure to retry.
            retry_source = _uncompressed(normalise_contrast(working), work / "contrast")
            retry = _one_pass(retry_source, work, "pass2", options, info_dpi, [*steps, "contrast"])
            settings["retried"] = {"reason": "no text" if not best.words else f"confidence {best.confidence:.0f}",
                                   "first_pass_words": len(best.words)}
            if retry.score > best.score:
                best = retry
        passes = 1 + ("retried" in settings)
        poor = resolution.looks_poor(best.confidence, [str(w[5]) for w in best.words]) if dpi_plan.retry else ""
        if poor and inked:
            # The other dpi candidate (the stated one, or Tesseract's estimate): only for a doubted
            # resolution and a reading that looks poor, so a good page never pays for a second reading.
            other_source = best.source
            if other_source == path and dpi_plan.second is None:  # the file states the dpi we now doubt
                working = working if working is not None else flatten(_decode(path))
                other_source = _uncompressed(working, work / "page")
            other = _one_pass(other_source, work, "pass-dpi", options, dpi_plan.second, best.steps)
            passes += 1
            first_score, other_score = resolution.reading_score(best.words), resolution.reading_score(other.words)
            kept = "second" if other_score > first_score else "first"
            settings["dpi_retry"] = {"reason": poor, "first_dpi": best.dpi, "second_dpi": other.dpi,
                                     "scores": [round(first_score, 1), round(other_score, 1)], "kept": kept}
            if kept == "second":
                best = other
        settings["resolution"] = {**dpi_plan.as_dict(), "stated": stated_dpi, "estimated": best.estimated,
                                  "used": best.dpi, "passes": passes}
        settings["dpi_source"] = "file" if stated_dpi and best.dpi == stated_dpi else "estimated by tesseract"
    noise = [w for w in best.words if resolution.is_noise(str(w[5]))]
    if best.words and len(noise) == len(best.words):
        # Only specks, rules and symbols: a picture's texture read as "text". Nothing a reader could use.
        settings["noise_tokens"] = len(noise)
        best.text, best.words, best.confidence = "", [], None
    if not best.words:
        settings["steps"] = best.steps
        if inked:
            settings["no_text"] = True
            return OcrResult("", [], None, best.dpi, engine_version(), settings, None,
                             "no text found: the page has ink (a picture?) but no text, also after normalising "
                             "contrast", no_text=True)
        settings["blank"] = True
    settings["steps"] = best.steps
    warning = ""
    if best.confidence is not None and best.confidence < LOW_CONFIDENCE:
        warning = f"low mean word confidence ({best.confidence:.0f}/100): check this page"
    return OcrResult(best.text, best.words, best.confidence, best.dpi, engine_version(), settings, best.pdf, warning)


def tesseract_available() -> bool:
    return shutil.which(tesseract()) is not None
