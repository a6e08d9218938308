"""IIIF Image API 3.0 requests: parse and check a request against the image, and describe the image.

Rendering is iiif_render's (pyvips, over a tiled pyramid for large pages); iiif_cache keeps the
derivatives on disk, keyed by the page checksum and the request, so a re-imported (changed) scan never
shows a stale tile. Compliance: every level 2 feature (regions by pixel/percent/square, sizes
w,/,h/w,h/!w,h/pct:/max, rotation by 90s, default/color/gray/bitonal, jpg/png); no upscaling (`^`), no
mirroring. Every malformed parameter is an IIIFError (400), never an exception from arithmetic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROFILE = "level2"
TILE_SIZE = 512
# A request above these is refused (and `max` stops there): a reader never needs more, and it bounds
# the time and memory of one render. The original is downloadable as it is.
MAX_WIDTH = 4000
MAX_HEIGHT = 4000
MAX_AREA = 10_000_000
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}
QUALITIES = ("default", "color", "gray", "bitonal")
# ASCII digits only: str.isdigit() and float() accept "²", "1_0", "inf" and "nan".
_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


class IIIFError(ValueError):
    """A request the server cannot satisfy; `status` is the HTTP status the spec asks for."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ImageRequest:
    region: tuple[int, int, int, int]  # x, y, w, h in full-image pixels
    size: tuple[int, int]  # output width, height before rotation
    rotation: int
    quality: str
    format: str

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][1]

    def key(self) -> str:
        x, y, w, h = self.region
        return f"{x},{y},{w},{h}_{self.size[0]},{self.size[1]}_{self.rotation}_{self.quality}.{self.format}"


def _number(text: str, what: str) -> float:
    if not _DECIMAL.fullmatch(text):
        raise IIIFError(f"{what}: {text[:40]!r} is not a non-negative decimal number")
    value = float(text)
    if not math.isfinite(value):
        raise IIIFError(f"{what}: {text[:40]!r} is too large")
    return value


def _integer(text: str) -> int | None:
    return int(text) if _INTEGER.fullmatch(text) and len(text) <= 12 else None


def parse_region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if region.startswith("pct:"):
        texts = region[4:].split(",")
        if len(texts) != 4:
            raise IIIFError(f"region {region[:80]!r}: expected pct:x,y,w,h")
        pct = [min(_number(p, "region"), 1000.0) for p in texts]  # beyond 100% is cropped anyway
        x, y = math.floor(pct[0] * width / 100), math.floor(pct[1] * height / 100)
        w, h = round(pct[2] * width / 100), round(pct[3] * height / 100)
    else:
        numbers = [_integer(p) for p in region.split(",")]
        if len(numbers) != 4 or None in numbers:
            raise IIIFError(f"region {region[:80]!r}: expected full, square, x,y,w,h or pct:x,y,w,h")
        x, y, w, h = (n or 0 for n in numbers)
    if w <= 0 or h <= 0:
        raise IIIFError(f"region {region[:80]!r} has no area")
    if x >= width or y >= height:
        raise IIIFError(f"region {region[:80]!r} lies outside the {width}x{height} image")
    # The spec crops a region that overhangs the image edge.
    return x, y, min(w, width - x), min(h, height - y)


def parse_size(size: str, region_w: int, region_h: int) -> tuple[int, int]:
    if size.startswith("^"):
        raise IIIFError("upscaling (^) is not supported")
    if size == "max":
        scale = min(1.0, MAX_WIDTH / region_w, MAX_HEIGHT / region_h, (MAX_AREA / (region_w * region_h)) ** 0.5)
        return max(1, int(region_w * scale)), max(1, int(region_h * scale))
    if size.startswith("pct:"):
        pct = _number(size[4:], "size")
        if pct <= 0 or pct > 100:
            raise IIIFError(f"size {size[:80]!r}: percent must be in (0, 100]")
        w, h = round(region_w * pct / 100), round(region_h * pct / 100)
    else:
        confined = size.startswith("!")
        spec = size[1:] if confined else size
        parts = spec.split(",")
        if len(parts) != 2 or not all(p == "" or _integer(p) is not None for p in parts) or parts == ["", ""]:
            raise IIIFError(f"size {size[:80]!r}: expected max, w,, ,h, w,h, !w,h or pct:n")
        want_w = _integer(parts[0])
        want_h = _integer(parts[1])
        if want_w == 0 or want_h == 0:
            raise IIIFError(f"size {size[:80]!r}: a zero width or height has no pixels")
        if confined:
            if want_w is None or want_h is None:
                raise IIIFError(f"size {size[:80]!r}: !w,h needs both")
            scale = min(want_w / region_w, want_h / region_h)
            w, h = round(region_w * scale), round(region_h * scale)
        elif want_w is not None and want_h is not None:
            w, h = want_w, want_h
        elif want_w is not None:
            w, h = want_w, round(region_h * want_w / region_w)
        else:
            assert want_h is not None
            w, h = round(region_w * want_h / region_h), want_h
    w, h = max(1, w), max(1, h)
    if w > region_w or h > region_h:
        raise IIIFError(f"size {size[:80]!r} is larger than the region ({region_w}x{region_h}); upscaling is not supported")
    if w > MAX_WIDTH or h > MAX_HEIGHT or w * h > MAX_AREA:
        raise IIIFError(f"size {size[:80]!r} exceeds the limit of {MAX_WIDTH}x{MAX_HEIGHT} and {MAX_AREA:,} pixels")
    return w, h


def parse_request(region: str, size: str, rotation: str, quality_format: str,
                  width: int, height: int) -> ImageRequest:
    rect = parse_region(region, width, height)
    out = parse_size(size, rect[2], rect[3])
    if rotation.startswith("!"):
        raise IIIFError("mirroring is not supported")
    if rotation not in {"0", "90", "180", "270"}:
        raise IIIFError(f"rotation {rotation[:40]!r}: only 0, 90, 180 and 270 are supported")
    quality, _, fmt = quality_format.rpartition(".")
    if quality not in QUALITIES:
        raise IIIFError(f"quality {quality[:40]!r}: expected one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        raise IIIFError(f"format {fmt[:40]!r}: expected jpg or png", status=415 if fmt else 400)
    return ImageRequest(rect, out, int(rotation), quality, fmt)


def scale_factors(width: int, height: int, tile: int = TILE_SIZE) -> list[int]:
    factors = [1]
    while max(width, height) / factors[-1] > tile:
        factors.append(factors[-1] * 2)
    return factors


def info(image_id: str, width: int, height: int) -> dict:
    """The info.json document for one image."""
    sizes = []
    for factor in reversed(scale_factors(width, height)):
        w, h = max(1, width // factor), max(1, height // factor)
        if w <= MAX_WIDTH and h <= MAX_HEIGHT:
            sizes.append({"width": w, "height": h})
    return {
        "@context": CONTEXT,
        "id": image_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": PROFILE,
        "width": width,
        "height": height,
        "maxWidth": MAX_WIDTH,
        "maxHeight": MAX_HEIGHT,
        "maxArea": MAX_AREA,
        "sizes": sizes,
        "tiles": [{"width": TILE_SIZE, "height": TILE_SIZE, "scaleFactors": scale_factors(width, height)}],
        "extraQualities": ["color", "gray", "bitonal"],
        "extraFormats": ["png"],
        "extraFeatures": ["rotationBy90s"],
    }


def image_size(path: Path) -> tuple[int, int]:
    # Reads the header only: Pillow decodes pixels lazily.
    with Image.open(path) as img:
        return img.size
