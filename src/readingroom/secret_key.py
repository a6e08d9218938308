"""The site's secret key (it signs sessions and CSRF tokens): from READINGROOM_SECRET_KEY, else from a
file in the data directory that the first command to make the directory writes once, readable by the
owner only. Imported by settings, so it must not import Django."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"
# Used only when neither the variable nor the file is there (a bare `python -m django` on a fresh
# checkout, the tests): `readingroom serve` refuses it unless READINGROOM_DEBUG is on.
DEVELOPMENT_KEY = "insecure-development-key-change-me-in-production"


def key_file(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def read(data_dir: Path) -> str | None:
    """The key in the data directory, or None where there is no file (or only an empty one)."""
    try:
        key = key_file(data_dir).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return key or None


def ensure(data_dir: Path) -> str:
    """The data directory's key, written first if there is none. Safe when two commands start at once:
    the file appears complete or not at all (written aside, then linked into place), and the first wins."""
    existing = read(data_dir)
    if existing:
        return existing
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = key_file(data_dir)
    aside = data_dir / f".{FILE_NAME}.{os.getpid()}.tmp"
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (secrets.token_urlsafe(50) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if not target.exists():
            os.link(aside, target)
        elif read(data_dir) is None:  # an empty file left by a crash: replace it
            os.replace(aside, target)
    except FileExistsError:
        pass  # another command wrote it first; use theirs
    finally:
        aside.unlink(missing_ok=True)
    key = read(data_dir)
    if not key:
        raise OSError(f"cannot write the secret key to {target}")
    return key


def weakness(key: str) -> str | None:
    """Why a key must not serve the public, or None. The length rule is Django's own deploy check's."""
    if key == DEVELOPMENT_KEY:
        return "the secret key is the development key"
    if len(key) < 50 or len(set(key)) < 5:
        return "the secret key is too weak (fewer than 50 characters or 5 different ones)"
    return None
