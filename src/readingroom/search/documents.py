"""From catalogue records to index documents. Reads the database in batches of a fixed size with
select_related/prefetch_related, so a rebuild of any size uses bounded memory."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from readingroom.catalog.languages import language_name
from readingroom.catalog.models import Collection, Content, Footnote, Record, RecordAuthority

from .schema import JOINED_FIELD, LANGUAGE_STEMMERS
from .variants import VariantMap

BATCH_SIZE = 500
_WORD = re.compile(r"\w+")


def day_number(value: dt.date | None) -> int | None:
    return value.year * 10000 + value.month * 100 + value.day if value else None


def joined_pairs(text: str) -> str:
    """Each pair of adjacent words glued together: "resig nation" -> "resignation". Old typesetting and
    OCR split words; indexing the glued pairs lets the whole word find them."""
    words = _WORD.findall(text)
    return " ".join(a + b for a, b in zip(words, words[1:], strict=False))


def record_batches(pks: Iterable[int] | None = None, batch_size: int = BATCH_SIZE) -> Iterator[list[Record]]:
    """Records with everything a document needs, batch by batch in primary-key order."""
    base = Record.objects.select_related("collection").prefetch_related(
        Prefetch("contents", queryset=Content.objects.only("id", "record_id", "kind", "language", "text", "position")
                 .prefetch_related(Prefetch("footnotes", queryset=Footnote.objects.only("id", "content_id", "text")))),
        Prefetch("authority_links", queryset=RecordAuthority.objects.select_related("authority")
                 .prefetch_related("authority__variants")),
    )
    if pks is not None:
        wanted = sorted(set(pks))
        for i in range(0, len(wanted), batch_size):
            yield list(base.filter(pk__in=wanted[i:i + batch_size]).order_by("pk"))
        return
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


class CollectionPaths:
    """Collection ancestry, read once per build: collections are few and records many."""

    def __init__(self) -> None:
        self._nodes = {c.pk: c for c in Collection.objects.only("id", "identifier", "title", "parent_id")}

    def chain(self, pk: int | None) -> list[Collection]:
        chain: list[Collection] = []
        seen: set[int] = set()
        while pk is not None and pk not in seen and pk in self._nodes:
            seen.add(pk)
            node = self._nodes[pk]
            chain.append(node)
            pk = node.parent_id
        return list(reversed(chain))


def build_document(record: Record, collections: CollectionPaths, places: VariantMap) -> dict:
    """One record as a dict of index fields (lists for multi-valued ones)."""
    doc: dict[str, list] = {
        "pk": [record.pk],
        "public_id": [record.public_id],
        "public_id_text": [record.public_id.replace("/", " ")],
        "title": [record.title],
        "access": [record.access_level],
        "embargo_until": [day_number(record.embargo_until) or 0],
    }
    if record.summary:
        doc["summary"] = [record.summary]
    transcripts, translations, ocr, notes = [], [], [], []
    for content in record.contents.all():
        if not content.text:
            continue
        if content.kind == Content.Kind.SCAN:
            ocr.append(content.text)
        elif content.kind == Content.Kind.TRANSLATION:
            translations.append(content.text)
        else:
            transcripts.append(content.text)
        if content.kind != Content.Kind.SCAN and content.language in LANGUAGE_STEMMERS:
            doc.setdefault(f"text_{content.language}", []).append(content.text)
        notes.extend(f.text for f in content.footnotes.all())
    for name, values in (("transcript", transcripts), ("translation", translations), ("ocr", ocr), ("notes", notes)):
        if values:
            doc[name] = ["\n\n".join(values)]
    glued = [joined_pairs(t) for t in (*transcripts, *ocr)]
    if any(glued):
        doc[JOINED_FIELD] = [" ".join(glued)]

    names: list[str] = []
    by_kind: dict[str, list[str]] = {}
    facet_ids: dict[str, list[str]] = {}
    for link in record.authority_links.all():
        authority = link.authority
        all_names = authority.all_names()
        names.extend(all_names)
        by_kind.setdefault(authority.kind, []).extend(all_names)
        facet_ids.setdefault(authority.kind, [])
        if authority.identifier not in facet_ids[authority.kind]:
            facet_ids[authority.kind].append(authority.identifier)
    # Places the text mentions by any known name, linked or not: `place:Shandong` finds "Shantung".
    text_for_places = " ".join([record.title, record.summary, *transcripts, *translations])
    for group in places.mentions(text_for_places, kind="place"):
        by_kind.setdefault("place", []).extend(group.names)
    if record.place_of_writing:
        by_kind.setdefault("place", []).append(record.place_of_writing)
    if record.signed_by:
        by_kind.setdefault("person", []).append(record.signed_by)
    if names:
        doc["names"] = [" ; ".join(dict.fromkeys(names))]
    for kind, values in by_kind.items():
        doc[kind] = [" ; ".join(dict.fromkeys(values))]
    for kind, ids in facet_ids.items():
        doc[f"f_{kind}"] = ids

    chain = collections.chain(record.collection_id)
    if chain:
        doc["collection"] = [" ; ".join(f"{c.title} {c.identifier}" for c in chain)]
        doc["f_collection"] = [c.identifier for c in chain]
    if record.document_type:
        doc["type"] = [record.document_type]
        doc["f_type"] = [record.document_type.lower()]
    if record.classification:
        doc["classification"] = [record.classification]
        doc["f_classification"] = [record.classification.upper()]
    if record.languages:
        doc["language"] = [" ".join(f"{code} {language_name(code)}" for code in record.languages)]
        doc["f_language"] = list(dict.fromkeys(record.languages))
    start, end = day_number(record.date_start), day_number(record.date_end or record.date_start)
    if start:
        doc["date_start"] = [start]
        doc["date_end"] = [end or start]
        doc["year"] = [record.date_start.year]
        doc["decade"] = [record.date_start.year // 10 * 10]
    doc["digest"] = [content_digest(doc)]
    return doc


def content_digest(doc: dict) -> int:
    """A fingerprint of everything indexed for a record, so `--check` can spot stale documents."""
    payload = json.dumps({k: v for k, v in doc.items() if k != "digest"}, sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(payload.encode("utf-8"), digest_size=8).digest(), "big") >> 1
