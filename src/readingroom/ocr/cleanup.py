"""Optional page clean-up before OCR: rotation, deskew, unpaper. Off by default.

Measured on real table pages, deskew lowered word recall, and cleaning or rotation made no difference,
so each step is opt-in and recorded with the page's OCR settings (benchmarks/ocr.py measures each one).
When rotate or deskew change the geometry, word boxes refer to the cleaned image (the settings say so).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from PIL import Image, ImageOps

from .errors import OcrError

CLEANUP_STEPS = ("rotate", "deskew", "clean")
_ROTATE = re.compile(r"Rotate:\s*(\d+)")


def apply_cleanup(image: Image.Image, steps: list[str], work: Path, languages: str) -> tuple[Image.Image, list[str]]:
    """Apply the requested steps in a fixed order; returns the image and what was actually done."""
    applied: list[str] = []
    if "rotate" in steps:
        angle = detect_rotation(image, work)
        if angle:
            # Tesseract's "Rotate: N" is clockwise; Pillow turns counter-clockwise.
            image = image.rotate(-angle, expand=True, fillcolor="white" if image.mode != "1" else 1)
            applied.append(f"rotate {angle}")
        else:
            applied.append("rotate 0")
    if "deskew" in steps:
        angle = skew_angle(image)
        if abs(angle) >= 0.1:
            image = image.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        applied.append(f"deskew {angle:+.2f}")
    if "clean" in steps:
        image = unpaper(image, work)
        applied.append("unpaper")
    return image, applied


def detect_rotation(image: Image.Image, work: Path) -> int:
    """Tesseract's orientation detection (OSD); 0 when it cannot tell (too little text)."""
    source = work / "osd.png"
    image.save(source, compress_level=1)
    # Tesseract's environment (PATH, TESSDATA_PREFIX pass through), on one thread: pages run in parallel.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(["tesseract", str(source), "-", "--psm", "0", "-l", "osd"], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    match = _ROTATE.search(done.stdout)
    return int(match.group(1)) % 360 if match else 0


def skew_angle(image: Image.Image, limit: float = 5.0) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal: the angle whose
    horizontal projection has the sharpest rows (largest variance of row ink counts)."""
    gray = ImageOps.invert(image.convert("L"))
    gray.thumbnail((900, 900))
    ink = gray.point(lambda v: 255 if v > 96 else 0)

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False)
        # Squeezing each row to one pixel averages it: the row's ink, computed in C.
        profile = list(turned.resize((1, turned.height), Image.Resampling.BOX).getdata())
        mean = sum(profile) / len(profile)
        return sum((p - mean) ** 2 for p in profile)

    best, best_score = 0.0, sharpness(0.0)
    step = 1.0
    candidates = [a * step for a in range(-int(limit), int(limit) + 1)]
    for _ in range(3):
        for angle in candidates:
            score = sharpness(angle)
            if score > best_score:
                best, best_score = angle, score
        step /= 4
        candidates = [best + k * step for k in range(-3, 4) if k]
    return round(best, 2)


def unpaper(image: Image.Image, work: Path) -> Image.Image:
    """unpaper's noise and border clean-up, with its own deskew and masking off (as OCRmyPDF's --clean)."""
    source, target = work / "unpaper-in.pgm", work / "unpaper-out.pgm"
    image.convert("L").save(source)
    command = ["unpaper", "--overwrite", "--quiet", "--layout", "none", "--mask-scan-size", "100",
               "--no-border-align", "--no-mask-center", "--no-grayfilter", "--no-blackfilter", "--no-deskew",
               str(source), str(target)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not target.exists():
        raise OcrError(f"unpaper failed: {done.stderr.strip()[-300:] or done.returncode}")
    with Image.open(target) as cleaned:
        cleaned.load()
        return cleaned.copy()
