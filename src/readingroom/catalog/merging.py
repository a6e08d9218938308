"""Merging duplicate authorities (the same person from two FRUS volumes), and undoing a merge.

The merged authority's row is kept, pointing at the kept one (`merged_into`): its old URL redirects,
a re-import of its volume resolves to the kept one (ingest/pipeline.py), and an undo finds it as it was.
Each merge and undo is one transaction; links are moved with `QuerySet.update`, which sends no model
signals, so both announce the records they touched themselves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Authority, AuthorityMerge, NameVariant, Record, RecordAuthority
from .signals import announce, names_changed

# Blank fields of the kept authority that the merged one fills in.
FILLED_FIELDS = ("dates", "description", "wikidata", "viaf", "geonames", "source")
# A position moves as a whole (both numbers and where they came from), and only to a place without one.
COORDINATE_FIELDS = ("latitude", "longitude", "coordinates_source")
EXTERNAL_IDS = ("wikidata", "viaf", "geonames")
CHUNK = 500  # ids per IN (...) clause, well under SQLite's limit on query parameters


class MergeError(Exception):
    """A merge or undo that cannot be done; nothing was changed. Its message is in the active language:
    the admin's reader's, English on the command line."""


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _locked(pk: int, what: str) -> Authority:
    """`what`: the message if there is none, with a %(pk)s placeholder."""
    found = Authority.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise MergeError(what % {"pk": pk})
    return found


def merge(kept_pk: int, other_pk: int, by: str = "") -> AuthorityMerge:
    """Merge authority `other_pk` into `kept_pk`: names, external ids, blank fields and record links."""
    if kept_pk == other_pk:
        raise MergeError(_("an authority cannot be merged into itself"))
    with transaction.atomic():
        kept, other = (_locked(kept_pk, _("no authority with id %(pk)s (the one to keep)")),
                       _locked(other_pk, _("no authority with id %(pk)s (the one to merge)")))
        for authority in (kept, other):
            if authority.merged_into_id is not None:
                raise MergeError(_("%(merged)s was already merged into %(kept)s")
                                 % {"merged": authority.identifier, "kept": authority.current().identifier})
        if kept.kind != other.kind:
            raise MergeError(_("%(other)s is a %(other_kind)s and %(kept)s a %(kept_kind)s: only authorities of "
                               "one kind can be merged") % {"other": other.identifier, "kept": kept.identifier,
                                                            "other_kind": other.get_kind_display().lower(),
                                                            "kept_kind": kept.get_kind_display().lower()})

        links = _move_links(kept, other)
        variants = [[v.name, v.language, v.note] for v in other.variants.order_by("name")]
        added = _add_names(kept, other, variants)
        other.variants.all().delete()
        filled, conflicts = {}, {}
        for field in FILLED_FIELDS:
            mine, theirs = getattr(kept, field), getattr(other, field)
            if theirs and not mine:
                filled[field] = theirs
                setattr(kept, field, theirs)
            elif theirs and field in EXTERNAL_IDS and mine.strip().upper() != theirs.strip().upper():
                conflicts[field] = [mine, theirs]
        filled.update(_fill_coordinates(kept, other))
        if filled:
            kept.save(update_fields=[f for f in filled if f != "coordinates"] + (
                list(COORDINATE_FIELDS) if "coordinates" in filled else []))
        other.merged_into = kept
        other.save(update_fields=["merged_into"])
        record = AuthorityMerge.objects.create(
            kept=kept, merged=other, kept_identifier=kept.identifier, merged_identifier=other.identifier,
            merged_by=by[:200], links=links, variants=variants, added_names=added, filled=filled,
            conflicts=conflicts, note=_note(other, conflicts),
        )
        announce([record_id for record_id, _role, _how in links])
        names_changed.send(sender=Authority)
    return record


def _move_links(kept: Authority, other: Authority) -> list[list]:
    """Point the other's record links at the kept one; a link the kept one already has is dropped."""
    theirs = list(RecordAuthority.objects.filter(authority=other).values_list("pk", "record_id", "role"))
    mine = set(RecordAuthority.objects.filter(authority=kept, record_id__in={r for _pk, r, _role in theirs})
               .values_list("record_id", "role")) if theirs else set()
    moved = [pk for pk, record_id, role in theirs if (record_id, role) not in mine]
    dropped = [pk for pk, record_id, role in theirs if (record_id, role) in mine]
    for chunk in _chunks(moved):
        RecordAuthority.objects.filter(pk__in=chunk).update(authority=kept)
    for chunk in _chunks(dropped):
        RecordAuthority.objects.filter(pk__in=chunk).delete()
    return [[record_id, role, "dropped" if (record_id, role) in mine else "moved"]
            for _pk, record_id, role in sorted(theirs, key=lambda row: (row[1], row[2]))]


def _add_names(kept: Authority, other: Authority, variants: list[list]) -> list[str]:
    """The other's preferred name and variants become variants of the kept one (names it lacks only)."""
    known = {name.casefold() for name in kept.all_names()}
    added: list[str] = []
    for name, language, note in [[other.preferred_name, "", f"merged from {other.identifier}"[:300]], *variants]:
        if name.casefold() not in known:
            known.add(name.casefold())
            NameVariant.objects.create(authority=kept, name=name, language=language, note=note)
            added.append(name)
    return added


