"""The test suite's data, made through the real import pipeline (`ingest.runner.run_import`) and, for whole
archives, the real command line. One module for every fixture that needs records:

- `sample_archive(frus_count)`: a small archive written as a readingroom export (JSON Lines, with the page
  images beside it) and imported: a seed-like telegram with a scanned page (rendered here with Pillow, with
  the word boxes of what was drawn), FRUS-like records in a series, authorities with variants, and
  restricted records that must never show. The `archive` and `live_archive` fixtures (tests/conftest.py).
- `record_line`, `authority_data`, `content_data`, `collection_data`, `relation_data`, `theme_line` and
  `import_lines`: any other records and themes, written as an export and imported the same way
  (tests/places_fixtures.py, tests/web/*_fixtures.py); `export_line`: a stored record's export line, to
  change and import again.
- `export_text` / `write_export`: archive-page exports in the seed's layout, for tests that import variants.
- `build_archive`, `run_cli`, `run_django`, `export`: a varied archive made by `readingroom import` in a data
  directory of its own (sample records, scans, UDHR texts), then staff's edits as the admin makes them.
- `import_volumes`: two small FRUS volumes that share their persons, for the merge tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from readingroom.catalog.models import AccessLevel, Authority, Collection, Content, Page, Record
from readingroom.ingest.archive_jsonl import FORMAT as ARCHIVE_FORMAT  # carries pages' OCR, whole authorities
from readingroom.ingest.archive_jsonl import archive_fields, export_queryset
from readingroom.ingest.runner import run_import
from readingroom.standards.catalogue_json import record_detail

from .ingest.frus_fixtures import telegram, volume_xml, write

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "src" / "readingroom" / "sample_data"



# ---- the sample archive --------------------------------------------------------------------------

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


REPOSITORIES = {
    "loc": {"name": "Manuscript Division, Library of Congress", "place": "Washington, DC", "url": ""},
    "state": {"name": "Office of the Historian, U.S. Department of State", "place": "Washington, DC", "url": ""},
}
HARRIMAN_PAPERS = [{"identifier": "harriman-papers", "title": "W. Averell Harriman Papers", "level": "collection",
                    "position": 0, "description": "", "editors": "", "publication_year": None,
                    "repository": REPOSITORIES["loc"]}]
FRUS_CHAPTER = [
    {"identifier": "frus1944v04", "title": "Foreign Relations of the United States, 1944, Europe, Volume IV",
     "level": "collection", "position": 0, "description": "", "editors": "E. Ralph Perkins",
     "publication_year": 1966, "repository": REPOSITORIES["state"]},
    {"identifier": "frus1944v04-ch1", "title": "The Soviet Union", "level": "series", "position": 1,
     "description": "", "editors": "", "publication_year": None, "repository": None},
]


def authority_data(kind: str, identifier: str, name: str, variants: tuple[tuple[str, str, str], ...] = (),
               **extra: str) -> dict:
    fields = {"kind": kind, "preferred_name": name, "dates": "", "description": "", "wikidata": "", "viaf": "",
              "geonames": "", "source": "", "coordinates_source": "", "country_code": ""}
    return {"identifier": identifier, **fields, **extra, "latitude": None, "longitude": None,
            "variants": [{"name": n, "language": lang, "note": note} for n, lang, note in variants]}


AUTHORITIES = {
    "stalin": authority_data("person", "person-stalin-joseph", "Stalin, Joseph", (
        ("Сталин, Иосиф Виссарионович", "ru", "Russian"), ("Dzhugashvili, Iosif", "", "birth name")),
        dates="1878-1953", wikidata="Q855", viaf="101787139"),
    "harriman": authority_data("person", "person-harriman-w-averell", "Harriman, W. Averell", dates="1891-1986",
                           wikidata="Q379993"),
    "shantung": authority_data("place", "place-shandong", "Shandong", (("Shantung", "", "postal romanization"),),
                           geonames="1796328"),
    "manchuria": authority_data("place", "place-manchuria", "Manchuria"),
    "intelligence": authority_data("subject", "subject-military-intelligence", "Military intelligence"),
    "secret_person": authority_data("person", "person-only-in-restricted", "Zed, Secret Person"),
}


def content_data(position: int, kind: str, language: str, text: str, pages: list[dict] = (), **fields) -> dict:
    """One content item of an export line; `fields` sets the others (label, markup, page_breaks...)."""
    return {"position": position, "kind": kind, "language": language, "label": "", "text": text, "markup": "",
            "page_breaks": [], "corrected": None, "footnotes": [], "pages": list(pages), **fields}


def _scan_page(media: Path, png: bytes, words: list[list], text: str) -> dict:
    """A page done by OCR, its image written where the import copies originals from (`media/` beside it)."""
    checksum = hashlib.sha256(png).hexdigest()
    name = f"originals/{checksum[:2]}/{checksum}/harriman-171-0001.png"
    (media / name).parent.mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(png)
    return {"position": 0, "image": name, "original_name": "harriman-171-0001.png", "checksum": checksum,
            "width": 1700, "height": 2200, "dpi": 200, "text": text, "words": words, "confidence": 95.0,
            "ocr_status": Page.OcrStatus.DONE, "ocr_engine": "", "ocr_settings": {}, "ocr_error": ""}


def collection_data(identifier: str, title: str, *, level: str = "collection", position: int = 0,
                    repository: dict | None = None, **fields) -> dict:
    """One collection of a record's collection chain (outermost first), with the model's defaults."""
    return {"identifier": identifier, "title": title, "level": level, "position": position, "description": "",
            "editors": "", "publication_year": None, **fields, "repository": repository}


def relation_data(target: str, kind: str, note: str = "", origin: str = "staff") -> dict:
    """One relation of an export line to the record with public id `target` (stored after every record)."""
    return {"target": target, "kind": kind, "note": note, "origin": origin}


def record_line(public_id: str, title: str, date: str, *, collection: list[dict] = (), contents: list[dict] = (),
                authorities: list[tuple[dict, str]] = (), languages: tuple[str, ...] = (), position: int = 0,
                access_level: str = AccessLevel.PUBLIC, embargo_until: str | None = None,
                relations: list[dict] = (), **fields: str) -> dict:
    """One record as a readingroom export line; `authorities` as (authority_data(...), role), `collection` as
    collection_data(...) outermost first, `relations` as relation_data(...)."""
    return {"id": public_id, "title": title, "date": date, "access_level": access_level,
            "embargo_until": embargo_until, "languages": [{"code": code} for code in languages], **fields,
            "archive": {"format": ARCHIVE_FORMAT, "position": position, "import_source": "", "import_checksum": "",
                        "repository": None, "collection": list(collection), "contents": list(contents),
                        "authorities": [{"role": role, **data} for data, role in authorities],
                        "relations": list(relations)}}


def _known(*pairs: tuple[str, str]) -> list[tuple[dict, str]]:
    return [(AUTHORITIES[key], role) for key, role in pairs]


def sample_lines(media: Path, frus_count: int = 6) -> list[dict]:
    """The sample archive's records in the order they are stored, page images written under `media`."""
    png, words = render_scan()
    seed = record_line(
        "209771", "Telegram re Stalin Harriman Conversation on Japanese Troops", "1944-02-02",
        summary="W. Averell Harriman and Joseph Stalin discuss Soviet intelligence about Japanese troop movements.",
        document_type="telegram", classification="SECRET", languages=("en",), collection=HARRIMAN_PAPERS,
        container="171", source_url="https://digitalarchive.wilsoncenter.org/document/209771",
        contents=[content_data(0, Content.Kind.SCAN, "en", "\n".join(SCAN_LINES),
                           [_scan_page(media, png, words, "\n".join(SCAN_LINES))]),
                  content_data(1, Content.Kind.TRANSCRIPT, "en", TRANSCRIPT)],
        authorities=_known(("stalin", "mentioned"), ("harriman", "author"), ("shantung", "mentioned"),
                     ("manchuria", "mentioned"), ("intelligence", "subject")))
    lines = [seed]
    for n in range(frus_count):
        day = dt.date(1944, 1 + n % 12, 1 + n % 27)
        contents = [content_data(0, Content.Kind.TRANSCRIPT, "en",
                             f"Stalin said that the Red Army would advance. Telegram number {n + 1}.")]
        if n % 2 == 0:
            contents.append(content_data(1, Content.Kind.TRANSLATION, "ru", "Сталин сказал, что Красная армия будет наступать."))
        lines.append(record_line(
            f"frus1944v04/d{n + 1}", f"The Ambassador in the Soviet Union (Harriman) to the Secretary of State, no. {n + 1}",
            day.isoformat(), document_type="telegram", languages=("en",) if n % 3 else ("en", "ru"),
            collection=FRUS_CHAPTER, position=n + 1, place_of_writing="Moscow", contents=contents,
            authorities=_known(("harriman", "author"), ("stalin", "mentioned"))))
    restricted_png, restricted_words = render_scan(["RESTRICTED Stalin"], size=(600, 400))
    lines.append(record_line(
        "restricted-1", "Restricted memorandum about Stalin", "1951-06-01", access_level=AccessLevel.STAFF,
        collection=FRUS_CHAPTER, position=3, languages=("de",),
        contents=[content_data(0, Content.Kind.SCAN, "en", "RESTRICTED Stalin",
                           [_scan_page(media, restricted_png, restricted_words, "RESTRICTED Stalin")])],
        authorities=_known(("stalin", "mentioned"), ("secret_person", "author"))))
    lines.append(record_line(
        "embargoed-1", "Embargoed telegram", "1962-10-20", access_level=AccessLevel.EMBARGOED,
        embargo_until="2999-01-01", collection=HARRIMAN_PAPERS, container="999", contents=[],
        authorities=_known(("stalin", "mentioned"))))
    return lines


