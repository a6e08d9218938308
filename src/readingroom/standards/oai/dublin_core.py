"""A record as unqualified Dublin Core (`oai_dc`), built from the catalogue fields: the same names, places
and citation the record's page shows. Only ever called for a record that readers may see."""

from __future__ import annotations

import re

from django.conf import settings
from lxml import etree

from readingroom.catalog import addresses
from readingroom.catalog.models import Authority, Record, RecordAuthority

from .. import citations

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# Characters XML 1.0 cannot carry (control characters, lone surrogates): dropped, not escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _unique(values: list[str]) -> list[str]:
    return [v for v in dict.fromkeys(v.strip() for v in values) if v]


def fields(record: Record) -> list[tuple[str, str]]:
    """(element, value) pairs in the oai_dc schema's order of elements."""
    links = list(record.authority_links.all())
    people = (Authority.Kind.PERSON, Authority.Kind.ORGANIZATION)

    def names(role: str | None = None, kind: str | None = None) -> list[str]:
        return _unique([link.authority.preferred_name for link in links
                        if (role is None or link.role == role)
                        and (kind is None or link.authority.kind == kind)
                        and (kind is not None or link.authority.kind in people)])

    out: list[tuple[str, str]] = [("title", record.title)]
    out += [("creator", n) for n in names(RecordAuthority.Role.AUTHOR)]
    subjects = names(kind=Authority.Kind.SUBJECT) + names(RecordAuthority.Role.SUBJECT)
    out += [("subject", n) for n in _unique(subjects)]
    if record.summary:
        out.append(("description", record.summary))
    out.append(("publisher", settings.READINGROOM_ARCHIVE_NAME))
    out += [("contributor", n) for n in names(RecordAuthority.Role.RECIPIENT)]
    if record.date_edtf:
        out.append(("date", record.date_edtf))
    out.append(("type", "Text"))  # DCMI Type Vocabulary
    if record.document_type:
        out.append(("type", record.document_type))
    out.append(("identifier", citations.record_url(record)))
    out.append(("source", citations.chicago(record)))
    out += [("language", tag) for tag in _unique(list(record.languages or []))]
    if record.collection is not None:
        out.append(("relation", addresses.collection(record.collection.identifier, absolute=True)))
    places = names(kind=Authority.Kind.PLACE)
    if record.place_of_writing and record.place_of_writing not in places:
        places.append(record.place_of_writing)
    out += [("coverage", p) for p in places]
    if record.rights:
        out.append(("rights", record.rights))
    return out


def element(record: Record) -> etree._Element:
    dc = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {SCHEMA}")
    for name, value in fields(record):
        etree.SubElement(dc, f"{{{DC}}}{name}").text = xml_text(value)
    return dc
