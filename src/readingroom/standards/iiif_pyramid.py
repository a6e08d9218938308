"""A tiled pyramidal TIFF of a large page, made once, so that any region or size reads only its tiles.

Decoding a 12000x12000 PNG for every uncached tile costs seconds and hundreds of MB; its pyramid (JPEG
tiles of 256 px, each level half the last) costs one decode, then tens of ms and tens of MB per tile.
The pyramid lives in the page's folder of the derivative cache (the original is never touched), is
written under a temporary name then renamed, and carries its size in its name: a truncated or damaged
one is found, removed and made again. One process makes it; the others wait for its lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

import pyvips

from .iiif_limits import Busy
from .iiif_render import eight_bit

# Pages above this many pixels get a pyramid; below it a whole decode is cheaper than making one.
PYRAMID_PIXELS = 16_000_000
TILE = 256
TILE_QUALITY = 90
PREFIX = "pyramid."


def needed(width: int, height: int) -> bool:
    return width * height > PYRAMID_PIXELS


def find(folder: Path) -> Path | None:
    """The page's finished pyramid, or None; one whose size is not the size it was written with is removed."""
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            if entry.name.startswith(PREFIX) and entry.name.endswith(".tif"):
                path = Path(entry.path)
                expected = entry.name[len(PREFIX):-len(".tif")]
                if expected.isdigit() and entry.stat().st_size == int(expected):
                    return path
                discard(path)
    return None


def discard(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def ensure(folder: Path, source: Path, wait: float) -> Path:
    """The page's pyramid, made now if there is none. Raises Busy when another process or thread is
    still making it after `wait` seconds."""
    found = find(folder)
    if found:
        _touch(found)
        return found
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".pyramid.lock", "a+b") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Busy("this page's image is being prepared; try again shortly", retry_after=5) from None
                time.sleep(0.05)
        try:
            return find(folder) or build(source, folder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(source: Path, folder: Path) -> Path:
    temp = folder / f".pyramid.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        image = eight_bit(pyvips.Image.new_from_file(str(source), access="sequential", fail=True))
        image.tiffsave(str(temp), tile=True, tile_width=TILE, tile_height=TILE, pyramid=True,
                       compression="jpeg", Q=TILE_QUALITY, bigtiff=True, strip=True)
        target = folder / f"{PREFIX}{temp.stat().st_size}.tif"
        os.replace(temp, target)
    finally:
        discard(temp)
    return target


def _touch(path: Path) -> None:
    # The cache prunes least recently used files first: a pyramid in use is kept.
    with contextlib.suppress(OSError):
        os.utime(path)