def import_lines(lines: list[dict], folder: Path | None = None) -> None:
    """Write the lines as a readingroom export in `folder` (page images in its `media/`) and import it. Records
    without timestamps are stamped a millisecond apart in the order given, as records saved one after
    another would be."""
    start = timezone.now()
    for n, line in enumerate(lines):
        stamps = line["theme"] if "theme" in line else line["archive"]
        for key in ("created", "updated"):
            stamps.setdefault(key, (start + dt.timedelta(milliseconds=n)).isoformat())
    with tempfile.TemporaryDirectory(prefix="rr-import-") as tmp:
        path = (folder or Path(tmp)) / "records.jsonl"
        path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        summary = run_import([str(path)])
    assert summary.ok and not summary.problems, [str(p) for p in summary.problems]


def export_line(public_id: str) -> dict:
    """A stored record as `readingroom export` writes its line (to change and import again)."""
    return json.loads(json.dumps({**record_detail(record := export_queryset().get(public_id=public_id)),
                                  "archive": archive_fields(record)}, ensure_ascii=False))


def theme_line(slug: str, title: str, *, overview: str = "", published: bool = False, cover: dict | None = None,
               cover_alt: str = "", sections: list[dict] = (), entries: list[dict] = ()) -> dict:
    """A theme as a readingroom export carries it: sections as {"title", "intro"} in order, entries as
    {"record": public id, "note", "section": index or None} in order."""
    return {"theme": {
        "slug": slug, "title": title, "overview": overview, "published": published, "cover": cover,
        "cover_alt": cover_alt, "position": 0,
        "sections": [{"position": n, "title": s["title"], "intro": s.get("intro", "")} for n, s in enumerate(sections)],
        "entries": [{"record": e["record"], "position": n, "note": e.get("note", ""), "section": e.get("section")}
                    for n, e in enumerate(entries)]}}


