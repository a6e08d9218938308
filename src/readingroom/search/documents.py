"""From catalogue records to index documents. Reads the database in batches of a fixed size with a few
plain value queries per batch, so a rebuild of any size uses bounded memory and a fixed number of queries
per batch."""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from readingroom.catalog.languages import base_language, language_name
from readingroom.catalog.models import (
    Authority,
    Collection,
    Content,
    Footnote,
    NameVariant,
    Record,
    RecordAuthority,
    Repository,
)

from .schema import (
    DISPLAY_FIELDS,
    JOINED_FIELD,
    LANGUAGE_STEMMERS,
    has_cjk,
    searchable,
    space_cjk,
    written_field,
)
from .variants import VariantMap

BATCH_SIZE = 500
_WORD = re.compile(r"\w+")
# A word broken across a line with a hyphen, as diplomatic transcriptions keep it: "resig-\nnation".
# (\b and a possessive \w++: tried from inside every word and backtracking, this pattern was a fifth of a
# rebuild; most texts have no such break at all, which the plain search below tells at a tenth of the cost.)
_LINE_BREAK_HYPHEN = re.compile(r"\b(\w++)[-\u00ac\u2010][ \t]*\r?\n[ \t]*(\w+)")
_HYPHEN_AT_LINE_END = re.compile(r"[-\u00ac\u2010][ \t]*\r?\n")


def day_number(value: dt.date | None) -> int | None:
    return value.year * 10000 + value.month * 100 + value.day if value else None


def joined_pairs(text: str | list[str]) -> str:
    """Each pair of adjacent words glued together: "resig nation" -> "resignation". Old typesetting and
    OCR split words; indexing the glued pairs lets the whole word find them."""
    words = _WORD.findall(text) if isinstance(text, str) else text
    return " ".join(map(operator.add, words, words[1:]))


def hyphen_joins(text: str) -> str:
    """The words a typed text breaks at a line-end hyphen, glued back: typed text is otherwise split
    where the writer meant it, so gluing every pair (as for OCR) would cost index time for nothing."""
    if not _HYPHEN_AT_LINE_END.search(text):
        return ""
    return " ".join(a + b for a, b in _LINE_BREAK_HYPHEN.findall(text))


RECORD_FIELDS = ("id", "public_id", "title", "summary", "access_level", "embargo_until", "document_type",
                 "classification", "languages", "date_start", "date_end", "collection_id", "place_of_writing",
                 "signed_by", "repository_id")


@dataclass
class AuthorityData:
    kind: str
    identifier: str
    names: tuple[str, ...]  # preferred name first, then the variants


@dataclass
class RecordData:
    """What the index needs of a record, read with plain value queries (model instances and their
    per-object prefetch caches cost more than the indexing itself)."""
    fields: dict
    contents: list[tuple[str, str, str]] = field(default_factory=list)  # kind, language, text
    notes: list[str] = field(default_factory=list)
    authorities: list[AuthorityData] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.fields["id"]


class AuthorityCache:
    """Authorities with their names, read once per build for the ids a batch needs."""

    def __init__(self) -> None:
        self._known: dict[int, AuthorityData] = {}

    def get(self, ids: Iterable[int]) -> dict[int, AuthorityData]:
        missing = [i for i in set(ids) if i not in self._known]
        if missing:
            names: dict[int, list[str]] = {}
            for authority_id, name in NameVariant.objects.filter(authority_id__in=missing).values_list(
                    "authority_id", "name").order_by("authority_id", "name"):
                names.setdefault(authority_id, []).append(name)
            for pk, kind, identifier, preferred in Authority.objects.filter(pk__in=missing).values_list(
                    "id", "kind", "identifier", "preferred_name"):
                self._known[pk] = AuthorityData(kind, identifier, (preferred, *names.get(pk, [])))
        return self._known


def _of_records(ids: list[int], prefix: str = "") -> dict[str, object]:
    """A filter for the rows of these records (ascending ids; `prefix`: the path to the record id). A
    rebuild reads consecutive records: a range of ids is one condition, where IN with 500 ids has Django
    prepare every value (a twentieth of a rebuild). Sparse ids (an incremental update) keep the IN."""
    if ids[-1] - ids[0] < 2 * len(ids):
        return {f"{prefix}record_id__gte": ids[0], f"{prefix}record_id__lte": ids[-1]}
    return {f"{prefix}record_id__in": ids}


