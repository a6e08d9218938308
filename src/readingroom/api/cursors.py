"""Opaque cursors over a queryset ordered by primary key: a page never skips or repeats a row when rows
are added or deleted between requests, unlike an offset."""

from __future__ import annotations

import base64

from django.db.models import QuerySet
from ninja.errors import HttpError

MAX_LIMIT = 100


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"pk:{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, pk = text.partition(":")
        if kind != "pk" or not pk.isdigit() or len(pk) > 18:
            raise ValueError(text)
        return int(pk)
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise HttpError(400, "invalid cursor: pass the next_cursor of a previous page") from exc


def page(queryset: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Up to `limit` rows after the cursor, and the cursor of the next page (None at the end)."""
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=_decode(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, _encode(rows[-1].pk) if more and rows else None
