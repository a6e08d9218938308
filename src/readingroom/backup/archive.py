"""The backup file: a tar of the database snapshot, the media files and a manifest of their checksums.

Restoring reads the whole file twice: first every member's SHA-256 against the manifest (nothing is
written), then, only if all match, the files themselves."""

from __future__ import annotations

import hashlib
import io
import json
import platform
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
FORMAT = "readingroom-backup/1"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup file that cannot be trusted or read: one line for the user."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def versions(engine: str, migrations: dict[str, str]) -> dict:
    from importlib.metadata import version

    import django

    return {"readingroom": version("readingroom"), "python": platform.python_version(),
            "django": django.get_version(), "engine": engine, "migrations": migrations}


@dataclass
class Written:
    files: int = 0
    bytes: int = 0
    entries: dict[str, dict] = field(default_factory=dict)


def media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """Every file under the media root, as (name in the backup, path), in a stable order."""
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield "media/" + path.relative_to(media_root).as_posix(), path


def write(target: Path, database: tuple[str, Path], media: list[tuple[str, Path]], meta: dict,
          on_file: Callable[[str], None] | None = None) -> Written:
    """Write the tar to a temporary name beside `target` and rename it at the end: a backup that stopped
    halfway never sits under the real name."""
    partial = target.with_name(target.name + ".partial")
    written = Written()
    try:
        with tarfile.open(partial, "w") as tar:
            for name, path in [database, *media]:
                try:
                    checksum, size = sha256_file(path), path.stat().st_size
                    tar.add(path, arcname=name, recursive=False)
                except FileNotFoundError:  # a page deleted since the listing: the snapshot no longer has it
                    continue
                written.entries[name] = {"sha256": checksum, "size": size}
                written.files += 1
                written.bytes += size
                if on_file:
                    on_file(name)
            manifest = json.dumps({"format": FORMAT, **meta, "files": written.entries}, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest)
            info.mtime = int(meta.get("created_epoch", 0))
            tar.addfile(info, io.BytesIO(manifest))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and (name == MANIFEST or path.parts[0] in {"database", "media"})


def verify(source: Path, on_file: Callable[[str], None] | None = None) -> dict:
    """Check every member against the manifest without writing anything; returns the manifest."""
    found: dict[str, str] = {}
    manifest: dict | None = None
    try:
        with tarfile.open(source, "r:") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"{source}: unexpected entry {member.name!r}; not a readingroom backup")
                fh = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = _manifest(fh.read(), source)
                    continue
                data = hashlib.sha256()
                while block := fh.read(CHUNK):
                    data.update(block)
                found[member.name] = data.hexdigest()
                if on_file:
                    on_file(member.name)
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{source}: damaged or truncated backup ({exc})") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if manifest is None:
        raise BackupError(f"{source}: no manifest; truncated, or not a readingroom backup")
    listed = manifest.get("files", {})
    for name, entry in listed.items():
        if name not in found:
            raise BackupError(f"{source}: {name} is missing; the backup is incomplete")
        if found[name] != entry.get("sha256"):
            raise BackupError(f"{source}: checksum mismatch for {name}; the backup was changed or damaged")
    extra = sorted(set(found) - set(listed) - {MANIFEST})
    if extra:
        raise BackupError(f"{source}: {extra[0]} is not in the manifest; the backup was changed")
    return manifest


def _manifest(raw: bytes, source: Path) -> dict:
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BackupError(f"{source}: the manifest is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: not a readingroom backup ({FORMAT})")
    return manifest


def extract(source: Path, manifest: dict, destinations: dict[str, Path],
            on_file: Callable[[str], None] | None = None) -> None:
    """Write the verified members: `destinations` maps a top folder ("database", "media") to where it goes.
    Each file is checked again as it is written (the file could change between the two reads)."""
    listed = manifest["files"]
    with tarfile.open(source, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            top, _, rest = member.name.partition("/")
            target = destinations[top] / rest
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            fh = tar.extractfile(member)
            with target.open("wb") as out:
                while block := fh.read(CHUNK):
                    digest.update(block)
                    out.write(block)
            if digest.hexdigest() != listed[member.name]["sha256"]:
                raise BackupError(f"{source}: {member.name} changed while it was being restored")
            if on_file:
                on_file(member.name)
