"""Finding the processes a test started (through /proc), to kill one in the middle of a page."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def reading_child(parent: int) -> int | None:
    """The child of `parent` that is running Tesseract right now, if any."""
    for child in children(parent):
        if any(command_name(g) == "tesseract" for g in children(child)):
            return child
    return None
