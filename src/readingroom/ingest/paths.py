"""Files a sidecar names: kept inside the folder it describes."""

from __future__ import annotations

import re
from pathlib import Path


class ScanError(Exception):
    """A page file that cannot be accepted; the message names the file and says why."""


def resolve_inside(folder: Path, name: str) -> Path:
    """The file a sidecar names, refusing absolute paths, '..' and symlinks that lead out of the folder."""
    raw = name.strip()
    if not raw:
        raise ScanError("empty file name")
    candidate = Path(raw)
    if candidate.is_absolute() or raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw):
        raise ScanError(f"{raw}: absolute paths are not allowed; name files relative to the scan folder")
    if ".." in candidate.parts:
        raise ScanError(f"{raw}: the path leaves the scan folder ('..' is not allowed)")
    base = folder.resolve()
    path = base / candidate
    if not path.exists() and not path.is_symlink():
        raise ScanError(f"{raw}: no such file in {folder}")
    real = path.resolve()
    if not real.is_relative_to(base):
        raise ScanError(f"{raw}: a link that leads out of the scan folder (to {real})")
    if not real.is_file():
        raise ScanError(f"{raw}: not a file")
    return real
