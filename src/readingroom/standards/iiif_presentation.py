"""IIIF Presentation 3.0 manifest for a record: one Canvas per scanned Page, each painted by the page's
image with a IIIF Image 3 service, so any IIIF viewer (Mirador, Universal Viewer) can open the record."""

from __future__ import annotations

import json
from collections.abc import Callable

from iiif_prezi3 import (
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Canvas,
    KeyValueString,
    Manifest,
    ServiceV3,
)

from readingroom.catalog import addresses
from readingroom.catalog.languages import language_name
from readingroom.catalog.models import Page, Record

from .citations import chicago
from .iiif_image import PROFILE

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"


def _lang(text: str) -> dict[str, list[str]]:
    return {"none": [text]}


def record_pages(record: Record) -> list[Page]:
    """The record's scanned pages in reading order (contents by position, then pages)."""
    pages: list[Page] = []
    for content in record.contents.all():
        pages.extend(p for p in content.pages.all() if p.image and p.width and p.height)
    return pages


def manifest(record: Record, absolute: Callable[[str], str] = addresses.absolute) -> dict:
    """The manifest as a JSON-ready dict, its ids made absolute by `absolute` (on the site's public URL unless
    told otherwise)."""
    manifest_id = absolute(addresses.iiif_manifest(record.public_id))
    metadata = [KeyValueString(label={"en": ["Date"]}, value=_lang(record.date_display))]
    if record.languages:
        metadata.append(KeyValueString(label={"en": ["Original language"]},
                                       value=_lang(", ".join(language_name(c) for c in record.languages))))
    if record.collection is not None:
        metadata.append(KeyValueString(label={"en": ["Collection"]},
                                       value=_lang(" › ".join(record.collection.path_titles()))))
    pages = record_pages(record)
    thumbnail = None
    if pages:
        thumbnail = [{"id": absolute(addresses.iiif_image(pages[0].pk, "!300,300")), "type": "Image",
                      "format": "image/jpeg"}]
    canvases = []
    for number, page in enumerate(pages, start=1):
        # A canvas is named, not served: its id need only be unique, so it is made below the manifest's.
        canvas_id = f"{manifest_id[:-len('/manifest.json')]}/canvas/p{number}"
        service_id = absolute(addresses.iiif_service(page.pk))
        body = AnnotationBody(
            id=absolute(addresses.iiif_image(page.pk)), type="Image", format="image/jpeg",
            width=page.width, height=page.height,
            service=[ServiceV3(id=service_id, type="ImageService3", profile=PROFILE)],
        )
        annotation = Annotation(id=f"{canvas_id}/painting", motivation="painting", body=body, target=canvas_id)
        canvases.append(Canvas(
            id=canvas_id, label=_lang(f"Page {number}"), width=page.width, height=page.height,
            items=[AnnotationPage(id=f"{canvas_id}/page", items=[annotation])],
        ))
    built = Manifest(
        id=manifest_id,
        label={"en": [record.title]},
        summary={"en": [record.summary]} if record.summary else None,
        metadata=metadata,
        requiredStatement=KeyValueString(label={"en": ["Citation"]}, value={"en": [chicago(record)]}),
        homepage=[{"id": absolute(addresses.record(record.public_id)), "type": "Text", "label": {"en": [record.title]}, "format": "text/html"}],
        seeAlso=[{"id": absolute(addresses.record(record.public_id, json=True)), "type": "Dataset", "format": "application/json",
                  "label": {"en": ["Catalogue record (JSON)"]}}],
        thumbnail=thumbnail,
        items=canvases,
    )
    data = json.loads(built.jsonld())  # jsonld() serialises URL objects; the dict form keeps them raw
    data["@context"] = PRESENTATION_CONTEXT
    return data
