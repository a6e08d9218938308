"""readingroom's own export (JSON Lines), read back: the format `readingroom export` writes.

Each record line is the record's JSON twin plus an `archive` block with what the twin leaves out
(positions, markup, footnote anchors, page files and OCR results, the collection tree, whole authorities
with variants and coordinates, relations, timestamps), so that an export imported into an empty archive
exports again byte for byte. Themes follow the records, one `{"theme": ...}` line each.

Unlike the other formats this one is the catalogue itself rather than a source to be interpreted, so it
stores rows directly (one transaction per record, model saves so the index hears of them) instead of
going through ParsedRecord and the pipeline, which cannot carry relations, themes or OCR results.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction

from readingroom.catalog.models import (
    Authority,
    Collection,
    Content,
    Footnote,
    NameVariant,
    Page,
    Record,
    RecordAuthority,
    Repository,
)
from readingroom.catalog.relations import Relation
from readingroom.catalog.themes import Theme, ThemeEntry, ThemeSection

from .records import Problem

FORMAT = "readingroom-archive/1"

# The twin's fields that are the record's own (the rest of the twin is derived: citation, labels...).
RECORD_FIELDS = ["title", "summary", "document_type", "classification", "rights", "access_level", "container",
                 "folder", "source_reference", "source_url", "place_of_writing", "signed_by"]
PAGE_FIELDS = ["original_name", "checksum", "width", "height", "dpi", "text", "words", "confidence", "ocr_status",
               "ocr_engine", "ocr_settings", "ocr_error"]
AUTHORITY_FIELDS = ["kind", "preferred_name", "dates", "description", "wikidata", "viaf", "geonames", "source",
                    "coordinates_source", "country_code"]
COLLECTION_FIELDS = ["title", "level", "position", "description", "editors", "publication_year"]


class ArchiveError(ValueError):
    """A line that is not a record of this format."""


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _canonical(value):
    """JSON field values with their keys in order: PostgreSQL's jsonb keeps its own order, SQLite the written one."""
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _repository(repository: Repository | None) -> dict | None:
    return None if repository is None else {"name": repository.name, "place": repository.place, "url": repository.url}


def archive_fields(record: Record) -> dict:
    """What the record's JSON twin leaves out and an import needs. Expects the prefetches of `export_queryset`."""
    return {
        "format": FORMAT,
        "position": record.position,
        "import_source": record.import_source,
        "import_checksum": record.import_checksum,
        "created": _iso(record.created),
        "updated": _iso(record.updated),
        "repository": _repository(record.repository),
        "collection": [
            {"identifier": c.identifier, **{f: getattr(c, f) for f in COLLECTION_FIELDS},
             "repository": _repository(c.repository)}
            for c in (record.collection.ancestors() if record.collection else [])
        ],
        "contents": [
            {"position": c.position, "kind": c.kind, "language": c.language, "label": c.label, "text": c.text,
             "markup": c.markup, "page_breaks": _canonical(c.page_breaks), "corrected": _iso(c.corrected),
             "footnotes": [{"number": f.number, "anchor_id": f.anchor_id, "text": f.text, "markup": f.markup,
                            "position": f.position} for f in c.footnotes.all()],
             "pages": [{"position": p.position, "image": p.image.name or "", **{f: _canonical(getattr(p, f)) for f in PAGE_FIELDS}}
                       for p in c.pages.all()]}
            for c in record.contents.all()
        ],
        "authorities": [
            {"role": link.role, "identifier": a.identifier, **{f: getattr(a, f) for f in AUTHORITY_FIELDS},
             "latitude": _decimal(a.latitude), "longitude": _decimal(a.longitude),
             "variants": [{"name": v.name, "language": v.language, "note": v.note} for v in a.variants.all()]}
            for link in record.authority_links.all() for a in [link.authority]
        ],
        "relations": [{"target": r.target.public_id, "kind": r.kind, "note": r.note, "origin": r.origin}
                      for r in record.relations_out.all()],
    }


