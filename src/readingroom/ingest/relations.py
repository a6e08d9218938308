"""Turns the references importers found (ReferenceItem) into relations between stored records.

Run after each imported file, over every record the file held, changed or not: so a reference whose target
arrives later (further on in the same volume, or in a later import) is linked then, and the relations an
import made are replaced by what its source says now. Relations of another origin (staff's) are never
touched; one that staff already stated stands as theirs.

A reference is linked only when it points at exactly one record; otherwise nothing is stored and it is
counted as unresolved in the import summary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q

from readingroom.catalog.models import Content, Record, RecordAuthority
from readingroom.catalog.relations import Relation
from readingroom.catalog.signals import relations_changed

from .records import ParsedRecord, ReferenceItem
from .text_references import TextReference

CHUNK = 500  # ids per IN (...): within every database's limit on query parameters
_PAGE_MARK = re.compile(r'class="pb" data-page="([^"]*)"|<sup class="fn"><a [^>]*>([^<]*)</a></sup>')


class Stated(NamedTuple):
    """What linking needs of an imported record: its id and the references its source states."""

    public_id: str
    references: list[ReferenceItem]


class _Linked(NamedTuple):
    """What resolving needs of a stored record (a model instance per record cost more than the rest)."""

    pk: int
    public_id: str
    position: int
    date_start: dt.date | None


@dataclass
class LinkCounts:
    linked: int = 0
    unresolved: int = 0


def _in_volume(volume: str, field: str = "public_id") -> Q:
    """The records whose id is under `volume/`. SQLite's LIKE (case-insensitive) cannot use the id's index, so
    `startswith` read every record per volume (a re-import of 3 volumes into 100,000 records spent a fifth of
    its time there); a range over the bytewise-ordered ids can ("0" follows "/"). PostgreSQL's LIKE uses the
    pattern-ops index Django makes for the id, and its collation may not order the ids bytewise."""
    if connections[router.db_for_read(Record)].vendor == "sqlite":
        return Q(**{f"{field}__gte": f"{volume}/", f"{field}__lt": f"{volume}0"})
    return Q(**{f"{field}__startswith": f"{volume}/"})


class _VolumePages:
    """Which documents of a FRUS volume begin on a printed page, and on which page each footnote sits,
    read from the stored transcripts (their page breaks and footnote anchors)."""

    def __init__(self, volume: str) -> None:
        self.begins: dict[str, list[int]] = {}
        self.footnotes: dict[tuple[str, str], list[int]] = {}
        contents = (Content.objects.filter(_in_volume(volume, "record__public_id"), kind=Content.Kind.TRANSCRIPT)
                    .values_list("record_id", "page_breaks", "markup"))
        for record_id, breaks, markup in contents:
            page = breaks[0]["n"] if breaks and breaks[0].get("offset") == 0 else None
            if page is not None:
                self.begins.setdefault(page, []).append(record_id)
            for match in _PAGE_MARK.finditer(markup or ""):
                if match.group(1) is not None:
                    page = match.group(1)
                elif page is not None:
                    pks = self.footnotes.setdefault((page, match.group(2)), [])
                    if record_id not in pks:
                        pks.append(record_id)

    def find(self, page: str, footnote: str | None) -> list[int]:
        return self.footnotes.get((page, footnote), []) if footnote else self.begins.get(page, [])


class _Resolver:
    def __init__(self) -> None:
        self.pages: dict[str, _VolumePages] = {}
        self.volumes: dict[str, tuple[dict[str, int], dict[int, list[int]]]] = {}

    def _volume(self, volume: str) -> tuple[dict[str, int], dict[int, list[int]]]:
        """A volume's documents by id and by position: one query however many references it holds."""
        if volume not in self.volumes:
            by_id: dict[str, int] = {}
            by_position: dict[int, list[int]] = {}
            for pk, public_id, position in Record.objects.filter(_in_volume(volume)).values_list(
                    "pk", "public_id", "position"):
                by_id[public_id.split("/", 1)[1]] = pk
                by_position.setdefault(position, []).append(pk)
            self.volumes[volume] = (by_id, by_position)
        return self.volumes[volume]

    def targets(self, record: _Linked, item: ReferenceItem) -> list[list[int]]:
        """For each thing the reference names, the records it could be (linked only when exactly one)."""
        target = item.target
        volume = record.public_id.split("/", 1)[0]
        if "document" in target:
            found = self._volume(volume)[0].get(str(target["document"]))
            return [[found] if found is not None else []]
        if "step" in target:
            return [self._volume(volume)[1].get(record.position + int(target["step"]), [])]
        if "page" in target:
            if volume not in self.pages:
                self.pages[volume] = _VolumePages(volume)
            return [self.pages[volume].find(str(target["page"]), target.get("footnote"))]
        if "day" in target:
            return self._by_date(record, target)
        return [[]]

    def _by_date(self, record: _Linked, target: dict) -> list[list[int]]:
        reference = TextReference(kind="", phrase="", month=target.get("month"), day=target.get("day"),
                                  year=target.get("year"))
        day = reference.date(record.date_start)
        if day is None:
            return [[] for _ in target.get("numbers") or [None]]
        candidates = Record.objects.filter(date_start=day, date_end=day).exclude(pk=record.pk)
        # Direction: the telegram answered was written by the one this record is addressed to.
        recipients = set(RecordAuthority.objects.filter(record_id=record.pk, role=RecordAuthority.Role.RECIPIENT)
                         .values_list("authority_id", flat=True))
        if recipients:
            # Per candidate, through the links' record index (as `pk IN (every authored record)` it listed
            # the whole catalogue's authored records for each reference).
            authored = RecordAuthority.objects.filter(record_id=OuterRef("pk"), role=RecordAuthority.Role.AUTHOR)
            candidates = candidates.exclude(Exists(authored) & ~Exists(authored.filter(authority_id__in=recipients)))
        numbers = target.get("numbers") or []
        if not numbers:
            return [list(candidates.values_list("pk", flat=True)[:2])]
        return [[pk for pk in candidates.values_list("pk", flat=True) if _states_number(pk, n)] for n in numbers]


