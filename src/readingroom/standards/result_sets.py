"""A set of records as one file for a reference manager or a spreadsheet: CSV, RIS, BibTeX and CSL-JSON.

RIS, BibTeX and CSL-JSON are the per-record citations of `citations.py` put together, so an exported
record reads exactly as its own cite file. `load` fetches the records with everything those citations
read (authors, collection tree, repository, the contents' languages) in a fixed number of queries.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch

from readingroom.catalog.dates import display_date
from readingroom.catalog.models import Collection, Content, Record

from . import citations

CSV_COLUMNS = ["id", "title", "date", "date_display", "document_type", "authors", "recipients", "languages",
               "collection", "repository", "summary", "citation", "url"]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a leading
# apostrophe makes it text, and the apostrophe is not shown.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_DEPTH = 50  # a (mis-imported) cycle in the collection tree must not loop forever


def load(pks: list[int], visible) -> list[Record]:
    """The records of `pks` that are in `visible`, in the order of `pks`."""
    records = (visible.filter(pk__in=pks).select_related("collection", "repository")
               .prefetch_related("authority_links__authority",
                                 Prefetch("contents", queryset=Content.objects.only("id", "record_id", "position",
                                                                                     "kind", "language"))))
    by_pk = {record.pk: record for record in records}
    found = [by_pk[pk] for pk in pks if pk in by_pk]
    _attach_collection_trees(found)
    return found


def _attach_collection_trees(records: list[Record]) -> None:
    """Every collection above the records, with its repository, loaded once (a query per level) and linked,
    so the citations' walks up the tree run no queries of their own."""
    loaded: dict[int, Collection] = {}
    wanted = {r.collection_id for r in records if r.collection_id}
    for _level in range(MAX_DEPTH):
        missing = wanted - loaded.keys()
        if not missing:
            break
        for collection in Collection.objects.select_related("repository").filter(pk__in=missing):
            loaded[collection.pk] = collection
        wanted = {c.parent_id for c in loaded.values() if c.parent_id}
    for collection in loaded.values():
        if collection.parent_id in loaded:
            collection.parent = loaded[collection.parent_id]
    for record in records:
        if record.collection_id in loaded:
            record.collection = loaded[record.collection_id]


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _row(record: Record) -> list[str]:
    item = citations.csl_item(record)
    repository = record.repository or (record.collection.root().repository if record.collection else None)
    return [
        record.public_id, record.title, record.date_edtf or "",
        display_date(record.date_edtf) if record.date_edtf else "", record.document_type or "",
        "; ".join(a["literal"] for a in item.get("author", [])),
        "; ".join(r["literal"] for r in item.get("recipient", [])),
        "; ".join(record.languages or []),
        " > ".join(record.collection.path_titles()) if record.collection else "",
        repository.name if repository else "", record.summary or "", citations.chicago(record),
        item["URL"],
    ]


def as_csv(records: list[Record]) -> str:
    out = io.StringIO()
    # A byte order mark: spreadsheets then read the file as UTF-8 (Russian and Chinese names intact).
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([safe_cell(cell) for cell in _row(record)])
    return out.getvalue()


def as_ris(records: list[Record]) -> str:
    return "".join(citations.ris(record) for record in records)


def as_bibtex(records: list[Record]) -> str:
    return "\n".join(citations.bibtex(record) for record in records)


def as_csl_json(records: list[Record]) -> str:
    # One item a line: readable, and a tenth of the size of an indented file.
    items = (json.dumps(citations.csl_item(record), ensure_ascii=False) for record in records)
    return "[\n" + ",\n".join(items) + "\n]\n"


@dataclass(frozen=True)
class SetFormat:
    extension: str
    label: str
    media_type: str
    build: Callable[[list[Record]], str]


FORMATS: dict[str, SetFormat] = {
    "csv": SetFormat("csv", "CSV", "text/csv; charset=utf-8", as_csv),
    "ris": SetFormat("ris", "RIS", citations.FORMATS["ris"].media_type, as_ris),
    "bib": SetFormat("bib", "BibTeX", citations.FORMATS["bib"].media_type, as_bibtex),
    "csl.json": SetFormat("csl.json", "CSL-JSON", citations.FORMATS["csl.json"].media_type, as_csl_json),
}