def theme_line(theme: Theme) -> dict:
    sections = list(theme.sections.all())
    cover = theme.cover_page
    return {"theme": {
        "slug": theme.slug, "title": theme.title, "overview": theme.overview, "published": theme.published,
        "cover": None if cover is None else {"record": cover.content.record.public_id,
                                             "content": cover.content.position, "page": cover.position},
        "cover_alt": theme.cover_alt, "position": theme.position,
        "created": _iso(theme.created), "updated": _iso(theme.updated),
        "sections": [{"position": s.position, "title": s.title, "intro": s.intro} for s in sections],
        "entries": [{"record": e.record.public_id, "position": e.position, "note": e.note,
                     "section": None if e.section_id is None else [s.pk for s in sections].index(e.section_id)}
                    for e in theme.entries.all()],
    }}


def export_queryset():
    from django.db.models import Prefetch

    return Record.objects.select_related("collection", "repository").prefetch_related(
        Prefetch("contents", queryset=Content.objects.prefetch_related("footnotes", "pages")),
        Prefetch("authority_links", queryset=RecordAuthority.objects.select_related("authority")
                 .prefetch_related("authority__variants")),
        Prefetch("relations_out", queryset=Relation.objects.select_related("target").order_by("target__public_id", "kind")),
    ).order_by("pk")


def themes_queryset():
    return Theme.objects.select_related("cover_page__content__record").prefetch_related(
        "sections", "entries__record").order_by("slug")


# ----- reading it back -----

