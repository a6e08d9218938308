"""A small archive built in the test itself: a seed-like telegram with a scanned page (rendered here with
Pillow, with the word boxes of what was drawn), FRUS-like records in a series, authorities with variants,
and restricted records that must never show. Used by the web tests, the browser tests and benchmarks/web.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from readingroom.catalog.models import (
    AccessLevel,
    Authority,
    Collection,
    Content,
    NameVariant,
    Page,
    Record,
    RecordAuthority,
    Repository,
)

SCAN_LINES = [
    "TELEGRAM SECRET",
    "",
    "During a conversation with the Ambassador last",
    "evening Stalin volunteered the information that",
    "Soviet intelligence reports indicate that the",
    "Japanese may be preparing to withdraw from their",
    "outer line of defense running through Indonesia.",
    "",
    "Stalin replied that he believed it would run",
    "roughly through Shanghai, the Shantung peninsula,",
    "Manchuria and around the Japanese islands.",
]
TRANSCRIPT = (
    "TELEGRAM SECRET\n\nDuring a conversation with the Ambassador last evening Stalin volunteered the information "
    "that Soviet intelligence reports indicate that the Japanese may be preparing to withdraw from their outer line "
    "of defense running through Indonesia.\n\nThe Ambassador inquired where the new line would run. Stalin replied "
    "that he was not sure of the details, but that he believed it would run roughly through Shanghai, the Shantung "
    "peninsula, Manchuria and around the Japanese islands.\n\nFBS/"
)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def render_scan(lines: list[str] = SCAN_LINES, size: tuple[int, int] = (1700, 2200)) -> tuple[bytes, list[list]]:
    """A page image as PNG bytes, and [[x, y, w, h, conf, word], ...] for every word drawn on it."""
    image = Image.new("L", size, 246)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    words: list[list] = []
    y = 200
    for line in lines:
        x = 150
        for word in line.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, fill=25, font=font)
            words.append([int(left), int(top), int(right - left), int(bottom - top), 95.0, word])
            x = round(right + draw.textlength(" ", font=font))
        y += 72
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), words


@dataclass
class SampleArchive:
    seed: Record
    frus: list[Record]
    restricted: Record
    embargoed: Record
    page: Page
    restricted_page: Page
    stalin: Authority
    harriman: Authority
    shantung: Authority
    secret_person: Authority
    collections: dict[str, Collection] = field(default_factory=dict)


def _authority(kind: str, identifier: str, name: str, **extra) -> Authority:
    return Authority.objects.create(kind=kind, identifier=identifier, preferred_name=name, **extra)


def _scan_page(record: Record, png: bytes, words: list[list], text: str) -> Page:
    content = Content.objects.create(record=record, position=0, kind=Content.Kind.SCAN, language="en",
                                     text=text)
    page = Page(content=content, position=0, width=1700, height=2200, dpi=200, text=text, words=words,
                confidence=95.0, ocr_status=Page.OcrStatus.DONE, original_name="harriman-171-0001.png",
                checksum=hashlib.sha256(png).hexdigest())
    page.image.save("page.png", ContentFile(png), save=False)
    page.save()
    return page


def build(frus_count: int = 6) -> SampleArchive:
    loc = Repository.objects.create(name="Manuscript Division, Library of Congress", place="Washington, DC")
    harriman_papers = Collection.objects.create(identifier="harriman-papers", title="W. Averell Harriman Papers",
                                                repository=loc)
    state = Repository.objects.create(name="Office of the Historian, U.S. Department of State", place="Washington, DC")
    frus_volume = Collection.objects.create(identifier="frus1944v04", title="Foreign Relations of the United States, 1944, Europe, Volume IV",
                                            repository=state, editors="E. Ralph Perkins", publication_year=1966)
    frus_chapter = Collection.objects.create(identifier="frus1944v04-ch1", title="The Soviet Union",
                                             level=Collection.Level.SERIES, parent=frus_volume, position=1)

    stalin = _authority("person", "person-stalin-joseph", "Stalin, Joseph", dates="1878-1953", wikidata="Q855",
                        viaf="101787139")
    NameVariant.objects.create(authority=stalin, name="Сталин, Иосиф Виссарионович", language="ru", note="Russian")
    NameVariant.objects.create(authority=stalin, name="Dzhugashvili, Iosif", note="birth name")
    harriman = _authority("person", "person-harriman-w-averell", "Harriman, W. Averell", dates="1891-1986",
                          wikidata="Q379993")
    shantung = _authority("place", "place-shandong", "Shandong", geonames="1796328")
    NameVariant.objects.create(authority=shantung, name="Shantung", note="postal romanization")
    manchuria = _authority("place", "place-manchuria", "Manchuria")
    intelligence = _authority("subject", "subject-military-intelligence", "Military intelligence")
    secret_person = _authority("person", "person-only-in-restricted", "Zed, Secret Person")

    png, words = render_scan()
    seed = Record.objects.create(
        public_id="209771", title="Telegram re Stalin Harriman Conversation on Japanese Troops",
        date_edtf="1944-02-02", summary="W. Averell Harriman and Joseph Stalin discuss Soviet intelligence about "
        "Japanese troop movements.", document_type="telegram", classification="SECRET", languages=["en"],
        collection=harriman_papers, container="171", source_url="https://digitalarchive.wilsoncenter.org/document/209771",
    )
    page = _scan_page(seed, png, words, "\n".join(SCAN_LINES))
    Content.objects.create(record=seed, position=1, kind=Content.Kind.TRANSCRIPT, language="en", text=TRANSCRIPT)
    for authority, role in [(stalin, "mentioned"), (harriman, "author"), (shantung, "mentioned"),
                            (manchuria, "mentioned"), (intelligence, "subject")]:
        RecordAuthority.objects.create(record=seed, authority=authority, role=role)

    frus: list[Record] = []
    for n in range(frus_count):
        day = dt.date(1944, 1 + n % 12, 1 + n % 27)
        record = Record.objects.create(
            public_id=f"frus1944v04/d{n + 1}", title=f"The Ambassador in the Soviet Union (Harriman) to the Secretary of State, no. {n + 1}",
            date_edtf=day.isoformat(), document_type="telegram", languages=["en"] if n % 3 else ["en", "ru"],
            collection=frus_chapter, position=n + 1, place_of_writing="Moscow",
        )
        Content.objects.create(record=record, position=0, kind=Content.Kind.TRANSCRIPT, language="en",
                               text=f"Stalin said that the Red Army would advance. Telegram number {n + 1}.")
        if n % 2 == 0:
            Content.objects.create(record=record, position=1, kind=Content.Kind.TRANSLATION, language="ru",
                                   text="Сталин сказал, что Красная армия будет наступать.")
        RecordAuthority.objects.create(record=record, authority=harriman, role="author")
        RecordAuthority.objects.create(record=record, authority=stalin, role="mentioned")
        frus.append(record)

    restricted = Record.objects.create(
        public_id="restricted-1", title="Restricted memorandum about Stalin", date_edtf="1951-06-01",
        access_level=AccessLevel.STAFF, collection=frus_chapter, position=3, languages=["de"],
    )
    restricted_png, restricted_words = render_scan(["RESTRICTED Stalin"], size=(600, 400))
    restricted_page = _scan_page(restricted, restricted_png, restricted_words, "RESTRICTED Stalin")
    RecordAuthority.objects.create(record=restricted, authority=stalin, role="mentioned")
    RecordAuthority.objects.create(record=restricted, authority=secret_person, role="author")
    embargoed = Record.objects.create(
        public_id="embargoed-1", title="Embargoed telegram", date_edtf="1962-10-20",
        access_level=AccessLevel.EMBARGOED, embargo_until=dt.date(2999, 1, 1), collection=harriman_papers,
        container="999",
    )
    RecordAuthority.objects.create(record=embargoed, authority=stalin, role="mentioned")
    return SampleArchive(seed, frus, restricted, embargoed, page, restricted_page, stalin, harriman, shantung,
                         secret_person, {"harriman": harriman_papers, "frus": frus_volume, "chapter": frus_chapter})
