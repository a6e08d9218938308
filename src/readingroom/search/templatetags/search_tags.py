"""`{% more_like_this record %}`: records with similar words, for the document page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("readingroom/more_like_this.html", takes_context=True)
def more_like_this(context, record, limit: int = 5) -> dict:
    from readingroom.catalog.models import Record
    from readingroom.search import more_like_this as similar

    request = context.get("request")
    user = getattr(request, "user", None)
    pairs = similar(record.pk, user=user, limit=limit)
    found = Record.objects.visible_to(user).in_bulk([pk for pk, _ in pairs])
    return {"similar": [found[pk] for pk, _ in pairs if pk in found]}
