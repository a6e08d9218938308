"""Documents a volume no longer has: a corrected FRUS volume file may drop documents an earlier import
stored. After every file of a volume has been read to its end without a fatal problem, the ids stored
under the volume's collection are compared with the ids read; those missing are reported as warnings and,
with `readingroom import --withdraw-missing`, set to staff-only access (never deleted: contents, staff
edits and history stay, and the admin can make them public again).

Only formats whose files each hold whole volumes take part (`whole_volumes = True`, see frus_tei.py). A
file that was truncated, malformed or unreadable says nothing about what its volume lacks: its volume is
not checked in that run. Memory: one set of id strings per volume read (the runner already keeps the same
strings in `ImportSummary.sources`); stored ids come from one query per volume, streamed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction

from readingroom.catalog.models import AccessLevel, Collection, Record

from .records import CollectionRef, ParsedRecord, Problem

LISTED = 50  # ids named in one warning; the rest are counted
_WITHDRAW_CHUNK = 500


def volume_of(ref: CollectionRef | None) -> str | None:
    """The identifier of the root of a record's collection chain: for FRUS, the volume."""
    if ref is None:
        return None
    while ref.parent is not None:
        ref = ref.parent
    return ref.identifier


@dataclass
class FileIds:
    """The records one file yielded, while it is being read."""

    volume: str | None = None
    ids: set[str] = field(default_factory=set)
    single_volume: bool = True

    def add(self, record: ParsedRecord) -> None:
        volume = volume_of(record.collection)
        if self.volume is None:
            self.volume = volume
        if volume is None or volume != self.volume or not record.public_id.startswith(f"{volume}/"):
            self.single_volume = False  # not the layout this check understands: leave the file alone
        self.ids.add(record.public_id)


@dataclass
class VolumeIds:
    """Every file of one volume read in this run (usually one), and the ids they hold."""

    files: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    complete: bool = True


@dataclass
class Volumes:
    by_id: dict[str, VolumeIds] = field(default_factory=dict)

    def file_read(self, path: str, read: FileIds, complete: bool) -> None:
        """Called once a file's reading ended; `complete` only when it was read to its end without a fatal
        problem. A file of no known volume (nothing read) is left out."""
        if read.volume is None:
            return
        volume = self.by_id.setdefault(read.volume, VolumeIds())
        volume.files.append(path)
        if not (complete and read.single_volume):
            volume.complete = False
        if volume.complete:
            volume.ids |= read.ids
        else:
            volume.ids = set()  # never compared now: free the memory


def report_missing(volumes: Volumes, withdraw: bool) -> tuple[list[Problem], int]:
    """Warnings for the documents each completely read volume no longer has, and how many were withdrawn
    (set to staff-only) when `withdraw`."""
    problems: list[Problem] = []
    withdrawn = 0
    for identifier, volume in volumes.by_id.items():
        if not volume.complete:
            continue
        missing, elsewhere = _missing(identifier, volume)
        source = volume.files[0]
        if missing:
            names = _listing(missing)
            count = f"{len(missing)} document{'s' if len(missing) != 1 else ''} stored earlier"
            verb = "is" if len(missing) == 1 else "are"
            if withdraw:
                withdrawn += _withdraw(missing)
                problems.append(Problem(source, f"{count} {verb} no longer in this volume: {names} (withdrawn: now "
                                                "staff-only; the admin can make them public again)", fatal=False))
            else:
                problems.append(Problem(source, f"{count} {verb} no longer in this volume: {names} (kept; "
                                                "--withdraw-missing makes them staff-only)", fatal=False))
        if elsewhere:
            files = sorted({name for _, name in elsewhere})
            shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
            problems.append(Problem(
                source, f"{len(elsewhere)} document{'s' if len(elsewhere) != 1 else ''} of this volume last stored "
                        f"from another file ({shown}) {'is' if len(elsewhere) == 1 else 'are'} not in this one: "
                        f"{_listing([pid for pid, _ in elsewhere])} (left as they are)", fatal=False))
        volume.ids = set()
    return problems, withdrawn


def _missing(identifier: str, volume: VolumeIds) -> tuple[list[str], list[tuple[str, str]]]:
    """Public ids stored for this volume but not read from its files: those last stored from a file of the
    same name, and those stored from a file of another name (an excerpt, a renamed copy).

    Which stored records count as this volume's: Record keeps no format or volume of origin, only
    `import_source`, the path of the file that last stored it (records unchanged by later imports keep an
    older path, so the path itself cannot be matched). So: records in the volume's collection or its
    chapters, whose public id has the FRUS form `<volume>/<document>`, and that an import stored (records
    staff create in the admin have no import_source). Of those, the ones whose import_source names a file
    of the same name as a file read now are this volume file's own; the others are only mentioned. Records
    already staff-only are hidden already and not reported again."""
    root = Collection.objects.filter(identifier=identifier).values_list("pk", flat=True).first()
    if root is None:
        return [], []
    prefix = f"{identifier}/"
    names = {PurePath(path).name for path in volume.files}
    missing: list[str] = []
    elsewhere: list[tuple[str, str]] = []
    stored = (Record.objects.filter(collection_id__in=Collection.subtree_pks(root), public_id__startswith=prefix)
              .exclude(import_source="").exclude(access_level=AccessLevel.STAFF)
              .values_list("public_id", "import_source"))
    for public_id, import_source in stored.iterator(chunk_size=2000):
        # startswith is case-insensitive on SQLite: the prefix is checked again here.
        if public_id in volume.ids or not public_id.startswith(prefix):
            continue
        name = PurePath(import_source).name
        if name in names:
            missing.append(public_id)
        else:
            elsewhere.append((public_id, name))
    missing.sort(key=_natural)
    elsewhere.sort(key=lambda item: _natural(item[0]))
    return missing, elsewhere


def _withdraw(public_ids: list[str]) -> int:
    """Staff-only access, saved record by record so the search index queue hears of each (post_save)."""
    count = 0
    with transaction.atomic():
        for start in range(0, len(public_ids), _WITHDRAW_CHUNK):
            chunk = public_ids[start:start + _WITHDRAW_CHUNK]
            for record in Record.objects.filter(public_id__in=chunk).exclude(access_level=AccessLevel.STAFF):
                record.access_level = AccessLevel.STAFF
                record.save(update_fields=["access_level", "updated"])
                count += 1
    return count


def _listing(public_ids: list[str]) -> str:
    shown = ", ".join(public_ids[:LISTED])
    return shown + (f" and {len(public_ids) - LISTED} more" if len(public_ids) > LISTED else "")


def _natural(public_id: str) -> list:
    """d2 before d10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", public_id)]