def sample_archive(frus_count: int = 6) -> SampleArchive:
    """Import the sample archive into the test's database and return its records."""
    with tempfile.TemporaryDirectory(prefix="rr-sample-") as tmp:
        lines = sample_lines(Path(tmp) / "media", frus_count)
        import_lines(lines, Path(tmp))
    records = {r.public_id: r for r in Record.objects.filter(public_id__in=[line["id"] for line in lines])}
    seed, restricted = records["209771"], records["restricted-1"]
    authorities = {a.identifier: a for a in Authority.objects.filter(
        identifier__in=[a["identifier"] for a in AUTHORITIES.values()])}
    collections = {c.identifier: c for c in Collection.objects.filter(
        identifier__in=["harriman-papers", "frus1944v04", "frus1944v04-ch1"])}
    return SampleArchive(
        seed, [records[line["id"]] for line in lines[1:1 + frus_count]], restricted, records["embargoed-1"],
        Page.objects.get(content__record=seed), Page.objects.get(content__record=restricted),
        *(authorities[AUTHORITIES[key]["identifier"]] for key in ("stalin", "harriman", "shantung", "secret_person")),
        {"harriman": collections["harriman-papers"], "frus": collections["frus1944v04"],
         "chapter": collections["frus1944v04-ch1"]})


