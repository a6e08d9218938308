"""Records at real places for the map tests: Warsaw (1944, 1944, 1955), London (1944), Moscow (1956),
Kyiv named only by a staff-only record, and a place no gazetteer knows. They are imported as an export
(tests/builders.py); coordinates come from the real GeoNames lookup (catalog/coordinates.py), as after an
import."""

from __future__ import annotations

from dataclasses import dataclass

from readingroom.catalog.coordinates import locate
from readingroom.catalog.models import AccessLevel, Authority, Record
from tests.builders import authority_data, import_lines, record_line


@dataclass
class Places:
    warsaw: Authority
    london: Authority
    moscow: Authority
    kyiv: Authority
    nowhere: Authority
    records: dict[str, Record]


def place(identifier: str, name: str, **fields: str) -> dict:
    """A place as an export names it; it is stored with the first record that names it."""
    return authority_data("place", identifier, name, **fields)


def _line(public_id: str, date: str, places: tuple, access: str) -> dict:
    """`places` as place(...) data, stored Authority rows (kept as they are), or (either, role)."""
    links = []
    for where in places:
        where, role = where if isinstance(where, tuple) else (where, "mentioned")
        if isinstance(where, Authority):
            where = place(where.identifier, where.preferred_name)
        links.append((where, role))
    return record_line(public_id, f"Telegram {public_id}", date, authorities=links, access_level=access)


def record(public_id: str, date: str, *places, access: str = AccessLevel.PUBLIC) -> Record:
    """Import one record at these places (see _line)."""
    import_lines([_line(public_id, date, places, access)])
    return Record.objects.get(public_id=public_id)


def authority(identifier: str) -> Authority:
    return Authority.objects.get(identifier=identifier)


def build() -> Places:
    warsaw, london, moscow = place("place-warsaw", "Warsaw"), place("place-london", "London"), place("place-moscow", "Moscow")
    kyiv, nowhere = place("place-kyiv", "Kyiv"), place("place-nowhere", "Qwxzy Crossing")
    wanted = {
        "w1": ("1944-02-02", (warsaw, london, (warsaw, "written_at")), AccessLevel.PUBLIC),  # Warsaw in two roles
        "w2": ("1944-08-01", (warsaw,), AccessLevel.PUBLIC),
        "w3": ("1955-05-14", (warsaw,), AccessLevel.PUBLIC),
        "m1": ("1956-02-25", (moscow, nowhere), AccessLevel.PUBLIC),
        "secret": ("1943-11-28", (kyiv, warsaw), AccessLevel.STAFF),
    }
    import_lines([_line(public_id, *spec) for public_id, spec in wanted.items()])
    locate()
    records = {r.public_id: r for r in Record.objects.filter(public_id__in=wanted)}
    return Places(*(authority(p["identifier"]) for p in (warsaw, london, moscow, kyiv, nowhere)), records)
