"""A published theme and a draft built on the sample archive: records in two sections with notes, a
restricted and an embargoed record among them, and a place named only by the restricted one."""

from __future__ import annotations

from dataclasses import dataclass

from readingroom.catalog.models import Authority, RecordAuthority
from readingroom.catalog.themes import Theme, ThemeEntry, ThemeSection
from tests.builders import SampleArchive

SECRET_PLACE = "Secret Bunker Place"


@dataclass
class Themes:
    theme: Theme
    draft: Theme
    moscow: ThemeSection
    later: ThemeSection


def build(archive: SampleArchive) -> Themes:
    theme = Theme.objects.create(
        title="Stalin in the telegrams of 1944", slug="stalin-1944", published=True, cover_page=archive.page,
        cover_alt="The first page of the telegram of February 2, 1944",
        overview="What **Stalin** told the Ambassador, and what followed.\n\nSee [the telegram](/document/209771/).")
    moscow = ThemeSection.objects.create(theme=theme, position=0, title="Conversations in Moscow",
                                         intro="Reported by *Harriman*.")
    later = ThemeSection.objects.create(theme=theme, position=1, title="Telegrams that followed")
    secret_place = Authority.objects.create(kind="place", identifier="place-secret-bunker", preferred_name=SECRET_PLACE)
    RecordAuthority.objects.create(record=archive.restricted, authority=secret_place, role="mentioned")
    ThemeEntry.objects.create(theme=theme, section=moscow, record=archive.seed, position=0,
                              note="The *first* report of the conversation.")
    ThemeEntry.objects.create(theme=theme, section=later, record=archive.frus[1], position=1)
    ThemeEntry.objects.create(theme=theme, section=later, record=archive.frus[0], position=2, note="Earlier, but read later.")
    ThemeEntry.objects.create(theme=theme, section=later, record=archive.restricted, position=3, note="Staff only.")
    ThemeEntry.objects.create(theme=theme, section=moscow, record=archive.embargoed, position=4)
    draft = Theme.objects.create(title="A theme still being written", slug="draft-theme", overview="Not ready.")
    ThemeEntry.objects.create(theme=draft, record=archive.seed)
    return Themes(theme, draft, moscow, later)


def locate_places() -> None:
    """Coordinates for the theme's places, the secret one included, so a map of them has something to hide."""
    Authority.objects.filter(preferred_name="Shandong").update(latitude=36.4, longitude=118.4, coordinates_source="test")
    Authority.objects.filter(preferred_name=SECRET_PLACE).update(latitude=10, longitude=10, coordinates_source="test")
