"""Records for the search tests, stored through the real import pipeline.

The seed record is read from ../shared/seed by the seed importer; FRUS documents are read from ../shared/frus with lxml. `made_up_records` cover the same
behaviours (OCR noise, spelling variants, split words, restricted access) without ../shared."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import AuthorityRef, CollectionRef, ContentItem, ParsedRecord, RepositoryRef

HARRIMAN = CollectionRef("harriman-papers", "W. Averell Harriman Papers",
                         repository=RepositoryRef("Manuscript Division, Library of Congress", "Washington, DC"))
BOX_171 = CollectionRef("harriman-papers-171", "Container 171", level="series", parent=HARRIMAN)
MADE_UP = CollectionRef("made-up", "Made-up test records")
FRUS = CollectionRef("frus1944Quebec", "Conference at Quebec, 1944")


def seed_record(path: Path) -> ParsedRecord:
    """The seed export, parsed by the real importer (ingest/archive_page_export.py)."""
    from readingroom.ingest.archive_page_export import ArchivePageExportFormat

    parsed = [item for item in ArchivePageExportFormat().parse(path) if isinstance(item, ParsedRecord)]
    assert len(parsed) == 1, "the seed importer should yield one record"
    return parsed[0]


def frus_records(path: Path, repository: RepositoryRef | None = None) -> list[ParsedRecord]:
    """The excerpt's documents, in a volume held by `repository` when one is given."""
    from lxml import etree

    volume = replace(FRUS, repository=repository) if repository else FRUS
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    tree = etree.parse(str(path))
    records = []
    for position, div in enumerate(tree.iterfind(".//t:div[@type='document']", ns)):
        doc_id = div.get("{http://www.w3.org/XML/1998/namespace}id")
        head = div.find("t:head", ns)
        for note in head.iterfind(".//t:note", ns):
            note.getparent().remove(note) if note.getparent() is not None else None
        title = " ".join("".join(head.itertext()).split())
        when = div.get("{http://history.state.gov/frus/ns/1.0}doc-dateTime-min", "")[:10]
        paragraphs = [" ".join("".join(p.itertext()).split()) for p in div.iterfind(".//t:p", ns)]
        people = sorted({" ".join("".join(p.itertext()).split()) for p in div.iterfind(".//t:persName", ns)})
        records.append(ParsedRecord(
            public_id=f"frus1944Quebec/{doc_id}", title=title, date_edtf=when, document_type="telegram",
            languages=["en"], collection=volume, position=position,
            contents=[ContentItem("transcript", "en", "\n\n".join(paragraphs))],
            authorities=[AuthorityRef("person", p, "mentioned") for p in people if p],
        ))
    return records


def scan(public_id: str, text: str, kind: str = "scan") -> ParsedRecord:
    """A one-page made-up record whose only text is `text`: machine-read by default."""
    return ParsedRecord(public_id=public_id, title="Untitled page", date_edtf="1921-06-01", document_type="letter",
                        languages=["en"], collection=MADE_UP, contents=[ContentItem(kind, "en", text)])


def made_up_records() -> list[ParsedRecord]:
    return [
        ParsedRecord(
            public_id="mu-ocr-1", title="Report on the situation in north China", date_edtf="1944-03-15",
            document_type="report", classification="CONFIDENTIAL", languages=["en"], collection=MADE_UP,
            contents=[ContentItem("scan", "en", "Troops were seen moving across the Ghantung peninsula toward "
                                  "the coast. The Minister offered his resig nation to the Cabinet on Tuesday.")],
            authorities=[AuthorityRef("place", "Shandong", "mentioned")],
        ),
        ParsedRecord(
            public_id="mu-ocr-2", title="Railway report", date_edtf="1944-04-02",
            document_type="report", languages=["en"], collection=MADE_UP,
            contents=[ContentItem("scan", "en", "The Ghantung railway was cut near the coast by guerrilla units.")],
        ),
        ParsedRecord(
            public_id="mu-danzig", title="Memorandum on the port of Danzig", date_edtf="1945-03-10",
            document_type="memorandum", languages=["en"], collection=MADE_UP,
            contents=[ContentItem("transcript", "en", "The harbour of Danzig was heavily damaged. Königsberg "
                                  "remained under siege. Reports from Peiping and Port Arthur were delayed.")],
            authorities=[AuthorityRef("person", "Molotov, Vyacheslav", "author")],
        ),
        ParsedRecord(
            public_id="mu-russian", title="Письмо о переговорах", date_edtf="1944-06",
            document_type="letter", languages=["ru"], collection=MADE_UP,
            contents=[ContentItem("transcript", "ru", "Переговоры о переговорах продолжаются в Москве."),
                      ContentItem("translation", "en", "The negotiations about negotiations continue in Moscow.")],
        ),
        ParsedRecord(
            public_id="mu-staff", title="Staff only: Shandong evacuation plans", date_edtf="1944-02-20",
            document_type="telegram", classification="TOP SECRET", languages=["en"], access_level="staff",
            collection=MADE_UP,
            contents=[ContentItem("transcript", "en", "Secret plans for the Shantung peninsula and the inner defense line.")],
            authorities=[AuthorityRef("person", "Secretagent, Hidden", "mentioned"),
                         AuthorityRef("subject", "Hidden subject", "subject")],
        ),
        ParsedRecord(
            public_id="mu-embargo-future", title="Embargoed Shandong memorandum", date_edtf="1944-02-21",
            document_type="memorandum", languages=["en"], access_level="embargoed", embargo_until="2999-01-01",
            collection=MADE_UP,
            contents=[ContentItem("transcript", "en", "Shantung inner defense line embargoed text.")],
        ),
        ParsedRecord(
            public_id="mu-embargo-past", title="Formerly embargoed note on Tsingtao", date_edtf="1950-01-05",
            document_type="memorandum", languages=["en"], access_level="embargoed", embargo_until="2000-01-01",
            collection=MADE_UP,
            contents=[ContentItem("transcript", "en", "A note on the harbour at Tsingtao. The consul's resig-\n"
                                  "nation was announced.")],
        ),
    ]


HOOVER = "Hoover Institution Library & Archives"
SECRET_REPOSITORY = "Vault of Unlisted Papers"


def advanced_records() -> list[ParsedRecord]:
    """A public record with a subject, an organization and a repository of its own, and a restricted
    one whose repository, type and classification no public record has."""
    return [
        ParsedRecord(
            public_id="adv-lend-lease", title="Memorandum of conversation on Lend-Lease shipments",
            date_edtf="1944-05-12", document_type="memorandum of conversation", classification="SECRET",
            languages=["fr"], collection=MADE_UP, repository=RepositoryRef(HOOVER, "Stanford, CA"),
            contents=[ContentItem("transcript", "fr", "Les livraisons du prêt-bail par Mourmansk continuent.")],
            authorities=[AuthorityRef("subject", "Lend-lease operations", "subject"),
                         AuthorityRef("organization", "United States. Department of State", "mentioned")],
        ),
        ParsedRecord(
            public_id="adv-vault", title="Vault inventory of sealed cables", date_edtf="1946-01-03",
            document_type="inventory", classification="EYES ONLY", languages=["de"], access_level="staff",
            collection=CollectionRef("vault-files", "Vault files"),
            repository=RepositoryRef(SECRET_REPOSITORY),
            contents=[ContentItem("transcript", "de", "Versiegelte Kabel aus Berlin.")],
        ),
    ]


def store_all(records: list[ParsedRecord]) -> None:
    for parsed in records:
        store_record(parsed, source="tests")


WORD = re.compile(r"\w+")
