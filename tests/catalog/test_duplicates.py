"""Likely duplicates: by normalised name (case, accents, punctuation, 'Last, First', initials) and by external
id; never across kinds, never a merged-away one."""

from __future__ import annotations

import pytest

from readingroom.catalog.duplicates import fold, initials_key, likely_duplicates, name_key
from readingroom.catalog.merging import merge
from readingroom.catalog.models import Authority
from tests.builders import import_volumes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "a", "b"), [
    ("person", "Roosevelt, Franklin D.", "Franklin D. Roosevelt"),
    ("person", "Molotov, Vyacheslav M.", "MOLOTOV, Vyacheslav M"),
    ("person", "Mikołajczyk, Stanisław", "Stanislaw Mikolajczyk"),
    ("place", "Québec", "Quebec"),
])
def test_names_that_meet(kind, a, b):
    assert name_key(kind, a) == name_key(kind, b)


@pytest.mark.parametrize("text", [
    "Molotov, V. M.", "  Port  Arthur\t(Lüshun?) ", "St._John's--Newfoundland", "a\x1cb\x1fc", "1944/08/12",
    "", " ", "...", "O'Higgins & Co.", "Hyde\nPark", "x\x0by\x0cz",
])
def test_ascii_names_fold_as_the_unicode_path_does(text):
    # An ASCII name takes a shortcut; a combining accent appended sends the same name down the Unicode path,
    # where the accent is stripped: both must give the same key.
    assert fold(text) == fold(text + "\u0301")
    assert fold(text) == " ".join(fold(text).split())  # single spaces, none at the ends


@pytest.mark.parametrize(("text", "key"), [
    ("Łódź", "lodz"), ("Straße", "strasse"), ("Москва, СССР", "москва ссср"), ("北京", "北京"),
    ("Sainte-Anne-de-Beaupré", "sainte anne de beaupre"),
])
def test_unicode_names_fold_to_their_base_letters(text, key):
    assert fold(text) == key


@pytest.mark.parametrize(("kind", "a", "b"), [
    ("place", "Washington, D.C.", "D.C. Washington"),  # only persons are written 'Last, First'
    ("person", "John Adams", "John Quincy Adams"),
    ("person", "F. Roosevelt", "Frank Roosevelt"),
])
def test_names_that_do_not_meet(kind, a, b):
    a_key, b_key = name_key(kind, a), name_key(kind, b)
    assert a_key != b_key and initials_key(a_key) != initials_key(b_key)


def test_initials_are_tolerated_between_given_name_and_surname():
    assert initials_key(name_key("person", "Roosevelt, Franklin D.")) == name_key("person", "Franklin Roosevelt")


def make(identifier: str, name: str, kind: str = "person", **ids: str) -> Authority:
    return Authority.objects.create(identifier=identifier, preferred_name=name, kind=kind, **ids)


def groups() -> dict[frozenset[str], str]:
    return {frozenset(c.identifier for c in g.authorities): g.reason for g in likely_duplicates()}


def test_suggested_by_name_and_by_external_id(tmp_path):
    import_volumes(tmp_path)
    make("p-fdr", "Franklin Roosevelt")
    make("p-stalin", "Stalin, Joseph", wikidata="Q855")
    make("p-dzhugashvili", "Iosif Dzhugashvili", wikidata="q855")
    make("place-stalin", "Stalin, Joseph", kind="place")  # another kind: not a duplicate of the person
    make("p-alone", "Cordell Hull Jr.")

    found = groups()
    roosevelts = frozenset({"frus1944A-p_RFD1", "frus1944B-p_RFD1"})
    assert found[roosevelts] == "same name: franklin d roosevelt"
    assert found[roosevelts | {"p-fdr"}] == "same name but for initials: franklin roosevelt"
    assert found[frozenset({"frus1944A-p_HC1", "frus1944B-p_HC1"})] == "same name: cordell hull"
    assert found[frozenset({"frus1944A-t_RAF1", "frus1944B-t_RAF1"})] == "same name: r a f"
    assert found[frozenset({"p-stalin", "p-dzhugashvili"})] == "same Wikidata id: Q855"
    assert not any("place-stalin" in g or "p-alone" in g for g in found)
    counts = {c.identifier: c.records for g in likely_duplicates() for c in g.authorities}
    assert counts["frus1944A-p_RFD1"] == 3 and counts["p-fdr"] == 0

    # day two: merged, they are no longer suggested; undone, they are again
    a, b = Authority.objects.get(identifier="frus1944A-p_RFD1"), Authority.objects.get(identifier="frus1944B-p_RFD1")
    record = merge(a.pk, b.pk)
    found = groups()
    assert roosevelts not in found and frozenset({"frus1944A-p_RFD1", "p-fdr"}) in found
    from readingroom.catalog.merging import undo

    undo(record.pk)
    assert roosevelts in groups()


def test_one_pass_over_many_authorities(django_assert_max_num_queries):
    """Grouping by key: the number of queries does not grow with the number of authorities or groups."""
    Authority.objects.bulk_create(
        [Authority(identifier=f"p-{i}", preferred_name=f"Person {i // 2}, Test", kind="person") for i in range(3000)])
    with django_assert_max_num_queries(12):
        found = likely_duplicates()
    assert len(found) == 1500 and all(len(g.authorities) == 2 for g in found)
