"""The committed catalogues: every entry of each .po is translated (none fuzzy), keeps the placeholders of
its English, and the committed .mo says exactly what the .po says (it was compiled after the last edit).
Read with a small .po reader here and Python's own gettext for the .mo: no gettext tools at test time."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

import readingroom

LOCALE = Path(readingroom.__file__).parent / "locale"
CATALOGUES = ["ru", "zh_Hans"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@dataclass
class Entry:
    context: str = ""
    msgid: str = ""
    plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def read_po(path: Path) -> list[Entry]:
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, key = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$', line)
            if match:
                key, index, text = match.group(1), int(match.group(2) or 0), ast.literal_eval(match.group(3))
            else:
                text = ast.literal_eval(line)  # a continuation line
            if key == "msgctxt":
                entry.context += text
            elif key == "msgid":
                entry.msgid += text
            elif key == "msgid_plural":
                entry.plural = (entry.plural or "") + text
            else:
                entry.strings[index] = entry.strings.get(index, "") + text
        if entry.msgid:
            entries.append(entry)
    return entries


def test_catalogue_for_every_interface_language():
    offered = {code for code, _ in settings.LANGUAGES} - {"en"}
    assert {c.lower().replace("_", "-") for c in CATALOGUES} == offered


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_entry_is_translated(language):
    entries = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 150
    for entry in entries:
        assert not entry.fuzzy, entry.msgid
        assert entry.strings and all(s.strip() for s in entry.strings.values()), entry.msgid
        english = set(PLACEHOLDER.findall(entry.msgid + (entry.plural or "")))
        for text in entry.strings.values():
            assert set(PLACEHOLDER.findall(text)) <= english and (entry.plural or set(PLACEHOLDER.findall(text)) == english), (
                entry.msgid, text)


@pytest.mark.parametrize("language", CATALOGUES)
def test_compiled_catalogue_matches_the_po(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in read_po(folder / "django.po"):
        if entry.plural is None:
            got = (compiled.pgettext(entry.context, entry.msgid) if entry.context else compiled.gettext(entry.msgid))
            if got != entry.strings[0]:
                stale.append(entry.msgid)
        else:
            for n in (1, 2, 5, 21):
                index = compiled.plural(n)
                got = compiled.ngettext(entry.msgid, entry.plural, n)
                if got != entry.strings[index]:
                    stale.append(entry.msgid)
    assert not stale, f"recompile {folder}/django.mo (django-admin compilemessages): {stale[:3]}"
