"""Write endpoints for staff with an API token: create and update records, set their access, attach page
images. As an import does: each request is one transaction, and every change goes through model saves,
whose catalogue signals queue the index update that the background writer applies."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import File, Status, UploadedFile
from ninja.errors import HttpError

from readingroom.catalog import addresses
from readingroom.catalog.languages import language_code
from readingroom.catalog.models import AccessLevel, Collection, Content, Page, Record
from readingroom.ingest.pages import page_label, store_page_image
from readingroom.ingest.scans import IMAGE_SUFFIXES, ScanError, check_page_file
from readingroom.web import record_data

from .auth import StaffToken
from .reading import router
from .schemas import AccessIn, Error, PagesAdded, RecordCreate, RecordDetail, RecordFields

# The reading router: a record's GET and PATCH share one path, so they must share one URL pattern.
WRITE = {"auth": StaffToken(), "tags": ["write (staff)"]}
REFUSED = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 422: Error}
# Catalogue fields the API names differently from the model.
MODEL_NAMES = {"date": "date_edtf"}


def _max_upload() -> int:
    return settings.READINGROOM_API_MAX_UPLOAD_BYTES


def _language_tags(values: list[str], field: str) -> list[str]:
    """BCP 47 tags as imports store them (`de-DE` is `de`, `Russian` is `ru`); an unknown one is refused."""
    tags = []
    for value in values:
        tag = language_code(value)
        if tag is None:
            raise HttpError(422, f"{field}: {value[:50]!r} is not a language tag (en, ru, zh-Hans)")
        tags.append(tag)
    return list(dict.fromkeys(tags))


def _record_for_update(public_id: str) -> Record:
    record = Record.objects.select_for_update().filter(public_id=public_id).first()
    if record is None:
        raise HttpError(404, f"no record {public_id}")
    return record


def _apply(record: Record, fields: RecordFields) -> None:
    data = fields.model_dump(exclude_unset=True, exclude={"transcript", "id"})
    for name, value in data.items():
        if name == "collection":
            if value:
                collection = Collection.objects.filter(identifier=value).first()
                if collection is None:
                    raise HttpError(422, f"collection: no collection {value!r}")
                record.collection = collection
            else:
                record.collection = None
        elif name == "languages" and value:
            record.languages = _language_tags(value, "languages")
        elif name in {"access_level", "embargo_until"}:
            setattr(record, name, value)
        else:
            # Text fields are not nullable: null clears one.
            setattr(record, MODEL_NAMES.get(name, name), value if value is not None else
                    ([] if name == "languages" else ""))
    if record.access_level == AccessLevel.EMBARGOED and record.embargo_until is None:
        raise HttpError(422, "embargo_until: an embargoed record needs the day its embargo ends")
    try:
        record.full_clean(exclude=["public_id"] if record.pk else None)
    except ValidationError as exc:
        raise HttpError(422, "; ".join(f"{MODEL_NAMES.get(k, k)}: {' '.join(v)}"
                                       for k, v in exc.message_dict.items())) from exc
    record.save()
    transcript = getattr(fields, "transcript", None)
    if transcript is not None:
        content = record.contents.filter(kind=Content.Kind.TRANSCRIPT).order_by("position").first()
        if content is None:
            position = (record.contents.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            content = Content(record=record, kind=Content.Kind.TRANSCRIPT, position=position)
        content.text = transcript.text
        content.language = _language_tags([transcript.language], "transcript.language")[0] if transcript.language else ""
        content.save()


def _detail(request: HttpRequest, record: Record, status: int = 200):
    response = record_data.json_twin(request, record.public_id)
    response.status_code = status
    return response


@router.post(**WRITE, path="/records", response={201: RecordDetail, **REFUSED}, summary="Create a record")
def create_record(request: HttpRequest, payload: RecordCreate):
    with transaction.atomic():
        if payload.id and payload.id.rsplit("/", 1)[-1] in {"access", "pages"} and "/" in payload.id:
            raise HttpError(422, "id: a last part 'access' or 'pages' would hide the record's API address")
        if payload.id and Record.objects.filter(public_id=payload.id).exists():
            raise HttpError(409, f"a record {payload.id} exists already: update it with PATCH")
        record = Record(public_id=payload.id) if payload.id else Record()
        _apply(record, payload)
    return _detail(request, record, 201)


@router.patch(**WRITE, path="/records/{record:public_id}", response={200: RecordDetail, **REFUSED},
              summary="Update a record's catalogue fields (only those sent)")
def update_record(request: HttpRequest, public_id: str, payload: RecordFields):
    with transaction.atomic():
        record = _record_for_update(public_id)
        _apply(record, payload)
    return _detail(request, record)


@router.put(**WRITE, path="/records/{record:public_id}/access", response={200: RecordDetail, **REFUSED},
            summary="Set a record's access: public, staff, or embargoed until a day")
def set_access(request: HttpRequest, public_id: str, payload: AccessIn):
    with transaction.atomic():
        record = _record_for_update(public_id)
        _apply(record, payload)
    return _detail(request, record)


@router.post(**WRITE, path="/records/{record:public_id}/pages", response={201: PagesAdded, **REFUSED},
             summary="Attach a page image (PNG, JPEG or TIFF) after the record's scan pages")
def add_page(request: HttpRequest, public_id: str, image: File[UploadedFile]):
    if image.size is None or image.size > _max_upload():
        raise HttpError(413, f"the image is larger than {_max_upload() // (1024 * 1024)} MB")
    name = Path(image.name or "page").name
    if Path(name).suffix.lower() not in IMAGE_SUFFIXES:
        raise HttpError(422, f"{name}: not a page image readingroom reads (PNG, JPEG, TIFF)")
    with tempfile.TemporaryDirectory(prefix="readingroom-api-") as folder:
        path = Path(folder) / name
        with path.open("wb") as fh:
            for chunk in image.chunks():
                fh.write(chunk)
        try:
            sources, _notes = check_page_file(path, name)  # decodes every frame: a damaged file stops here
        except ScanError as exc:
            raise HttpError(422, str(exc)) from exc
        with transaction.atomic():
            record = _record_for_update(public_id)
            scan = record.contents.filter(kind=Content.Kind.SCAN).order_by("position").first()
            if scan is None:
                scan = Content.objects.create(record=record, kind=Content.Kind.SCAN, position=0)
            start = (scan.pages.order_by("-position").values_list("position", flat=True).first()
                     if scan.pages.exists() else -1) + 1
            added = []
            for offset, source in enumerate(sources):
                page = Page(content=scan, position=start + offset, original_name=page_label(source),
                            checksum=source.checksum, width=source.width, height=source.height, dpi=source.dpi,
                            ocr_settings={"frame": source.frame})
                page.image.name = store_page_image(source)
                page.save()  # a pending page: `readingroom ocr` reads it
                added.append({"id": page.pk, "position": page.position, "width": page.width,
                              "height": page.height, "iiif": addresses.iiif_info(page.pk)})
            scan.save()  # the record changed: its index entry is queued again
    return Status(201, {"record": record.public_id, "pages": added})
