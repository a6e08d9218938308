"""Render one IIIF request with libvips, decoding only what it needs.

A large page is read from its tiled pyramid (iiif_pyramid): the level just above the wanted scale, and
only the tiles under the region. A small page is read from the original, JPEG at 1/2, 1/4 or 1/8 scale
when that is enough (libjpeg's shrink-on-load). Either way memory follows the output, not the page.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyvips

from .iiif_image import ImageRequest

# Every render opens its own files: libvips' operation cache would keep decoded images alive between
# requests, which is what the derivative cache on disk is for.
pyvips.cache_set_max(0)

JPEG_QUALITY = 85


def render(source: Path, request: ImageRequest, *, full_size: tuple[int, int],
           pyramid: Path | None = None) -> bytes:
    """The encoded derivative. `pyramid`, when given, stands in for `source` (same picture, tiled)."""
    x, y, w, h = request.region
    out_w, out_h = request.size
    # How much smaller than the region the output may be read: the level (or JPEG shrink) to use.
    shrink = max(1.0, min(w / out_w, h / out_h))
    image = _level(pyramid, shrink) if pyramid else _original(source, shrink)
    fx, fy = full_size[0] / image.width, full_size[1] / image.height
    left, top = math.floor(x / fx), math.floor(y / fy)
    right = min(image.width, max(left + 1, math.ceil((x + w) / fx)))
    bottom = min(image.height, max(top + 1, math.ceil((y + h) / fy)))
    picture = eight_bit(image.crop(left, top, right - left, bottom - top))
    if (picture.width, picture.height) != (out_w, out_h):
        picture = picture.resize(out_w / picture.width, vscale=out_h / picture.height, kernel="lanczos3")
        picture = _exact(picture, out_w, out_h)
    if request.rotation:
        picture = picture.rotate(request.rotation)
    if request.quality in ("gray", "bitonal") and picture.bands >= 3:
        picture = picture.colourspace("b-w")
    if request.quality == "bitonal":
        picture = (picture >= 128).ifthenelse(255, 0).cast("uchar")
    if request.format == "jpg":
        return picture.jpegsave_buffer(Q=JPEG_QUALITY, strip=True)
    if request.quality == "bitonal":
        return picture.pngsave_buffer(compression=6, bitdepth=1, strip=True)
    return picture.pngsave_buffer(compression=6, strip=True)


def _original(source: Path, shrink: float) -> pyvips.Image:
    image = pyvips.Image.new_from_file(str(source))
    if image.get("vips-loader").startswith("jpegload"):
        factor = next((f for f in (8, 4, 2) if f <= shrink), 1)
        if factor > 1:
            image = pyvips.Image.new_from_file(str(source), shrink=factor)
    return image


def _level(pyramid: Path, shrink: float) -> pyvips.Image:
    levels = pyvips.Image.new_from_file(str(pyramid)).get("n-pages")
    # Level n is 2^n smaller; take the smallest one still at least as large as the output.
    level = min(levels - 1, max(0, int(math.floor(math.log2(shrink)))))
    return pyvips.Image.new_from_file(str(pyramid), page=level, fail=True)


def eight_bit(image: pyvips.Image) -> pyvips.Image:
    """sRGB or grey, 8 bits, no alpha (flattened onto white paper): what JPEG and viewers expect."""
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.interpretation not in ("srgb", "b-w") or image.format != "uchar":
        image = image.colourspace("srgb" if image.bands >= 3 else "b-w")
        if image.format != "uchar":
            image = image.cast("uchar")
    return image


def _exact(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    # resize rounds each side; a pixel short or over is filled from the edge or cut, never left wrong.
    if (image.width, image.height) == (width, height):
        return image
    return image.gravity("north-west", width, height, extend="copy")
