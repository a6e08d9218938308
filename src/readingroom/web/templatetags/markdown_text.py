"""`{{ text|markdown }}`: staff-written Markdown as safe HTML (see web/markdown.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from readingroom.web import markdown as rendering

register = template.Library()


@register.filter
def markdown(value: str) -> SafeString:
    return rendering.render(value)
