"""The texts a sidecar row names beside (or instead of) page files: a transcript and translations.

JSON: `transcript_file` + `transcript_language`, and `translations: [{"language": "en", "file": "a.en.txt"}]`.
CSV: the same transcript columns, and one `translation_file:<tag>` column per language.

Each text is checked on its own. A bad one (unknown language, missing, not UTF-8, outside the folder, a
second translation in one language) is skipped with one line saying which file and why; the record keeps
its other parts. A text that could not be read this time is listed in `unread`, so a re-import keeps the
text stored before rather than deleting it (see pipeline.store_record).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from readingroom.catalog.languages import language_code, language_name

from .paths import ScanError, resolve_inside
from .records import ContentItem
from .text_files import MAX_TEXT_BYTES

TRANSLATION_COLUMN = "translation_file:"


@dataclass
class SidecarTexts:
    items: list[ContentItem] = field(default_factory=list)
    # (position among items, kind, language) of texts whose file could not be read this time.
    unread: list[tuple[int, str, str]] = field(default_factory=list)
    # (what was skipped: "transcript", "translation" or "" for nothing, the reason naming the file).
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def lines(self, stored: bool) -> list[str]:
        """One line per warning, saying what became of the part and of the record."""
        return [f"{reason}; this {what} was skipped, the rest of the record imported" if what and stored
                else reason for what, reason in self.warnings]


class TextPartError(ValueError):
    """A text file that cannot be used; the message names the file and says why."""


def read_text_part(folder: Path, name: str) -> str:
    """A transcript or translation file's text: strict UTF-8 (a BOM is allowed), inside the folder."""
    try:
        path = resolve_inside(folder, name)
    except ScanError as exc:
        raise TextPartError(str(exc)) from None
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise TextPartError(f"{name}: too large for a text ({size / 1024**2:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise TextPartError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TextPartError(f"{name}: not UTF-8 text (first bad byte at line {line}, offset {exc.start})") from None
    if "\x00" in text:
        raise TextPartError(f"{name}: a binary file, not text (it contains NUL bytes)")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise TextPartError(f"{name}: empty file")
    return text


def label(kind: str, tag: str) -> str:
    # The same form archive-page exports and FRUS give their contents: "Translation - English".
    word = "Transcript" if kind == "transcript" else "Translation"
    return f"{word} - {language_name(tag)}" if tag else word


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def translation_entries(row: dict) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(where, language as typed, file name) for each translation the row names, and problems with
    the list itself. `where` names the entry as the user wrote it: `translations[2]` or a column."""
    entries: list[tuple[str, str, str]] = []
    problems: list[str] = []
    listed = row.get("translations")
    if listed not in (None, "", []):
        if not isinstance(listed, list):
            problems.append("'translations' must be a list of {\"language\": ..., \"file\": ...}")
        else:
            for number, entry in enumerate(listed, 1):
                where = f"translations[{number}]"
                if not isinstance(entry, dict) or not _text(entry.get("file")) or not _text(entry.get("language")):
                    problems.append(f"{where}: needs a \"language\" and a \"file\"")
                    continue
                entries.append((where, _text(entry["language"]), _text(entry["file"])))
    for key, value in row.items():
        if key.lower().startswith(TRANSLATION_COLUMN) and _text(value):
            entries.append((f"column {key}", key[len(TRANSLATION_COLUMN):].strip(), _text(value)))
    return entries, problems


def texts_from_row(folder: Path, row: dict, default_language: str) -> SidecarTexts:
    """The row's transcript and translations, in that order, as content items."""
    found = SidecarTexts()
    transcript_file = _text(row.get("transcript_file"))
    typed_language = _text(row.get("transcript_language"))
    transcript_language = language_code(typed_language) if typed_language else default_language
    if typed_language and transcript_language is None:
        found.warnings.append(("", f"transcript_language {typed_language!r} is not a known language tag; the "
                                   f"transcript is stored as {default_language or 'of no stated language'}"))
        transcript_language = default_language
    transcript = _text(row.get("transcript") or row.get("transcript_text"))
    if transcript_file:
        try:
            transcript = read_text_part(folder, transcript_file)
        except TextPartError as exc:
            found.warnings.append(("transcript", f"transcript {exc}"))
            found.unread.append((0, "transcript", transcript_language or ""))
            transcript = ""
    if transcript:
        found.items.append(ContentItem(kind="transcript", language=transcript_language or "", text=transcript,
                                       label=label("transcript", transcript_language or "")))

    entries, problems = translation_entries(row)
    found.warnings.extend(("translation", problem) for problem in problems)
    taken: dict[str, str] = {}
    for where, typed, name in entries:
        tag = language_code(typed)
        if tag is None:
            found.warnings.append(("translation", f"{where} ({name}): unknown language {typed!r} (use a BCP 47 "
                                                  "tag such as en, zh-Hans, zh-Hant)"))
            continue
        if tag in taken:
            found.warnings.append(("translation", f"{where} ({name}): a second translation in {tag} (the first is "
                                                  f"{taken[tag]})"))
            continue
        taken[tag] = name
        try:
            text = read_text_part(folder, name)
        except TextPartError as exc:
            found.warnings.append(("translation", f"{where}: {exc}"))
            found.unread.append((len(found.items), "translation", tag))
            continue
        found.items.append(ContentItem(kind="translation", language=tag, text=text, label=label("translation", tag)))
    return found
