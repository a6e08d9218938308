"""The IIIF derivative cache on disk, bounded in size.

Every region, size, rotation and format a viewer asks for is rendered once and kept, so a deep-zoom
viewer over 10^6 pages would otherwise fill the disk. When the files written since the last check pass a
tenth of the limit, the cache is measured and the least recently used derivatives (by modification time,
which a cache hit refreshes) are removed until it is back under 90% of the limit. Originals are never
here, so nothing but render time is lost. A large page's tiled pyramid (iiif_pyramid) sits in the same
folder as its derivatives and is pruned by the same rule. Renders run under the process's render slots
(iiif_limits); a cache hit needs none.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyvips

from . import iiif_image, iiif_pyramid, iiif_render
from .iiif_limits import RenderSlots

PRUNE_TO = 0.9  # prune down to this share of the limit, so the next prune is not one write away


@dataclass
class CacheReport:
    files: int
    bytes: int
    removed_files: int = 0
    removed_bytes: int = 0


class DerivativeCache:
    def __init__(self, root: Path, limit_bytes: int, slots: RenderSlots | None = None) -> None:
        self.root = root
        self.limit = max(0, limit_bytes)
        self.slots = slots or RenderSlots(os.cpu_count() or 2, 2.0)
        self._lock = threading.Lock()
        # Bytes written by this process since it last measured; None: never measured, so measure at once.
        self._written: int | None = None

    def folder(self, source: Path, version: str) -> Path:
        return self.root / hashlib.sha256(f"{source}|{version}".encode()).hexdigest()[:24]

    def open(self, source: Path, request: iiif_image.ImageRequest, version: str,
             full_size: tuple[int, int]) -> BinaryIO:
        """An open file of the derivative, rendered on first use. `version` (the scan's checksum) keys
        the folder, so a replaced scan never serves stale derivatives or pyramid. Raises
        iiif_limits.Busy when no render slot frees up in time."""
        folder = self.folder(source, version)
        target = folder / request.key()
        handle = _complete(target, request.format)
        if handle:
            return handle
        with self.slots.slot():
            handle = _complete(target, request.format)  # rendered by another request meanwhile
            if handle:
                return handle
            data = self._render(source, folder, request, full_size)
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        temp = folder / f".{request.key()}.{os.getpid()}.{threading.get_ident()}.tmp"
        temp.write_bytes(data)
        os.replace(temp, target)
        handle = target.open("rb")  # open before pruning: an open file survives its own removal (POSIX)
        self._after_write(len(data))
        return handle

    def _render(self, source: Path, folder: Path, request: iiif_image.ImageRequest,
                full_size: tuple[int, int]) -> bytes:
        if not iiif_pyramid.needed(*full_size):
            return iiif_render.render(source, request, full_size=full_size)
        pyramid = iiif_pyramid.ensure(folder, source, self.slots.wait)
        try:
            return iiif_render.render(source, request, full_size=full_size, pyramid=pyramid)
        except pyvips.Error:
            # Damaged on disk after it was made (its size alone did not tell): make it again, once.
            iiif_pyramid.discard(pyramid)
            pyramid = iiif_pyramid.ensure(folder, source, self.slots.wait)
            return iiif_render.render(source, request, full_size=full_size, pyramid=pyramid)

    def _after_write(self, size: int) -> None:
        with self._lock:
            due = self._written is None or self._written + size > self.limit // 10
            self._written = 0 if due else (self._written or 0) + size
        if due:
            self.prune()

    def measure(self) -> CacheReport:
        files = list(self._files())
        return CacheReport(files=len(files), bytes=sum(size for _path, size, _mtime in files))

    def prune(self, limit_bytes: int | None = None) -> CacheReport:
        """Remove the least recently used derivatives until the cache is under PRUNE_TO of the limit
        (when it is over the limit), and say what is left."""
        limit = self.limit if limit_bytes is None else max(0, limit_bytes)
        files = sorted(self._files(), key=lambda item: item[2])
        total = sum(size for _path, size, _mtime in files)
        report = CacheReport(files=len(files), bytes=total)
        if total <= limit:
            return report
        goal = int(limit * PRUNE_TO)
        for path, size, _mtime in files:
            if report.bytes <= goal:
                break
            try:
                path.unlink()
            except FileNotFoundError:
                continue  # another process pruned it first
            report.bytes -= size
            report.files -= 1
            report.removed_files += 1
            report.removed_bytes += size
        self._remove_empty_folders()
        return report

    def _files(self):
        """(path, size, mtime) of every finished derivative; temporary files of renders in progress are
        left alone."""
        if not self.root.is_dir():
            return
        with os.scandir(self.root) as folders:
            for folder in folders:
                if not folder.is_dir(follow_symlinks=False):
                    continue
                try:
                    with os.scandir(folder.path) as entries:
                        for entry in entries:
                            if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                                continue
                            try:
                                st = entry.stat(follow_symlinks=False)
                            except FileNotFoundError:
                                continue
                            yield Path(entry.path), st.st_size, st.st_mtime_ns
                except FileNotFoundError:
                    continue

    def _remove_empty_folders(self) -> None:
        with os.scandir(self.root) as folders:
            for folder in folders:
                if folder.is_dir(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        if os.listdir(folder.path) == [".pyramid.lock"]:
                            # Left by a pyramid that is gone: at worst two processes make the next one twice.
                            os.unlink(os.path.join(folder.path, ".pyramid.lock"))
                        os.rmdir(folder.path)  # only succeeds when empty


def _complete(path: Path, fmt: str) -> BinaryIO | None:
    """The cached derivative opened, or None when it is missing or cut short (a full disk, a crash of
    the machine between write and flush): then it is rendered again."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    try:
        handle.seek(-12, os.SEEK_END)
        tail = handle.read()
    except OSError:
        tail = b""
    if not (tail.endswith(b"\xff\xd9") if fmt == "jpg" else b"IEND" in tail):
        handle.close()
        return None
    handle.seek(0)
    _touch(path)  # recently used: pruned last
    return handle


def _touch(path: Path) -> None:
    # Read-only media or a race with pruning: the hit is still served.
    with contextlib.suppress(OSError):
        os.utime(path)


_caches: dict[tuple[str, int], DerivativeCache] = {}


def for_settings() -> DerivativeCache:
    """The process's cache for the configured directory and limit (READINGROOM_IIIF_CACHE_MB)."""
    from django.conf import settings

    key = (str(settings.READINGROOM_IIIF_CACHE_DIR), int(settings.READINGROOM_IIIF_CACHE_MB))
    cache = _caches.get(key)
    if cache is None:
        slots = _slots.get("process")
        if slots is None:
            slots = _slots["process"] = RenderSlots(settings.READINGROOM_IIIF_RENDERS,
                                                    settings.READINGROOM_IIIF_RENDER_WAIT)
        cache = _caches[key] = DerivativeCache(Path(key[0]), key[1] * 1024 * 1024, slots)
    return cache


# One set of render slots per process, whatever caches (directories) it serves.
_slots: dict[str, RenderSlots] = {}
