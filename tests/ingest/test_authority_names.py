"""Authorities named in any script get an identifier of their own: folding to ASCII once made every
Cyrillic or Chinese name the same "person-unnamed" authority."""

from __future__ import annotations

import pytest

from readingroom.catalog.models import Authority
from readingroom.ingest.lookups import store_authority
from readingroom.ingest.records import AuthorityRef, slugify_name


@pytest.mark.parametrize(("name", "slug"), [
    ("Stalin, Joseph", "stalin-joseph"),
    ("Gdańsk", "gdansk"),  # Latin names keep the identifiers stored before
    ("Молотов, Вячеслав", "молотов-вячеслав"),
    ("Хрущёв", "хрущев"),  # one name however ё is written
    ("毛泽东", "毛泽东"),
    ("Mao Zedong (毛泽东)", "mao-zedong-毛泽东"),
    ("!!!", "unnamed"),
])
def test_slugs_keep_letters_of_every_script(name: str, slug: str) -> None:
    assert slugify_name(name) == slug


@pytest.mark.django_db
def test_people_named_in_cyrillic_and_chinese_are_different_authorities() -> None:
    names = ["Молотов, Вячеслав", "Хрущёв, Никита", "毛泽东", "周恩来"]
    stored = [store_authority(AuthorityRef(kind="person", name=name)) for name in names]
    assert len({a.pk for a in stored}) == 4
    assert Authority.objects.get(identifier="person-молотов-вячеслав").preferred_name == "Молотов, Вячеслав"
    # The same name again is the same authority (a re-import does not add a second one).
    assert store_authority(AuthorityRef(kind="person", name="毛泽东")).pk == stored[2].pk
    assert Authority.objects.count() == 4
