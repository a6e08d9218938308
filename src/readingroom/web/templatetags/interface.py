"""Template filters for the reader's interface language."""

from __future__ import annotations

from django import template

from readingroom.catalog.dates import display_date
from readingroom.web.interface_language import current

register = template.Library()


@register.filter
def edtf_date(value: str) -> str:
    """A record's EDTF date as the interface language writes dates ("2 февраля 1944 г.")."""
    return display_date(value, current())
