"""Keyset pagination for the lists of the reading room: `?after=KEY` and `?before=KEY`, where KEY is the
sort key of the last (first) row shown. A page costs one indexed query however deep it is, where an
OFFSET walks past every row before it; rows added or removed meanwhile never shift a page.

Keys are opaque (base64 of the sort values as JSON) and checked: a key that does not decode to values of
the expected kinds is a 400, never a 500. The old `?page=N` addresses move (301) to the same rows' key."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponsePermanentRedirect, QueryDict

# The kinds of value a sort column may hold, and how a key's JSON value becomes one.
DATE, TEXT, INT = "date", "text", "int"


def encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode()).decode().rstrip("=")


def decode(key: str, kinds: Sequence[str]) -> list[Any]:
    """The sort values in `key`; BadRequest (400) for anything else."""
    try:
        if len(key) > 2000:
            raise ValueError("too long")
        values = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode())
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError("wrong shape")
        return [_value(v, kind) for v, kind in zip(values, kinds, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, OverflowError) as exc:
        raise BadRequest(f"bad page key: {exc}") from exc


def _value(value: Any, kind: str) -> Any:
    if kind == DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind == TEXT and isinstance(value, str):
        return value
    if kind == INT and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
        return value
    raise ValueError(f"not a {kind}")


def _beyond(fields: Sequence[str], values: Sequence[Any], forward: bool) -> Q:
    """Rows after (before) `values` in the order of `fields`: (a, b) > (x, y) spelt out for every engine."""
    op = "gt" if forward else "lt"
    condition = Q()
    for n in range(len(fields)):
        equal = {fields[i]: values[i] for i in range(n)}
        condition |= Q(**equal, **{f"{fields[n]}__{op}": values[n]})
    return condition


@dataclass
class Page:
    object_list: list
    next_key: str | None
    previous_key: str | None
    query: str  # the other parameters of the address, for the links

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_key or self.previous_key)

    @property
    def link_next(self) -> str | None:
        return self.link("after")

    @property
    def link_previous(self) -> str | None:
        return self.link("before")

    def link(self, direction: str) -> str | None:
        key = self.next_key if direction == "after" else self.previous_key
        if key is None:
            return None
        return "?" + (f"{self.query}&" if self.query else "") + f"{direction}={key}"


@dataclass
class Order:
    """A list's order: the sort columns (unique together), their kinds, and how to read them off a row."""

    fields: tuple[str, ...]
    kinds: tuple[str, ...]
    values: Callable[[Any], Sequence[Any]]


def paginate(request: HttpRequest, rows: QuerySet, order: Order, per_page: int) -> Page:
    after, before = request.GET.get("after"), request.GET.get("before")
    params: QueryDict = request.GET.copy()
    for name in ("after", "before", "page"):
        params.pop(name, None)
    query = params.urlencode()
    if before is not None and after is None:
        values = decode(before, order.kinds)
        found = list(rows.filter(_beyond(order.fields, values, forward=False))
                     .order_by(*(f"-{f}" for f in order.fields))[:per_page + 1])
        more = len(found) > per_page
        shown = list(reversed(found[:per_page]))
        return Page(shown, encode(order.values(shown[-1])) if shown else None,
                    encode(order.values(shown[0])) if more and shown else None, query)
    if after is not None:
        values = decode(after, order.kinds)
        rows = rows.filter(_beyond(order.fields, values, forward=True))
    found = list(rows.order_by(*order.fields)[:per_page + 1])
    shown = found[:per_page]
    next_key = encode(order.values(shown[-1])) if len(found) > per_page else None
    previous_key = encode(order.values(shown[0])) if after is not None and shown else None
    return Page(shown, next_key, previous_key, query)


def old_page_redirect(request: HttpRequest, rows: QuerySet, order: Order, per_page: int
                      ) -> HttpResponsePermanentRedirect | None:
    """For an old `?page=N` address: a 301 to the keyset address of the same rows (the first page when
    N is not a page there is). None when the address has no `page`."""
    if "page" not in request.GET:
        return None
    params = request.GET.copy()
    number = params.pop("page")[-1]
    for name in ("after", "before"):
        params.pop(name, None)
    if number.isdigit() and 1 < int(number) < 10**6:
        last_before = list(rows.order_by(*order.fields)[(int(number) - 1) * per_page - 1:][:1])
        if last_before:
            params["after"] = encode(order.values(last_before[0]))
    query = params.urlencode()
    return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))
