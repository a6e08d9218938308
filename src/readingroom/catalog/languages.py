"""Languages as BCP 47 tags: `en`, `ru`, `zh-Hans`, `zh-Hant`, `sr-Latn`.

The catalogue keeps a language and, where it tells originals apart, its script: a Simplified and a
Traditional Chinese text are different originals. Regions and variants are dropped (`de-DE` and
`de-1996` are German), except that a Chinese region names its script (`zh-TW` is Traditional).
A script that is the language's default is left out (`ru-Cyrl` is `ru`), as BCP 47 asks.
"""

from __future__ import annotations

from functools import lru_cache

import langcodes

# Names archives print that are not a language's own English name.
_ALIASES = {
    "mandarin": "zh", "farsi": "fa", "chinese (simplified)": "zh-Hans", "simplified chinese": "zh-Hans",
    "chinese (traditional)": "zh-Hant", "traditional chinese": "zh-Hant",
}
# A Chinese region says which script its texts are in.
_CHINESE_SCRIPT_BY_REGION = {"CN": "Hans", "SG": "Hans", "MY": "Hans", "TW": "Hant", "HK": "Hant", "MO": "Hant"}

# Tesseract's language data names (the OCR engine wants these, not BCP 47 tags).
TESSERACT: dict[str, str] = {
    "en": "eng", "ru": "rus", "de": "deu", "fr": "fra", "zh": "chi_sim", "zh-Hans": "chi_sim", "zh-Hant": "chi_tra",
    "ja": "jpn", "ko": "kor", "pl": "pol", "it": "ita", "es": "spa", "uk": "ukr", "cs": "ces", "hu": "hun",
}

# Scripts written right to left: text blocks in them carry dir="rtl".
_RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Mand", "Samr"}


@lru_cache(maxsize=2048)
def language_code(value: str) -> str | None:
    """A typed tag or English name as the catalogue's tag ('English' -> 'en', 'zh-TW' -> 'zh-Hant');
    None for what is not a known language ('xx', 'Klingon')."""
    text = value.strip()
    if not text:
        return None
    alias = _ALIASES.get(text.lower())
    if alias:
        return alias
    try:
        language = langcodes.Language.get(text.replace("_", "-"), normalize=True)
    except (langcodes.LanguageTagError, ValueError):
        try:
            language = langcodes.find(text)  # an English name: "Russian", "German"
        except LookupError:
            return None
        # find() is forgiving ("English, Russian" finds one of them): take only the name itself.
        if language.display_name().lower() != text.lower():
            return None
    if not language.language or language.language == "und" or not language.is_valid():
        return None
    if not language.has_name_data():
        return None  # well formed but assigned to no language ("xx")
    script = language.script
    if language.language == "zh" and not script and language.territory:
        script = _CHINESE_SCRIPT_BY_REGION.get(language.territory)
    tag = langcodes.standardize_tag(f"{language.language}-{script}" if script else language.language)
    return tag


def base_language(tag: str) -> str:
    """'zh-Hant' -> 'zh': what stemmers and spell-checkers are chosen by."""
    return tag.split("-", 1)[0].lower()


@lru_cache(maxsize=4096)
def language_name(tag: str, locale: str | None = None) -> str:
    """The language's name in the reader's language ('zh-Hans' -> 'Chinese (Simplified)', '中文（简体）' in zh)."""
    if not tag:
        return ""
    try:
        language = langcodes.Language.get(tag)
    except (langcodes.LanguageTagError, ValueError):
        return tag
    if not language.has_name_data():
        return tag
    return language.display_name(locale or "en")


def script_direction(tag: str) -> str:
    """'rtl' for a language written right to left (ar, he, fa, ur, yi), else 'ltr'."""
    try:
        script = langcodes.Language.get(tag).maximize().script
    except (langcodes.LanguageTagError, ValueError):
        return "ltr"
    return "rtl" if script in _RTL_SCRIPTS else "ltr"


def tesseract_languages(tags: list[str]) -> list[str]:
    """Tesseract's model names for a record's languages, each once, in order (unknown ones left out)."""
    names: list[str] = []
    for tag in tags:
        name = TESSERACT.get(tag) or TESSERACT.get(base_language(tag))
        if name and name not in names:
            names.append(name)
    return names
