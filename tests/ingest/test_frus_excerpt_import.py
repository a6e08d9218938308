"""The real FRUS excerpt (../shared/frus) imported: what is stored is checked against the TEI itself, read
here with plain lxml, and against the careful one-record path (store_record through the ORM), so a faster
import that lost a paragraph, a note, a page break, a relation or a field would fail here."""

from __future__ import annotations

import pickle
import sys

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from lxml import etree

from readingroom.catalog.models import Authority, Collection, Content, Footnote, Record
from readingroom.catalog.relations import Relation
from readingroom.ingest.bulk import check_values
from readingroom.ingest.frus_tei import FORMAT
from readingroom.ingest.pipeline import Outcome, RecordWriter, store_record
from readingroom.ingest.prefetch import read_ahead
from readingroom.ingest.records import ParsedRecord
from readingroom.ingest.runner import run_import
from tests.conftest import shared_path

from .frus_snapshot import snapshot

TEI = "{http://www.tei-c.org/ns/1.0}"
VOLUME = "frus1944Quebec"


@pytest.fixture
def excerpt():
    return shared_path("frus", "frus1944Quebec-excerpt-d116-d121.xml")


def documents(path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {d.get("{http://www.w3.org/XML/1998/namespace}id"): d for d in root.iter(f"{TEI}div")
            if d.get("type") == "document"}


def words_outside_notes(el: etree._Element) -> list[str]:
    """The element's words as printed, leaving out notes (footnotes are stored apart)."""
    return _printed(el).split()


def _printed(el: etree._Element) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == f"{TEI}lb":
            parts.append(" ")
        elif child.tag != f"{TEI}note":
            parts.append(_printed(child))
        parts.append(child.tail or "")
    return "".join(parts)


def collapsed(text: str) -> str:
    return " ".join(text.split())


def full_footnotes() -> list[tuple]:
    return sorted(Footnote.objects.values_list("content__record__public_id", "position", "number", "anchor_id", "text",
                                               "markup"))


def relations() -> list[tuple]:
    return sorted(Relation.objects.values_list("source__public_id", "target__public_id", "kind", "note", "origin"))


@pytest.mark.django_db
def test_every_paragraph_note_and_page_of_the_excerpt_is_stored(excerpt, settings):
    settings.READINGROOM_READ_AHEAD = False
    summary = run_import([str(excerpt)])
    docs = documents(excerpt)
    assert summary.counts["imported"] == len(docs) == 6 and summary.failed == 0
    for doc_id, doc in docs.items():
        record = Record.objects.get(public_id=f"{VOLUME}/{doc_id}")
        assert record.title and record.source_url.endswith(f"/{VOLUME}/{doc_id}")
        content = record.contents.get(kind=Content.Kind.TRANSCRIPT)
        text = collapsed(content.text)
        paragraphs = [p for p in doc.iter(f"{TEI}p") if not any(a.tag == f"{TEI}note" for a in p.iterancestors())]
        assert paragraphs
        for p in paragraphs:
            assert " ".join(words_outside_notes(p)) in text, (doc_id, etree.tostring(p)[:80])
        # Every numbered note is a footnote, with its own words (notes inside it are footnotes of their own).
        notes = {n.get("n"): n for n in doc.iter(f"{TEI}note") if n.get("n")}
        stored = {f.number: f for f in Footnote.objects.filter(content=content)}
        assert set(stored) == set(notes), doc_id
        for number, note in notes.items():
            inner = [*(note.text or "").split()]
            for child in note:
                if child.tag != f"{TEI}note":
                    inner.extend(" ".join(child.itertext()).split())
                inner.extend((child.tail or "").split())
            assert collapsed(stored[number].text).replace(" ", "") == "".join(inner), (doc_id, number)
            assert f'id="{stored[number].anchor_id}-ref"' in content.markup
        # Every printed page that begins inside the document is a page break at a place in its text.
        pages = [pb.get("n") for pb in doc.iter(f"{TEI}pb") if pb.get("n")]
        breaks = content.page_breaks
        assert set(pages) <= {b["n"] for b in breaks}, doc_id
        assert [b["offset"] for b in breaks] == sorted(b["offset"] for b in breaks)
        assert all(0 <= b["offset"] <= len(content.text) for b in breaks)
    # The editors' cross-references: each stored relation points from the document whose note names the other
    # one's printed page (or says "Supra.") to a document of the excerpt.
    assert summary.counts["linked"] == Relation.objects.count() >= 2
    for source, target, _, note, _ in relations():
        source_xml = etree.tostring(docs[source.split("/")[1]], encoding="unicode")
        target_pages = _pages_of(excerpt, target.split("/")[1])
        assert "Supra" in note or any(f'target="#pg_{page}"' in source_xml for page in target_pages), (source, target)


def _pages_of(path, doc_id: str) -> set[str]:
    """The printed pages a document is on: the page open where it starts and those that begin inside it."""
    pages: set[str] = set()
    current = None
    for el in etree.parse(str(path)).getroot().iter(f"{TEI}pb", f"{TEI}div"):
        if el.tag == f"{TEI}pb":
            current = el.get("n")
        elif el.get("{http://www.w3.org/XML/1998/namespace}id") == doc_id:
            pages = {current} | {pb.get("n") for pb in el.iter(f"{TEI}pb")}
    return pages - {None}


@pytest.mark.django_db
def test_the_batched_inserts_store_what_store_record_stores_for_the_excerpt(excerpt):
    records = [item for item in FORMAT.parse(excerpt) if isinstance(item, ParsedRecord)]
    for record in records:
        store_record(record, source=str(excerpt))
    one_by_one = snapshot(), full_footnotes()
    Record.objects.all().delete()
    Collection.objects.all().delete()
    Authority.objects.all().delete()
    with transaction.atomic():
        assert RecordWriter().write_batch(records, source=str(excerpt)) == [Outcome.IMPORTED] * len(records)
    assert (snapshot(), full_footnotes()) == one_by_one
    assert all(r.created and r.updated and r.embargo_until is None for r in Record.objects.all())
    assert not Content.objects.filter(corrected__isnull=False).exists()


@pytest.mark.django_db
def test_a_re_import_of_the_excerpt_is_unchanged_and_rewrites_nothing(excerpt, settings):
    settings.READINGROOM_READ_AHEAD = False
    run_import([str(excerpt)])
    before = snapshot(), full_footnotes(), relations(), dict(Record.objects.values_list("public_id", "updated"))
    summary = run_import([str(excerpt)])
    assert (summary.counts["unchanged"], summary.counts["imported"], summary.counts["updated"]) == (6, 0, 0)
    assert (snapshot(), full_footnotes(), relations(),
            dict(Record.objects.values_list("public_id", "updated"))) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead forks (Linux only)")
@pytest.mark.django_db
def test_records_read_in_another_process_have_the_checksums_of_those_read_here(excerpt, settings):
    records = [item for item in read_ahead(lambda: FORMAT.parse(excerpt), str(excerpt))
               if isinstance(item, ParsedRecord)]
    here = [item for item in FORMAT.parse(excerpt) if isinstance(item, ParsedRecord)]
    assert len(records) == 6
    assert [r.checksum() for r in records] == [r.checksum() for r in here]
    assert [pickle.loads(pickle.dumps(r)).checksum() for r in here] == [r.checksum() for r in here]
    # Stored in one process, then read again in a second one: every record is still "unchanged".
    settings.READINGROOM_READ_AHEAD = False
    run_import([str(excerpt)])
    settings.READINGROOM_READ_AHEAD = True
    summary = run_import([str(excerpt)])
    assert (summary.counts["unchanged"], summary.counts["updated"]) == (6, 0)


@pytest.mark.django_db
def test_a_bad_address_is_refused_even_beside_good_ones_of_the_same_volume():
    good = {"public_id": "v/d1", "title": "A", "access_level": "public", "date_edtf": "",
            "source_url": "https://history.state.gov/historicaldocuments/v/d1"}
    check_values(Record, good)  # its address prefix is now known to be good
    check_values(Record, {**good, "source_url": "https://history.state.gov/historicaldocuments/v/d2"})
    for bad in ("https://history.state.gov/historicaldocuments/v/d 2", "https://history.state.gov/historicaldocuments/v/\n",
                "https://history.state.gov/historicaldocuments/v/" + "d" * 2100):
        with pytest.raises(ValidationError):
            check_values(Record, {**good, "source_url": bad})