def _load(rows: list[dict], authorities: AuthorityCache) -> list[RecordData]:
    data = {row["id"]: RecordData(row) for row in rows}
    ids = list(data)  # ascending: the callers read records in primary-key order
    if not ids:
        return []
    for record_id, kind, language, text in Content.objects.filter(**_of_records(ids)).order_by(
            "record_id", "position", "id").values_list("record_id", "kind", "language", "text"):
        if record_id in data:
            data[record_id].contents.append((kind, language, text))
    for record_id, text in Footnote.objects.filter(**_of_records(ids, "content__")).order_by(
            "content__record_id", "content__position", "position").values_list("content__record_id", "text"):
        if record_id in data:
            data[record_id].notes.append(text)
    links = [(r, a) for r, a in RecordAuthority.objects.filter(**_of_records(ids)).order_by("record_id", "role", "id")
             .values_list("record_id", "authority_id") if r in data]
    known = authorities.get(a for _r, a in links)
    for record_id, authority_id in links:
        if authority_id in known:
            data[record_id].authorities.append(known[authority_id])
    return [data[i] for i in ids]


def record_batches(pks: Iterable[int] | None = None, batch_size: int = BATCH_SIZE) -> Iterator[list[RecordData]]:
    """Records with everything a document needs, batch by batch in primary-key order."""
    authorities = AuthorityCache()
    if pks is not None:
        wanted = sorted(set(pks))
        for i in range(0, len(wanted), batch_size):
            rows = list(Record.objects.filter(pk__in=wanted[i:i + batch_size]).order_by("pk").values(*RECORD_FIELDS))
            yield _load(rows, authorities)
        return
    last = 0
    while True:
        rows = list(Record.objects.filter(pk__gt=last).order_by("pk").values(*RECORD_FIELDS)[:batch_size])
        if not rows:
            return
        yield _load(rows, authorities)
        last = rows[-1]["id"]


class CollectionPaths:
    """Collection ancestry and repository names, read once per build: both are few and records many."""

    def __init__(self) -> None:
        self._nodes = {c.pk: c for c in Collection.objects.only("id", "identifier", "title", "parent_id",
                                                                "repository_id")}
        self._repositories = dict(Repository.objects.values_list("id", "name"))

    def repository(self, repository_id: int | None, chain: list[Collection]) -> str | None:
        """The record's own repository, else its top collection's: the one its citation names."""
        if repository_id is None and chain:
            repository_id = chain[0].repository_id
        return self._repositories.get(repository_id) if repository_id is not None else None

    def chain(self, pk: int | None) -> list[Collection]:
        chain: list[Collection] = []
        seen: set[int] = set()
        while pk is not None and pk not in seen and pk in self._nodes:
            seen.add(pk)
            node = self._nodes[pk]
            chain.append(node)
            pk = node.parent_id
        return list(reversed(chain))


