"""ISO 639-1 codes and the English names archives print ("Original Language: English")."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English", "ru": "Russian", "zh": "Chinese", "de": "German", "fr": "French", "ja": "Japanese",
    "ko": "Korean", "pl": "Polish", "it": "Italian", "es": "Spanish", "pt": "Portuguese", "cs": "Czech",
    "sk": "Slovak", "hu": "Hungarian", "ro": "Romanian", "bg": "Bulgarian", "sr": "Serbian", "hr": "Croatian",
    "uk": "Ukrainian", "be": "Belarusian", "vi": "Vietnamese", "ar": "Arabic", "fa": "Persian", "he": "Hebrew",
    "tr": "Turkish", "el": "Greek", "nl": "Dutch", "sv": "Swedish", "no": "Norwegian", "da": "Danish",
    "fi": "Finnish", "mn": "Mongolian", "hi": "Hindi", "id": "Indonesian", "sq": "Albanian", "la": "Latin",
    "de-DE": "German", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "ka": "Georgian", "hy": "Armenian",
}
_BY_NAME = {name.lower(): code for code, name in LANGUAGES.items() if "-" not in code}
_BY_NAME.update({"mandarin": "zh", "farsi": "fa", "chinese (simplified)": "zh", "chinese (traditional)": "zh"})

# Tesseract's language data names for our codes (the OCR engine wants these, not ISO 639-1).
TESSERACT: dict[str, str] = {
    "en": "eng", "ru": "rus", "de": "deu", "fr": "fra", "zh": "chi_sim", "ja": "jpn", "ko": "kor", "pl": "pol",
    "it": "ita", "es": "spa", "uk": "ukr", "cs": "ces", "hu": "hun",
}


def language_name(code: str) -> str:
    return LANGUAGES.get(code, LANGUAGES.get(code.split("-")[0], code))


def language_code(name: str) -> str | None:
    """'English' -> 'en'; accepts codes too ('en', 'eng' is not ISO 639-1 and is refused)."""
    key = name.strip().lower()
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key in LANGUAGES:
        return key
    # A regional tag ("de-DE", "pt_BR") is catalogued by its language: records carry ISO 639-1 codes.
    base = key.replace("_", "-").split("-", 1)[0]
    if base != key and base in LANGUAGES and "-" not in base:
        return base
    return None
