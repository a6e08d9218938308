"""OAI-PMH 2.0 for harvesters (library catalogues, aggregators): `respond(arguments)` gives the response
document; `validation` checks documents against the shipped XML schemas (schemas/README.md)."""

from .protocol import base_url, oai_identifier, respond

__all__ = ["base_url", "oai_identifier", "respond"]
