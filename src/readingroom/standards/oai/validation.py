"""Validation against the shipped schemas (schemas/README.md says where each comes from). Their imports
name the canonical web addresses; a resolver maps those to the files here, so nothing is fetched."""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).with_name("schemas")
LOCAL = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": "oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
}


class _Local(etree.Resolver):
    def resolve(self, url, public_id, context):
        if url in LOCAL:
            return self.resolve_filename(str(SCHEMAS / LOCAL[url]), context)
        return None


@functools.cache
def schema(name: str) -> etree.XMLSchema:
    """`OAI-PMH.xsd` or `oai_dc.xsd`, with what they import."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def problems(document: bytes) -> list[str]:
    """What is wrong with a response: the envelope against OAI-PMH.xsd (which skips the metadata), then
    each record's metadata against oai_dc.xsd. Empty when valid."""
    root = etree.fromstring(document)
    found: list[str] = []
    envelope = schema("OAI-PMH.xsd")
    if not envelope.validate(root):
        found += [str(e) for e in envelope.error_log]
    dc = schema("oai_dc.xsd")
    for metadata in root.iter("{http://www.openarchives.org/OAI/2.0/}metadata"):
        for child in metadata:
            if not dc.validate(child):
                found += [str(e) for e in dc.error_log]
    return found
