"""IIIF Presentation 3.0 manifests: structure per the spec, re-validated by iiif-prezi3's own models."""

from __future__ import annotations

import json

from iiif_prezi3 import Manifest


def test_manifest_structure(client, archive):
    response = client.get("/iiif/209771/manifest.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["type"] == "Manifest" and data["id"] == "http://testserver/iiif/209771/manifest.json"
    assert data["label"] == {"en": [archive.seed.title]}
    assert data["homepage"][0]["id"] == "http://testserver/document/209771/"
    assert data["requiredStatement"]["value"]["en"][0].startswith('"Telegram re Stalin')
    assert len(data["items"]) == 1
    canvas = data["items"][0]
    assert canvas["type"] == "Canvas" and (canvas["width"], canvas["height"]) == (1700, 2200)
    page = canvas["items"][0]
    assert page["type"] == "AnnotationPage"
    annotation = page["items"][0]
    assert annotation["type"] == "Annotation" and annotation["motivation"] == "painting"
    assert annotation["target"] == canvas["id"]
    body = annotation["body"]
    assert body["type"] == "Image" and body["format"] == "image/jpeg"
    service = body["service"][0]
    assert service["type"] == "ImageService3" and service["profile"] == "level2"
    # Every id in the manifest is an absolute URL, and the image service really answers.
    info = client.get(service["id"].replace("http://testserver", "") + "/info.json")
    assert info.status_code == 200 and info.json()["width"] == 1700
    image = client.get(body["id"].replace("http://testserver", ""))
    assert image.status_code == 200
    assert client.get(data["thumbnail"][0]["id"].replace("http://testserver", "")).status_code == 200
    assert client.get(data["seeAlso"][0]["id"].replace("http://testserver", "")).json()["id"] == "209771"
    # The spec's model, as iiif-prezi3 encodes it, accepts what we serve.
    Manifest(**json.loads(response.content))


def test_manifest_linked_from_the_document_page(client, archive):
    html = client.get("/document/209771/").content.decode()
    assert 'href="/iiif/209771/manifest.json"' in html


def test_no_manifest_for_records_without_scans_or_restricted(client, archive):
    assert client.get("/iiif/frus1944v04/d1/manifest.json").status_code == 404
    assert client.get("/iiif/restricted-1/manifest.json").status_code == 404
    assert client.get("/iiif/embargoed-1/manifest.json").status_code == 404
