"""Names in other scripts, generated for search from an authority's own names: Cyrillic names in Latin
letters (Молотов -> Molotov, Хрущёв -> Khrushchev, Khrushchyov, Xruščev) and Chinese names in Pinyin and
Wade-Giles (毛泽东 -> Mao Zedong, Mao Tse-tung). They are derived data, made when the variant map is built,
never written to the catalogue: a cataloguer's variants stay the only stored ones.

Cyrillic goes through iuliia's published schemas, several because readers and sources use several:
ALA-LC without diacritics (Library of Congress catalogues), BGN/PCGN (maps, the press), the scholarly
system (Slavists) and Wikipedia's. iuliia's ALA-LC and BGN/PCGN leave ё as it is, and English writes
Khrushchev, Gorbachev: so each name is also transliterated with ё written е (as Russian print mostly
does), and that Cyrillic spelling is a variant too (Хрущев finds Хрущёв).

Chinese goes through pypinyin: Pinyin from its dictionary of readings, Wade-Giles from its conversion
table (pypinyin/style/wadegiles.py, compiled from Wikipedia's "Wade–Giles", the UCLA East Asian Library's
and the University of Chicago Library's Wade-Giles/Pinyin conversion tables). A name's first character is
taken as the surname (two for a name of four characters), as in most Chinese personal names; a place
name is written as one word (Beijing, Pei-ching). Readings are pypinyin's most common ones, so a surname
with a rare reading (单 Shan) can come out wrong: a cataloguer's variant covers it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import iuliia

from .scripts import HAN, fold_han

CYRILLIC = "\u0400-\u04ff"
_CYRILLIC = re.compile(f"[{CYRILLIC}]")
_HAN_NAME = re.compile(f"^[{HAN}]{{2,6}}$")
CYRILLIC_SCHEMAS = (iuliia.ALA_LC_ALT, iuliia.BGN_PCGN, iuliia.SCIENTIFIC, iuliia.WIKIPEDIA)
# Kinds of authority whose names are transliterated: people and places (an organization's name is
# translated, not transliterated, and subjects are words).
KINDS = {"person", "place"}


def has_cyrillic(name: str) -> bool:
    return _CYRILLIC.search(name) is not None


def is_han_name(name: str) -> bool:
    return _HAN_NAME.match(name.strip()) is not None


@lru_cache(maxsize=4096)
def latin_forms(name: str) -> tuple[str, ...]:
    """A Cyrillic name in Latin letters by each schema, with ё read as ё and as е."""
    spellings = dict.fromkeys([name, name.replace("ё", "е").replace("Ё", "Е")])
    forms = (schema.translate(s) for s in spellings for schema in CYRILLIC_SCHEMAS)
    # iuliia's ALA-LC and BGN/PCGN pass ё through: such a half-Latin form is no one's spelling.
    return tuple(dict.fromkeys(f for f in forms if not has_cyrillic(f)))


# Russian surnames in -ов/-ев/-ёв/-ин/-ын decline (Молотову, с Молотовым, о Молотове). Snowball's Russian
# stemmer reads the nominative's -ов as an ending (Молотов -> молот) but cuts every other case, and the
# feminine, to the whole surname (молотов): searching the genitive beside the name finds all of them.
_DECLINED_SURNAME = re.compile(f"^[{CYRILLIC}]+(?:ов|ев|ёв|ин|ын)$", re.IGNORECASE)


def surname_cases(name: str) -> tuple[str, ...]:
    """'Молотов' -> ('Молотова',): a one-word Russian surname's form whose stem is the surname itself."""
    return (name + "а",) if _DECLINED_SURNAME.match(name) else ()


def cyrillic_spellings(name: str) -> tuple[str, ...]:
    """Other Cyrillic spellings of a name: ё written е."""
    plain = name.replace("ё", "е").replace("Ё", "Е")
    return (plain,) if plain != name else ()


@lru_cache(maxsize=1)
def _pypinyin():
    """pypinyin and its Wade-Giles table, loaded on the first Chinese name: its dictionaries take about
    50 MB, which an archive without Chinese names (and every process that never builds the variant map)
    should not pay."""
    from pypinyin import lazy_pinyin
    from pypinyin.style import wadegiles

    # pypinyin's to_wade_glides passes a syllable whose Wade-Giles form is spelled the same (hai, lai) on to
    # its initial/final rules, which turn it into hei, lei; its own table has them right, so it is read first.
    table = {**dict(wadegiles._convert_table), **dict(wadegiles._except_table)}
    return lazy_pinyin, wadegiles.to_wade_glides, table


def _wade_giles(syllable: str) -> str:
    _, to_wade_giles, table = _pypinyin()
    return table.get(syllable) or to_wade_giles(syllable).replace("v", "ü")


def _surname_length(name: str) -> int:
    return 2 if len(name) == 4 else 1


def _personal(syllables: list[str], surname: int, hyphen: str) -> str:
    family = "".join(syllables[:surname]).capitalize()
    given = hyphen.join(syllables[surname:]).capitalize()
    return f"{family} {given}".strip()


@lru_cache(maxsize=4096)
def chinese_forms(name: str, kind: str = "person") -> tuple[str, ...]:
    """Pinyin and Wade-Giles forms of a name in Han characters (Simplified or Traditional)."""
    name = fold_han(name.strip())
    lazy_pinyin = _pypinyin()[0]
    pinyin = lazy_pinyin(name, v_to_u=True)
    if not all(s.isalpha() for s in pinyin):
        return ()  # a character pypinyin has no reading for
    wade = [_wade_giles(s) for s in pinyin]
    if kind == "place":
        forms = ["".join(pinyin).capitalize(), "-".join(wade).capitalize()]
    else:
        surname = _surname_length(name)
        forms = [_personal(pinyin, surname, ""), "".join(pinyin).capitalize(), _personal(wade, surname, "-")]
    # Readers type Wade-Giles without its apostrophes (Chou En-lai, T'ai-wan as Tai-wan) as often as with.
    forms += [f.replace("'", "") for f in forms if "'" in f]
    return tuple(dict.fromkeys(forms))


def generated_names(kind: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The names search adds to an authority's own: transliterations of its Cyrillic and Chinese names."""
    if kind not in KINDS:
        return ()
    extra: list[str] = []
    for name in names:
        if has_cyrillic(name):
            extra += [*cyrillic_spellings(name), *latin_forms(name)]
        elif is_han_name(name):
            extra += chinese_forms(name, kind)
    return tuple(n for n in dict.fromkeys(extra) if n not in names)


def surname(name: str) -> str | None:
    """The family name of a catalogue heading "Family, Given" (Молотов, Вячеслав -> Молотов)."""
    family, comma, _given = name.partition(",")
    return family.strip() if comma and family.strip() else None