# ---- archive-page exports in the seed's layout ---------------------------------------------------

SEED_SCAN = """L. C'42 LA L'IOUT

AC.

During a conversation wth the Ambassador last evening Stalin volunteered the information that Soviet intelligence reports indicate that the Japanese may be preparing to withdraw from their outer line of defense running through Indonesia. Stalin said that these statements were based on information at his dis rosal.

The Ambassador inquired where the new line would Stalin replied that he was not sure of the details, run. but that he believed it would run roughly through Shanghai, the Ghantung peninsula, Manchuria and around the Interest islands. F35/"""

SEED_TRANSCRIPT = """TELEGRAM SECRET

During a conversation with the Ambassador last evening Stalin volunteered the information that Soviet intelligence reports indicate that the Japanese may be preparing to withdraw from their outer line of defense running through Indonesia. Stalin said that these statements were based on information at his disposal.

The Ambassador inquired where the new line would run. Stalin replied that he was not sure of the details, but that he believed it would run roughly through Shanghai, the Shantung peninsula, Manchuria and around the Japanese islands.

FBS/"""


def export_text(
    *,
    date: str = "February 2, 1944",
    title: str = "Telegram re Stalin Harriman Conversation on Japanese Troops",
    record_id: str = "209771",
    summary: str = "W. Averell Harriman and Joseph Stalin discuss Soviet intelligence about Japanese troop movements.",
    language: str = "English",
    contents: str = "Original Scan Transcript - English",
    body: str | None = None,
) -> str:
    body = f"{SEED_SCAN}\n\n{SEED_TRANSCRIPT}" if body is None else body
    citation = (
        f'"{title}", {date}, Wilson Center Digital Archive, Container # 171, W. Averell Harriman Papers, '
        f"Manuscript Division, Library of Congress, Washington, DC https://archive.example.org/document/{record_id}"
    )
    parts = ["", date, "", title, "", "Citation:", "", citation, "", "Summary:", "", summary, "",
             "Original Language:", "", language, "", "Contents:", "", contents, "", body]
    return "\n".join(parts) + "\n"


def write_export(folder: Path, name: str, **fields) -> Path:
    path = folder / name
    path.write_text(export_text(**fields), encoding="utf-8")
    return path


# ---- a whole archive made by the command line, in a data directory of its own --------------------

def cli_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # these archives are SQLite files unless a test names a database
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_cli(data_dir: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readingroom.cli", *args], capture_output=True, text=True,
                          env=cli_env(data_dir, database_url), timeout=600, cwd=data_dir.parent)