def build_document(record: RecordData, collections: CollectionPaths, places: VariantMap) -> dict:
    """One record as a dict of index fields (lists for multi-valued ones)."""
    f = record.fields
    doc: dict[str, list] = {
        "pk": [f["id"]],
        "public_id": [f["public_id"]],
        "public_id_text": [f["public_id"].replace("/", " ")],
        "title": [f["title"]],
        "access": [f["access_level"]],
        "embargo_until": [day_number(f["embargo_until"]) or 0],
    }
    if f["summary"]:
        doc["summary"] = [f["summary"]]
    transcripts, translations, ocr = [], [], []
    for kind, language, text in record.contents:
        if not text:
            continue
        if kind == Content.Kind.SCAN:
            ocr.append(text)
        elif kind == Content.Kind.TRANSLATION:
            translations.append(text)
        else:
            transcripts.append(text)
        # Tags keep the script (zh-Hant, sr-Latn); the stemmer is chosen by the language alone. What OCR
        # read from a Russian scan is Russian text too: a reader's inflected query must find it.
        stemmer = base_language(language) if language else ""
        if stemmer in LANGUAGE_STEMMERS:
            doc.setdefault(f"text_{stemmer}", []).append(text)
            if stemmer not in doc.setdefault("stemmed", []):
                doc["stemmed"].append(stemmer)
    for name, values in (("transcript", transcripts), ("translation", translations), ("ocr", ocr),
                         ("notes", record.notes)):
        if values:
            doc[name] = ["\n\n".join(values)]
    # OCR splits words anywhere ("resig nation"): every adjacent pair of its lowercased words (the
    # analyzers lowercase anyway) is glued. Typed text only at line-end hyphens; gluing all its pairs too
    # doubled the rebuild's indexing work.
    glued = [joined_pairs(_WORD.findall(t.lower())) for t in ocr] + [hyphen_joins(t) for t in (*transcripts, *translations)]
    if any(glued):
        doc[JOINED_FIELD] = [" ".join(glued)]

    names: list[str] = []
    by_kind: dict[str, list[str]] = {}
    facet_ids: dict[str, list[str]] = {}
    for authority in record.authorities:
        names.extend(authority.names)
        by_kind.setdefault(authority.kind, []).extend(authority.names)
        ids = facet_ids.setdefault(authority.kind, [])
        if authority.identifier not in ids:
            ids.append(authority.identifier)
    # Places the text mentions by any known name, linked or not: `place:Shandong` finds "Shantung".
    # The typed texts lowercased and split in one pass: a newline between them is no word character, so
    # the words are those of each text in turn.
    place_words = _WORD.findall("\n".join((f["title"], f["summary"], *transcripts, *translations)).lower())
    for group in places.mentions_in_words(place_words, kind="place"):
        by_kind.setdefault("place", []).extend(group.names)
    if f["place_of_writing"]:
        by_kind.setdefault("place", []).append(f["place_of_writing"])
    if f["signed_by"]:
        by_kind.setdefault("person", []).append(f["signed_by"])
    if names:
        doc["names"] = [" ; ".join(dict.fromkeys(names))]
    for kind, values in by_kind.items():
        doc[kind] = [" ; ".join(dict.fromkeys(values))]
    for kind, ids in facet_ids.items():
        doc[f"f_{kind}"] = ids

    chain = collections.chain(f["collection_id"])
    if chain:
        doc["collection"] = [" ; ".join(f"{c.title} {c.identifier}" for c in chain)]
        doc["f_collection"] = [c.identifier for c in chain]
    repository = collections.repository(f["repository_id"], chain)
    if repository:
        doc["repository"] = [repository]
        doc["f_repository"] = [repository]
    if f["document_type"]:
        doc["type"] = [f["document_type"]]
        doc["f_type"] = [f["document_type"].lower()]
    if f["classification"]:
        doc["classification"] = [f["classification"]]
        doc["f_classification"] = [f["classification"].upper()]
    languages = f["languages"] or []
    if languages:
        doc["language"] = [" ".join(f"{code} {language_name(code)}" for code in languages)]
        doc["f_language"] = list(dict.fromkeys(languages))
    start, end = day_number(f["date_start"]), day_number(f["date_end"] or f["date_start"])
    if start:
        doc["date_start"] = [start]
        doc["date_end"] = [end or start]
        doc["year"] = [f["date_start"].year]
        doc["decade"] = [f["date_start"].year // 10 * 10]
    for name in CJK_SPACED_FIELDS:
        # One scan decides: text without CJK characters is neither folded nor spaced (most of an archive).
        if name in doc and any(has_cjk(value) for value in doc[name]):
            if name in DISPLAY_FIELDS:
                _keep_written(doc, name)
            doc[name] = [searchable(value) for value in doc[name]]
    doc["digest"] = [content_digest(doc)]
    return doc


# Text fields whose words are searched: CJK characters in them are set apart (schema.space_cjk).
CJK_SPACED_FIELDS = ("title", "summary", "transcript", "translation", "ocr", "notes", "names", "person", "place",
                     "subject", "organization", "collection", "repository", *(f"text_{code}" for code in LANGUAGE_STEMMERS))


def _keep_written(doc: dict, name: str) -> None:
    """Store the text as written beside the folded one when folding changed it (Traditional characters),
    spaced alike so that an offset in one is the same offset in the other."""
    written = [space_cjk(value) for value in doc[name]]
    folded = [searchable(value) for value in doc[name]]
    if written != folded and all(len(a) == len(b) for a, b in zip(written, folded, strict=True)):
        doc[written_field(name)] = [value.encode("utf-8", "surrogatepass") for value in written]


def content_digest(doc: dict) -> int:
    """A fingerprint of everything indexed for a record, so `--check` can spot stale documents."""
    payload = "\x1e".join(key + "\x1f" + "\x1f".join(map(str, doc[key])) for key in sorted(doc) if key != "digest")
    digest = hashlib.blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