def _states_number(record_pk: int, number: str) -> bool:
    """A telegram's number as its text gives it: "No. 123", "Number 123", or a paragraph opening "123."."""
    pattern = re.compile(rf"(?:\b(?:no\.?|number|nr\.?)\s*{number}\b|(?:^|\n)\s*{number}\.\s)", re.IGNORECASE)
    texts = Content.objects.filter(record_id=record_pk).exclude(kind=Content.Kind.SCAN).values_list("text", flat=True)
    return any(pattern.search(text) for text in texts)


def link_references(parsed: Iterable[ParsedRecord | Stated], origin: str) -> LinkCounts:
    """Replace the relations of `origin` stated by these records with what their references resolve to now."""
    parsed = list(parsed)
    ids = [p.public_id for p in parsed]
    records = {r.public_id: r for start in range(0, len(ids), CHUNK)
               for r in map(_Linked._make, Record.objects.filter(public_id__in=ids[start:start + CHUNK])
                            .values_list("pk", "public_id", "position", "date_start"))}
    resolver = _Resolver()
    counts = LinkCounts()
    wanted: dict[tuple[int, int, str], str] = {}
    found: list[tuple[tuple[int, int, str], str, bool]] = []
    for item in parsed:
        record = records.get(item.public_id)
        if record is None:
            continue
        for reference in item.references:
            for candidates in resolver.targets(record, reference):
                if len(candidates) != 1 or candidates[0] == record.pk:
                    counts.unresolved += 1
                    continue
                source, target = (candidates[0], record.pk) if reference.inverse else (record.pk, candidates[0])
                found.append(((source, target, reference.kind), reference.note[:500], reference.inverse))
    # A pair stated by both records keeps the note of the one that states it of itself (the reply's own).
    for key, note, _ in sorted(found, key=lambda f: f[2]):
        wanted.setdefault(key, note)
    # "Replies to" says more than "mentions": keep only the stronger statement about a pair.
    stronger = {(s, t) for s, t, k in wanted if k != Relation.Kind.MENTIONS}
    wanted = {key: note for key, note in wanted.items()
              if key[2] != Relation.Kind.MENTIONS or key[:2] not in stronger}
    counts.linked = len(wanted)
    with transaction.atomic():
        pks = [r.pk for r in records.values()]
        existing = {(r.source_id, r.target_id, r.kind): r for start in range(0, len(pks), CHUNK)
                    for r in Relation.objects.filter(origin=origin, source_id__in=pks[start:start + CHUNK])}
        stale = [r.pk for key, r in existing.items() if key not in wanted]
        for start in range(0, len(stale), CHUNK):
            Relation.objects.filter(pk__in=stale[start:start + CHUNK]).delete()
        for key, note in wanted.items():
            if key in existing and existing[key].note != note:
                Relation.objects.filter(pk=existing[key].pk).update(note=note)
        Relation.objects.bulk_create(
            [Relation(source_id=s, target_id=t, kind=k, note=note, origin=origin)
             for (s, t, k), note in wanted.items() if (s, t, k) not in existing],
            ignore_conflicts=True)  # staff stated it already: theirs stands
    relations_changed.send(sender=Relation)  # bulk writes and updates send no model signals
    return counts
