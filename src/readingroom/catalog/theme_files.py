"""Themes kept as JSON files (the demo's, under sample_data/themes/), loaded into the catalogue.

A theme whose slug is already in the catalogue is left as it is: loading again never duplicates it, and
what staff changed since (a note, the order, unpublishing) survives the next `readingroom demo`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import Page, Record
from .themes import Theme, ThemeEntry, ThemeSection

SAMPLE_THEMES = Path(__file__).resolve().parents[1] / "sample_data" / "themes"


class ThemeFileError(Exception):
    pass


@dataclass
class Loaded:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    missing_records: list[str] = field(default_factory=list)

    def line(self) -> str:
        parts = [f"{len(self.created)} created", f"{len(self.kept)} already there (left as they are)"]
        if self.missing_records:
            parts.append(f"{len(self.missing_records)} records not in the catalogue: {', '.join(self.missing_records)}")
        return ", ".join(parts)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ThemeFileError(f"{path.name}: not a readable theme file ({exc})") from exc
    if not isinstance(data, dict) or not data.get("slug") or not data.get("title"):
        raise ThemeFileError(f"{path.name}: a theme needs a slug and a title")
    return data


def _cover(data: dict) -> tuple[Page | None, str]:
    cover = data.get("cover") or {}
    page = (Page.objects.filter(content__record__public_id=cover.get("record"), position=cover.get("page", 0))
            .order_by("content__position").first()) if cover.get("record") else None
    return page, cover.get("alt", "") if page else ""


@transaction.atomic
def load(path: Path, loaded: Loaded) -> None:
    data = _read(path)
    if Theme.objects.filter(slug=data["slug"]).exists():
        loaded.kept.append(data["slug"])
        return
    page, alt = _cover(data)
    theme = Theme.objects.create(slug=data["slug"], title=data["title"], overview=data.get("overview", ""),
                                 published=bool(data.get("published")), position=data.get("position", 0),
                                 cover_page=page, cover_alt=alt)
    records = {r.public_id: r for r in Record.objects.filter(
        public_id__in=[e["record"] for s in data.get("sections", []) for e in s.get("entries", [])])}
    position = 0
    for number, section_data in enumerate(data.get("sections", [])):
        section = ThemeSection.objects.create(theme=theme, position=number, title=section_data["title"],
                                              intro=section_data.get("intro", ""))
        for entry in section_data.get("entries", []):
            record = records.get(entry["record"])
            if record is None:  # the sample records failed to import, or were deleted: the theme goes without
                loaded.missing_records.append(entry["record"])
                continue
            ThemeEntry.objects.create(theme=theme, section=section, record=record, position=position,
                                      note=entry.get("note", ""))
            position += 1
    loaded.created.append(theme.slug)


def load_folder(folder: Path = SAMPLE_THEMES) -> Loaded:
    loaded = Loaded()
    for path in sorted(folder.glob("*.json")):
        load(path, loaded)
    return loaded


def load_sample_themes(console) -> None:
    """Load the sample themes `readingroom demo` shows, reporting on the console."""
    try:
        loaded = load_folder()
    except ThemeFileError as exc:
        console.print(f"Sample themes not loaded: {exc}", highlight=False)
        return
    console.print(f"Sample themes: {loaded.line()}", highlight=False)
