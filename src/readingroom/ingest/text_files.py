"""Reading text files of unknown encoding safely: UTF-8 first, then cp1252, and say which."""

from __future__ import annotations

from pathlib import Path

MAX_TEXT_BYTES = 50 * 1024 * 1024  # an exported page is a few KB; 50 MB is surely not one


class TextFileError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def read_text(path: Path, max_bytes: int = MAX_TEXT_BYTES) -> tuple[str, str]:
    """The file's text and the encoding it was read with. Raises TextFileError with a clear reason."""
    size = path.stat().st_size
    if size == 0:
        raise TextFileError("empty file")
    if size > max_bytes:
        raise TextFileError(f"file is too large for a text export ({size / 1024**2:.0f} MB; the limit is "
                            f"{max_bytes // 1024**2} MB)")
    data = path.read_bytes()
    if b"\x00" in data:
        raise TextFileError("binary file, not text (it contains NUL bytes)", line=data[: data.index(b"\x00")].count(b"\n") + 1)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise TextFileError(f"undecodable bytes: neither UTF-8 nor cp1252 (first bad byte at offset "
                            f"{utf8_error.start})", line=line) from None
    return text, "cp1252"
