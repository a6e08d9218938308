"""Records at real places for the map tests: Warsaw (1944, 1944, 1955), London (1944), Moscow (1956),
Kyiv named only by a staff-only record, and a place no gazetteer knows. Coordinates come from the real
GeoNames lookup (catalog/coordinates.py), as after an import."""

from __future__ import annotations

from dataclasses import dataclass

from readingroom.catalog.coordinates import locate
from readingroom.catalog.models import AccessLevel, Authority, Record, RecordAuthority


@dataclass
class Places:
    warsaw: Authority
    london: Authority
    moscow: Authority
    kyiv: Authority
    nowhere: Authority
    records: dict[str, Record]


def place(identifier: str, name: str) -> Authority:
    return Authority.objects.create(kind="place", identifier=identifier, preferred_name=name)


def record(public_id: str, date: str, *places: Authority, access: str = AccessLevel.PUBLIC) -> Record:
    made = Record.objects.create(public_id=public_id, title=f"Telegram {public_id}", date_edtf=date, access_level=access)
    for where in places:
        RecordAuthority.objects.create(record=made, authority=where, role="mentioned")
    return made


def build() -> Places:
    warsaw, london, moscow = place("place-warsaw", "Warsaw"), place("place-london", "London"), place("place-moscow", "Moscow")
    kyiv, nowhere = place("place-kyiv", "Kyiv"), place("place-nowhere", "Qwxzy Crossing")
    records = {
        "w1": record("w1", "1944-02-02", warsaw, london),
        "w2": record("w2", "1944-08-01", warsaw),
        "w3": record("w3", "1955-05-14", warsaw),
        "m1": record("m1", "1956-02-25", moscow, nowhere),
        "secret": record("secret", "1943-11-28", kyiv, warsaw, access=AccessLevel.STAFF),
    }
    RecordAuthority.objects.create(record=records["w1"], authority=warsaw, role="written_at")  # a second role
    locate()
    for authority in (warsaw, london, moscow, kyiv, nowhere):
        authority.refresh_from_db()
    return Places(warsaw, london, moscow, kyiv, nowhere, records)