def run_django(data_dir: Path, code: str, database_url: str | None = None) -> str:
    """Run Python with Django set up on that data directory (staff's edits, as the admin makes them)."""
    prelude = "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'readingroom.settings'\ndjango.setup()\n"
    result = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True,
                            env=cli_env(data_dir, database_url), timeout=300, cwd=data_dir.parent)
    assert result.returncode == 0, result.stderr
    return result.stdout


STAFF_EDITS = """
import datetime as dt
from decimal import Decimal
from readingroom.catalog.models import Authority, NameVariant, Page, Record
from readingroom.catalog.relations import Relation
from readingroom.catalog.themes import Theme, ThemeEntry, ThemeSection

Record.objects.filter(public_id="udhr-article-3").update(access_level="staff")
record = Record.objects.get(public_id="udhr-article-26")
record.access_level, record.embargo_until = "embargoed", dt.date(2099, 1, 1)
record.save()
place = Authority.objects.filter(kind="place", record_links__isnull=False).order_by("identifier").first()
NameVariant.objects.create(authority=place, name="Variant for the round trip", language="de", note="German")
place.latitude, place.longitude, place.coordinates_source = Decimal("52.22977"), Decimal("21.01178"), "entered by staff"
place.save()
Relation.objects.create(source=Record.objects.get(public_id="209771-typed-scan"),
                        target=Record.objects.get(public_id="209771"), kind="draft_of", note="the typed copy")
theme = Theme.objects.create(title="A theme", slug="a-theme", overview="*Two* records", published=True,
                             cover_page=Page.objects.order_by("pk").first(), cover_alt="page 1")
section = ThemeSection.objects.create(theme=theme, title="First", intro="The start", position=1)
ThemeEntry.objects.create(theme=theme, record=Record.objects.get(public_id="209771"), section=section,
                          position=1, note="a note")
ThemeEntry.objects.create(theme=theme, record=Record.objects.get(public_id="udhr-article-3"), position=2)
"""


def build_archive(data_dir: Path, extra: list[Path] = ()) -> None:
    imported = run_cli(data_dir, "import", *(str(SAMPLES / name) for name in ("records", "scans", "udhr")),
                       *map(str, extra))
    assert imported.returncode == 0, imported.stderr
    run_django(data_dir, STAFF_EDITS)


def export(data_dir: Path, target: Path, database_url: str | None = None) -> str:
    result = run_cli(data_dir, "export", "-o", str(target), database_url=database_url)
    assert result.returncode == 0, result.stderr
    return target.read_text(encoding="utf-8")


# ---- two FRUS volumes that share their persons (each person becomes two authorities) ------------

VOLUMES = ("frus1944A", "frus1944B")


def volume(name: str, documents: int = 3, changed: int | None = None, extra_docs: int = 0) -> str:
    docs = [telegram(n, n, extra="<p>Changed on a second reading.</p>" if n == changed else "")
            for n in range(1, documents + 1 + extra_docs)]
    return volume_xml(docs, volume=name, title=f"Volume {name}")


def import_volumes(tmp_path: Path, **kwargs) -> list[Path]:
    paths = [write(tmp_path / "volumes" / f"{name}.xml", volume(name, **kwargs)) for name in VOLUMES]
    summary = run_import([str(p) for p in paths])
    assert summary.ok, summary.problems
    return paths


def roosevelt(volume_name: str) -> Authority:
    return Authority.objects.get(identifier=f"{volume_name}-p_RFD1")


def snapshot(authority: Authority) -> dict:
    """Everything a merge touches of one authority."""
    authority.refresh_from_db()
    return {
        "fields": {f: getattr(authority, f) for f in ("kind", "identifier", "preferred_name", "dates", "description",
                                                      "wikidata", "viaf", "geonames", "source", "merged_into_id")},
        "variants": sorted(authority.variants.values_list("name", "language", "note")),
        "links": sorted(authority.record_links.values_list("record__public_id", "role")),
    }
