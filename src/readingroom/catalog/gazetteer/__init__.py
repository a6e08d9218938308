"""The shipped gazetteer (places.json): place authorities with their historical name variants and
coordinates, and its loader.

It is loaded where places are managed: by `readingroom init` and `readingroom places`, and after an import
or the demo before the search index is brought up to date (so the index and queries know the variants,
and places have the gazetteer's coordinates before GeoNames is asked). It is not a data migration, so
tests and importers that make their own authorities keep control of the catalogue. Loading adds what is
missing and never overwrites: staff edits in the admin survive a re-load."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

GAZETTEER = Path(__file__).resolve().parent / "places.json"


def entries(path: Path = GAZETTEER) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["entries"]


def load_into(authority_model, variant_model, path: Path = GAZETTEER) -> tuple[int, int]:
    """Create missing authorities and variants; return (authorities created, variants created).

    Takes the models as arguments so a data migration can pass its historical models. One transaction: a
    commit per row made the first load after an import take seconds on SQLite, and half a load is no use."""
    with transaction.atomic():
        return _load_entries(authority_model, variant_model, entries(path))


def _load_entries(authority_model, variant_model, loaded: list[dict]) -> tuple[int, int]:
    made_authorities = made_variants = 0
    for entry in loaded:
        authority, created = authority_model.objects.get_or_create(
            identifier=entry["identifier"],
            defaults={"kind": entry["kind"], "preferred_name": entry["name"], "source": entry["source"]},
        )
        made_authorities += int(created)
        if not authority.source:
            authority.source = entry["source"]
            authority.save(update_fields=["source"])
        _fill_coordinates(authority_model, authority, entry.get("coordinates"))
        known = {n.lower() for n in variant_model.objects.filter(authority=authority).values_list("name", flat=True)}
        known.add(authority.preferred_name.lower())
        for variant in entry["variants"]:
            if variant["name"].lower() in known:
                continue
            variant_model.objects.create(authority=authority, name=variant["name"], note=variant.get("note", ""),
                                         language=variant.get("language", ""))
            known.add(variant["name"].lower())
            made_variants += 1
    return made_authorities, made_variants


def _fill_coordinates(authority_model, authority, coordinates: dict | None) -> None:
    """The entry's position, GeoNames id and country, only where the authority has none: coordinates staff
    typed in (or a note of theirs in `coordinates_source`) stay. A `source` starting "none:" says why there
    is no position, and keeps the GeoNames lookup from guessing one (a province named like a city).
    Written with update(): coordinates are not indexed, so no record is re-indexed for them."""
    if not coordinates or authority.latitude is not None or authority.coordinates_source:
        return
    changes = {"coordinates_source": coordinates["source"]}
    if "latitude" in coordinates:
        changes.update(latitude=Decimal(str(coordinates["latitude"])), longitude=Decimal(str(coordinates["longitude"])))
    if coordinates.get("geonames") and not authority.geonames:
        changes["geonames"] = str(coordinates["geonames"])
    if coordinates.get("country") and not authority.country_code:
        changes["country_code"] = coordinates["country"]
    authority_model.objects.filter(pk=authority.pk, latitude__isnull=True).update(**changes)


def load() -> tuple[int, int]:
    from readingroom.catalog.models import Authority, NameVariant

    return load_into(Authority, NameVariant)


def loaded_line(made: tuple[int, int]) -> str:
    places, variants = made
    return f"Gazetteer: {places} place{'s' if places != 1 else ''} and {variants} name variant{'s' if variants != 1 else ''} added"


def after_import(console) -> None:
    """An import hook of the command line, run before the index is updated: the records just imported
    meet the gazetteer's names (a re-load adds only what is missing, so it is quiet after the first)."""
    made = load()
    if any(made):
        console.print(loaded_line(made), highlight=False)