def _first_line(path: Path) -> dict | None:
    try:
        with path.open("rb") as fh:
            line = fh.readline(1_000_000)
        value = json.loads(line)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class ArchiveFormat:
    name = "readingroom_archive"

    def accepts(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in {".jsonl", ".json", ".ndjson"}:
            return False
        first = _first_line(path)
        return first is not None and ((first.get("archive") or {}).get("format") == FORMAT or "theme" in first)

    def parse(self, path: Path) -> Iterator:  # the runner calls import_into instead
        return iter(())

    def import_into(self, path: Path, summary, on_record: Callable | None = None) -> None:
        """Store every line's record, then the relations and themes (which name records further down)."""
        source = str(path)
        stored: list[dict] = []
        themes: list[tuple[int, dict]] = []
        try:
            with path.open(encoding="utf-8") as fh:
                for number, raw in enumerate(fh, start=1):
                    if not raw.strip():
                        continue
                    where = f"{source}:{number}"
                    try:
                        line = json.loads(raw)
                        if not isinstance(line, dict):
                            raise ArchiveError("not a JSON object")
                        if "\\u0000" in raw and _holds_nul(line):
                            # PostgreSQL's text cannot store one; refused on every engine alike.
                            raise ArchiveError("a text holds a NUL character (\\u0000)")
                        if "theme" in line:
                            themes.append((number, line["theme"]))
                            continue
                        first = summary.sources.setdefault(str(line.get("id")), source)
                        if first != source:
                            raise ArchiveError(f"record {line.get('id')} is also in {first}; this copy is skipped")
                        outcome = store_line(line, path.parent)
                    except KeyError as exc:  # its message is the bare key
                        _fail(summary, Problem(where, f"not stored: a field is missing: {exc}"))
                        continue
                    except (ArchiveError, ValueError, TypeError, DatabaseError) as exc:
                        _fail(summary, Problem(where, f"not stored: {exc}"))
                        continue
                    summary.counts[outcome] += 1
                    for warning in outcome_warnings(line, path.parent):
                        summary.problems.append(Problem(where, warning, fatal=False))
                    stored.append(line)
                    if on_record:
                        on_record(line.get("id"), outcome)
        except (OSError, UnicodeDecodeError) as exc:
            _fail(summary, Problem(source, f"cannot read: {getattr(exc, 'strerror', None) or exc}"))
        for line in stored:
            try:
                store_relations(line)
            except (ArchiveError, KeyError, TypeError, DatabaseError) as exc:
                summary.problems.append(Problem(source, f"relations of {line['id']} not stored: {exc}", fatal=False))
        for number, theme in themes:
            try:
                store_theme(theme)
            except (ArchiveError, ValueError, KeyError, TypeError, DatabaseError) as exc:
                _fail(summary, Problem(f"{source}:{number}", f"theme not stored: {exc}"))


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _fail(summary, problem: Problem) -> None:
    summary.problems.append(problem)
    summary.counts["failed"] += 1


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _same(record: Record, line: dict) -> bool:
    """Whether the stored record already is what the line says (a second import is "unchanged")."""
    current = export_queryset().get(pk=record.pk)
    archive = {k: v for k, v in archive_fields(current).items() if k != "relations"}
    wanted = {k: v for k, v in line["archive"].items() if k != "relations"}
    return (archive == wanted and all(getattr(current, f) == line.get(f, "") for f in RECORD_FIELDS)
            and current.date_edtf == line.get("date", "") and _iso(current.embargo_until) == line.get("embargo_until")
            and current.languages == [lang["code"] for lang in line.get("languages", [])])


def _get_repository(data: dict | None) -> Repository | None:
    if not data:
        return None
    repository, _created = Repository.objects.get_or_create(
        name=data["name"], defaults={"place": data.get("place", ""), "url": data.get("url", "")})
    return repository


def _get_collection(chain: list[dict]) -> Collection | None:
    parent = None
    for node in chain:
        collection = Collection.objects.filter(identifier=node["identifier"]).first()
        if collection is None:
            collection = Collection.objects.create(identifier=node["identifier"], parent=parent,
                                                   repository=_get_repository(node.get("repository")),
                                                   **{f: node[f] for f in COLLECTION_FIELDS})
        parent = collection
    return parent


def _get_authority(data: dict) -> Authority:
    """An authority already here (staff may have edited it) is kept as it is; its missing variants are added."""
    authority = Authority.objects.filter(identifier=data["identifier"]).first()
    if authority is None:
        authority = Authority.objects.create(
            identifier=data["identifier"], **{f: data[f] for f in AUTHORITY_FIELDS},
            latitude=Decimal(data["latitude"]) if data.get("latitude") is not None else None,
            longitude=Decimal(data["longitude"]) if data.get("longitude") is not None else None)
    have = set(authority.variants.values_list("name", flat=True))
    NameVariant.objects.bulk_create([NameVariant(authority=authority, **v) for v in data["variants"]
                                     if v["name"] not in have])
    return authority


def _media_file(name: str, beside: Path) -> str | None:
    """Where the page's file is: already among the originals, or in a `media/` folder beside the export
    (copied in). None when it is in neither: the page keeps its reference, and a warning says so."""
    if not name:
        return None
    if default_storage.exists(name):
        return name
    candidate = (beside / "media" / name).resolve()
    if (beside / "media").resolve() not in candidate.parents or not candidate.is_file():
        return None
    target = Path(default_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(candidate, target)
    return name


def outcome_warnings(line: dict, beside: Path) -> list[str]:
    missing = [p["image"] for c in line["archive"]["contents"] for p in c["pages"]
               if p["image"] and not default_storage.exists(p["image"])]
    return [f"record {line['id']}: {len(missing)} page image(s) not found (first: {missing[0]}); "
            "the pages keep their references"] if missing else []


def store_line(line: dict, beside: Path) -> str:
    """One record in one transaction: "imported", "updated" (its contents and links replaced) or "unchanged"."""
    archive = line.get("archive")
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise ArchiveError(f"not a record of a readingroom export ({FORMAT})")
    public_id = line.get("id")
    if not isinstance(public_id, str) or not public_id or not line.get("title"):
        raise ArchiveError("a record needs an id and a title")
    for item in archive["contents"]:
        for page in item["pages"]:
            name = page["image"]
            if name and (name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/")):
                raise ArchiveError(f"page image {name!r} is not a path inside the media folder")
    with transaction.atomic():
        record = Record.objects.filter(public_id=public_id).first()
        if record is not None and _same(record, line):
            return "unchanged"
        outcome = "imported" if record is None else "updated"
        record = record or Record(public_id=public_id)
        for f in RECORD_FIELDS:
            setattr(record, f, line.get(f, ""))
        record.date_edtf = line.get("date", "")
        record.embargo_until = _date(line.get("embargo_until"))
        record.languages = [lang["code"] for lang in line.get("languages", [])]
        record.position = archive["position"]
        record.import_source = archive["import_source"]
        record.import_checksum = archive["import_checksum"]
        record.repository = _get_repository(archive["repository"])
        record.collection = _get_collection(archive["collection"])
        record.save()
        if outcome == "updated":
            record.contents.all().delete()
            record.authority_links.all().delete()
        for item in archive["contents"]:
            content = Content.objects.create(
                record=record, position=item["position"], kind=item["kind"], language=item["language"],
                label=item["label"], text=item["text"], markup=item["markup"], page_breaks=item["page_breaks"],
                corrected=_datetime(item["corrected"]))
            Footnote.objects.bulk_create([Footnote(content=content, **note) for note in item["footnotes"]])
            pages = []
            for page in item["pages"]:
                _media_file(page["image"], beside)
                pages.append(Page(content=content, position=page["position"], image=page["image"],
                                  **{f: page[f] for f in PAGE_FIELDS}))
            Page.objects.bulk_create(pages)
        for data in archive["authorities"]:
            RecordAuthority.objects.create(record=record, authority=_get_authority(data), role=data["role"])
        # The timestamps the source archive had (model saves would stamp now), so an export of this archive
        # reads as the one imported.
        Record.objects.filter(pk=record.pk).update(created=_datetime(archive["created"]),
                                                   updated=_datetime(archive["updated"]))
    return outcome


def store_relations(line: dict) -> None:
    wanted = line["archive"]["relations"]
    record = Record.objects.get(public_id=line["id"])
    targets = dict(Record.objects.filter(public_id__in=[r["target"] for r in wanted]).values_list("public_id", "pk"))
    missing = [r["target"] for r in wanted if r["target"] not in targets]
    with transaction.atomic():
        for item in wanted:
            if item["target"] in targets:
                Relation.objects.get_or_create(source=record, target_id=targets[item["target"]], kind=item["kind"],
                                               defaults={"note": item["note"], "origin": item["origin"]})
    if missing:
        raise ArchiveError(f"no record {missing[0]} to relate to")


def store_theme(data: dict) -> None:
    """A theme already here (by its slug) is left as staff have it."""
    if Theme.objects.filter(slug=data["slug"]).exists():
        return
    records = dict(Record.objects.filter(public_id__in=[e["record"] for e in data["entries"]])
                   .values_list("public_id", "pk"))
    cover = None
    if data.get("cover"):
        cover = Page.objects.filter(content__record__public_id=data["cover"]["record"],
                                    content__position=data["cover"]["content"], position=data["cover"]["page"]).first()
    try:
        with transaction.atomic():
            theme = Theme.objects.create(slug=data["slug"], title=data["title"], overview=data["overview"],
                                         published=data["published"], cover_page=cover, cover_alt=data["cover_alt"],
                                         position=data["position"])
            sections = [ThemeSection.objects.create(theme=theme, **s) for s in data["sections"]]
            for entry in data["entries"]:
                if entry["record"] not in records:
                    raise ArchiveError(f"no record {entry['record']} for theme {data['slug']}")
                ThemeEntry.objects.create(theme=theme, record_id=records[entry["record"]], position=entry["position"],
                                          note=entry["note"],
                                          section=None if entry["section"] is None else sections[entry["section"]])
            Theme.objects.filter(pk=theme.pk).update(created=_datetime(data["created"]),
                                                     updated=_datetime(data["updated"]))
    except IntegrityError as exc:
        raise ArchiveError(str(exc)) from exc


archive = ArchiveFormat()