def _note(other: Authority, conflicts: dict[str, list[str]]) -> str:
    if not conflicts:
        return ""
    ids = "; ".join(f"{field} {kept} (kept) and {theirs} ({other.identifier})"
                    for field, (kept, theirs) in conflicts.items())
    return f"External ids disagreed: {ids}. {other.identifier} keeps its own."


def undo(merge_pk: int, by: str = "") -> AuthorityMerge:
    """Put both authorities back as they were before the merge: links, names, filled fields."""
    with transaction.atomic():
        record = AuthorityMerge.objects.select_for_update().filter(pk=merge_pk).first()
        if record is None:
            raise MergeError(_("no merge with id %(pk)s") % {"pk": merge_pk})
        if record.undone is not None:
            raise MergeError(_("merge #%(number)s was already undone on %(when)s")
                             % {"number": record.pk, "when": f"{record.undone:%Y-%m-%d %H:%M}"})
        for authority, identifier in ((record.kept, record.kept_identifier), (record.merged, record.merged_identifier)):
            if authority is None:
                raise MergeError(_("merge #%(number)s cannot be undone: %(identifier)s was deleted since")
                                 % {"number": record.pk, "identifier": identifier})
        kept, other = (_locked(record.kept_id, _("no authority with id %(pk)s (the one kept)")),
                       _locked(record.merged_id, _("no authority with id %(pk)s (the one merged away)")))
        if other.merged_into_id != kept.pk:
            raise MergeError(_("merge #%(number)s cannot be undone: %(merged)s is no longer merged into %(kept)s")
                             % {"number": record.pk, "merged": other.identifier, "kept": kept.identifier})
        active = AuthorityMerge.objects.filter(undone__isnull=True)
        # Undone in reverse order only: a later merge into (or of) the kept one may have dropped links this
        # undo would take away.
        later = active.filter(merged=kept).first() or active.filter(kept=kept, pk__gt=record.pk).order_by("-pk").first()
        if later is not None:
            raise MergeError(_("merge #%(number)s cannot be undone before the later merge #%(later)s (%(merged)s "
                               "into %(kept)s): undo that one first")
                             % {"number": record.pk, "later": later.pk, "merged": later.merged_identifier,
                                "kept": later.kept_identifier})

        touched = _restore_links(kept, other, record.links)
        kept.variants.filter(name__in=record.added_names).delete()
        NameVariant.objects.bulk_create([NameVariant(authority=other, name=name, language=language, note=note)
                                         for name, language, note in record.variants], ignore_conflicts=True)
        # A field staff changed after the merge is their edit, not the merge's: it stays.
        restored = [field for field, value in record.filled.items()
                    if field != "coordinates" and getattr(kept, field) == value]
        for field in restored:
            setattr(kept, field, "")
        moved = record.filled.get("coordinates")
        if moved and moved[:3] == _coordinates(kept):
            kept.latitude = kept.longitude = None
            kept.coordinates_source = moved[3]  # the note it had before, if any
            restored += list(COORDINATE_FIELDS)
        if restored:
            kept.save(update_fields=restored)
        other.merged_into = None
        other.save(update_fields=["merged_into"])
        record.undone, record.undone_by = timezone.now(), by[:200]
        record.save(update_fields=["undone", "undone_by"])
        announce(touched)
        names_changed.send(sender=Authority)
    return record


def _restore_links(kept: Authority, other: Authority, links: list[list]) -> list[int]:
    """Moved links go back; dropped ones are made again. Records deleted since are skipped."""
    existing = set()
    record_ids = sorted({record_id for record_id, _role, _how in links})
    for chunk in _chunks(record_ids):
        existing.update(Record.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    moved: dict[str, list[int]] = defaultdict(list)
    again: list[RecordAuthority] = []
    for record_id, role, how in links:
        if record_id not in existing:
            continue
        if how == "moved":
            moved[role].append(record_id)
        else:
            again.append(RecordAuthority(record_id=record_id, authority=other, role=role))
    for role, ids in moved.items():
        for chunk in _chunks(ids):
            RecordAuthority.objects.filter(authority=kept, role=role, record_id__in=chunk).update(authority=other)
    RecordAuthority.objects.bulk_create(again, ignore_conflicts=True)
    return sorted(existing)


def _coordinates(authority: Authority) -> list[str] | None:
    """A place's position as JSON-safe strings (the merge record keeps what it filled), or None."""
    if authority.latitude is None or authority.longitude is None:
        return None
    return [str(authority.latitude), str(authority.longitude), authority.coordinates_source]


def _fill_coordinates(kept: Authority, other: Authority) -> dict:
    theirs = _coordinates(other)
    if theirs is None or _coordinates(kept) is not None:
        return {}
    filled = {"coordinates": [*theirs, kept.coordinates_source]}
    kept.latitude, kept.longitude, kept.coordinates_source = other.latitude, other.longitude, other.coordinates_source
    if not kept.country_code and other.country_code:
        kept.country_code = filled["country_code"] = other.country_code
    return filled
