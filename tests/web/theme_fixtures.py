"""A published theme and a draft built on the sample archive: records in two sections with notes, a
restricted and an embargoed record among them, and a place named only by the restricted one. Everything
comes in through the import (tests/builders.py): the restricted record is imported again naming the secret
place, and the themes follow it as an export's theme lines."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from readingroom.catalog.models import Authority, Page
from readingroom.catalog.themes import Theme, ThemeSection
from tests.builders import SampleArchive, authority_data, import_lines, sample_lines, theme_line

SECRET_PLACE = "Secret Bunker Place"


@dataclass
class Themes:
    theme: Theme
    draft: Theme
    moscow: ThemeSection
    later: ThemeSection


def build(archive: SampleArchive) -> Themes:
    published = theme_line(
        "stalin-1944", "Stalin in the telegrams of 1944", published=True,
        cover={"record": archive.seed.public_id, "content": archive.page.content.position, "page": archive.page.position},
        cover_alt="The first page of the telegram of February 2, 1944",
        overview="What **Stalin** told the Ambassador, and what followed.\n\nSee [the telegram](/document/209771/).",
        sections=[{"title": "Conversations in Moscow", "intro": "Reported by *Harriman*."},
                  {"title": "Telegrams that followed"}],
        entries=[{"record": archive.seed.public_id, "section": 0, "note": "The *first* report of the conversation."},
                 {"record": archive.frus[1].public_id, "section": 1},
                 {"record": archive.frus[0].public_id, "section": 1, "note": "Earlier, but read later."},
                 {"record": archive.restricted.public_id, "section": 1, "note": "Staff only."},
                 {"record": archive.embargoed.public_id, "section": 0}])
    draft = theme_line("draft-theme", "A theme still being written", overview="Not ready.",
                       entries=[{"record": archive.seed.public_id}])
    with tempfile.TemporaryDirectory(prefix="rr-themes-") as tmp:
        restricted = next(line for line in sample_lines(Path(tmp) / "media", len(archive.frus))
                          if line["id"] == archive.restricted.public_id)
        secret = authority_data("place", "place-secret-bunker", SECRET_PLACE)
        restricted["archive"]["authorities"].append({"role": "mentioned", **secret})
        import_lines([restricted, published, draft], Path(tmp))
    # The re-import replaced the restricted record's contents and so its page.
    archive.restricted_page = Page.objects.get(content__record=archive.restricted)
    theme, draft = Theme.objects.get(slug="stalin-1944"), Theme.objects.get(slug="draft-theme")
    moscow, later = theme.sections.order_by("position")
    return Themes(theme, draft, moscow, later)


def locate_places() -> None:
    """Coordinates for the theme's places, the secret one included, so a map of them has something to hide
    (as staff enter them)."""
    Authority.objects.filter(preferred_name="Shandong").update(latitude=36.4, longitude=118.4, coordinates_source="test")
    Authority.objects.filter(preferred_name=SECRET_PLACE).update(latitude=10, longitude=10, coordinates_source="test")
