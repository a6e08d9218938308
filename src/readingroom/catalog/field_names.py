"""Record fields named for readers of the audit list, in the interface language. Kept here rather than as
the fields' verbose_name so the model (and its migrations) stay as they are; a field missing here is
shown by its verbose_name, in English."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from .models import Record

RECORD_FIELDS = {
    "id": _("internal id"),
    "public_id": _("public id"),
    "title": _("title"),
    "date_edtf": _("date (EDTF)"),
    "date_start": _("date start"),
    "date_end": _("date end"),
    "summary": _("summary"),
    "document_type": _("document type"),
    "classification": _("original classification"),
    "languages": _("languages"),
    "rights": _("rights"),
    "access_level": _("access level"),
    "embargo_until": _("embargo until"),
    "repository": _("repository"),
    "collection": _("collection"),
    "container": _("container"),
    "folder": _("folder"),
    "source_reference": _("source reference"),
    "source_url": _("source URL"),
    "place_of_writing": _("place of writing"),
    "signed_by": _("signed by"),
    "position": _("position"),
    "import_source": _("import source"),
    "import_checksum": _("import checksum"),
    "created": _("created"),
    "updated": _("updated"),
}


def record_field_label(name: str) -> str:
    if name in RECORD_FIELDS:
        return str(RECORD_FIELDS[name])
    try:
        return str(Record._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def is_coded(name: str) -> bool:
    """A field whose values are codes with labels (an access level): interface text, not record data."""
    try:
        return bool(getattr(Record._meta.get_field(name), "choices", None))
    except FieldDoesNotExist:
        return False


def record_field_value(name: str, value: object) -> object:
    """A coded value as its label in the interface language ("staff" is "Staff only"); others unchanged."""
    if not is_coded(name) or not isinstance(value, str):
        return value
    return str(dict(Record._meta.get_field(name).flatchoices).get(value, value))
