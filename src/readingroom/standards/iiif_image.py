"""IIIF Image API 3.0 over Pillow: parse a request, cut and scale the stored original.

The original scan is never modified; iiif_cache keeps the derivatives on disk, keyed by the page
checksum and the request, so a re-imported (changed) scan never shows a stale tile.
Compliance: every level 2 feature (regions by pixel/percent/square, sizes w,/,h/w,h/!w,h/pct:/max,
rotation by 90s, default/color/gray, jpg/png); no upscaling (`^`), no mirroring.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROFILE = "level2"
TILE_SIZE = 512
# A request above these is refused: a reader never needs more, and it bounds memory per request.
MAX_WIDTH = 6000
MAX_HEIGHT = 6000
MAX_AREA = 6000 * 6000
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}
QUALITIES = ("default", "color", "gray")


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
    try:
        value = float(text)
    except ValueError:
        raise IIIFError(f"{what}: {text!r} is not a number") from None
    if value < 0 or value != value:
        raise IIIFError(f"{what}: {text!r} must not be negative")
    return value


def parse_region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if region.startswith("pct:"):
        parts = [_number(p, "region") for p in region[4:].split(",")]
        if len(parts) != 4:
            raise IIIFError(f"region {region!r}: expected pct:x,y,w,h")
        x, y, w, h = (round(parts[0] * width / 100), round(parts[1] * height / 100),
                      round(parts[2] * width / 100), round(parts[3] * height / 100))
    else:
        parts = region.split(",")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            raise IIIFError(f"region {region!r}: expected full, square, x,y,w,h or pct:x,y,w,h")
        x, y, w, h = (int(p) for p in parts)
    if w <= 0 or h <= 0:
        raise IIIFError(f"region {region!r} has no area")
    if x >= width or y >= height:
        raise IIIFError(f"region {region!r} lies outside the {width}x{height} image")
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
            raise IIIFError(f"size {size!r}: percent must be in (0, 100]")
        w, h = round(region_w * pct / 100), round(region_h * pct / 100)
    else:
        confined = size.startswith("!")
        spec = size[1:] if confined else size
        parts = spec.split(",")
        if len(parts) != 2 or not all(p == "" or p.isdigit() for p in parts) or parts == ["", ""]:
            raise IIIFError(f"size {size!r}: expected max, w,, ,h, w,h, !w,h or pct:n")
        want_w = int(parts[0]) if parts[0] else None
        want_h = int(parts[1]) if parts[1] else None
        if want_w == 0 or want_h == 0:
            raise IIIFError(f"size {size!r}: a zero width or height has no pixels")
        if confined:
            if want_w is None or want_h is None:
                raise IIIFError(f"size {size!r}: !w,h needs both")
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
        raise IIIFError(f"size {size!r} is larger than the region ({region_w}x{region_h}); upscaling is not supported")
    if w > MAX_WIDTH or h > MAX_HEIGHT or w * h > MAX_AREA:
        raise IIIFError(f"size {size!r} exceeds the limit of {MAX_WIDTH}x{MAX_HEIGHT} pixels", status=400)
    return w, h


def parse_request(region: str, size: str, rotation: str, quality_format: str,
                  width: int, height: int) -> ImageRequest:
    rect = parse_region(region, width, height)
    out = parse_size(size, rect[2], rect[3])
    if rotation.startswith("!"):
        raise IIIFError("mirroring is not supported")
    if rotation not in {"0", "90", "180", "270"}:
        raise IIIFError(f"rotation {rotation!r}: only 0, 90, 180 and 270 are supported")
    quality, _, fmt = quality_format.rpartition(".")
    if quality not in QUALITIES:
        raise IIIFError(f"quality {quality!r}: expected one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        raise IIIFError(f"format {fmt!r}: expected jpg or png", status=415 if fmt else 400)
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
        "extraQualities": ["color", "gray"],
        "extraFormats": ["png"],
        "extraFeatures": ["rotationBy90s"],
    }


def image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as img:
        return img.size


def render(source: Path, request: ImageRequest) -> bytes:
    with Image.open(source) as img:
        x, y, w, h = request.region
        out_w, out_h = request.size
        # JPEG can decode at 1/2, 1/4, 1/8 scale directly: far cheaper for zoomed-out tiles.
        full_w, full_h = img.size
        if img.format == "JPEG":
            img.draft(img.mode, (max(1, full_w * out_w // w), max(1, full_h * out_h // h)))
            fx, fy = img.width / full_w, img.height / full_h
            box = (round(x * fx), round(y * fy), round((x + w) * fx), round((y + h) * fy))
        else:
            box = (x, y, x + w, y + h)
        picture = img.crop(box)
        if picture.size != (out_w, out_h):
            picture = picture.resize((out_w, out_h), Image.Resampling.LANCZOS)
    if request.rotation:
        picture = picture.rotate(-request.rotation, expand=True)
    if request.quality == "gray":
        picture = picture.convert("L")
    elif picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    buffer = io.BytesIO()
    pil_format = FORMATS[request.format][0]
    if pil_format == "JPEG":
        picture.save(buffer, pil_format, quality=85, optimize=False)
    else:
        picture.save(buffer, pil_format)
    return buffer.getvalue()
