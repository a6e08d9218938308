"""The advanced search form's fields, compiled to one query in the reader's query language (query_syntax.py).

The form never searches by itself: what it builds is shown to the reader ("Your query: ...") and searched
like a typed query, so the two cannot differ and the reader learns the syntax. `compile_fields` is a pure
function of the field values; a value that cannot be used (a date that is not EDTF, an overlong value)
is reported per field and left out of the query."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from readingroom.catalog.dates import DateError, DateSpan, parse_edtf

# The form's parameters, in the order a query is built and a permalink lists them.
WORD_FIELDS = ("all", "phrase", "any", "none", "title")
VALUE_FIELDS = ("person", "place", "subject", "organization", "collection", "repository", "type", "language",
                "classification")
DATE_FIELDS = ("from", "to")
FIELDS = (*WORD_FIELDS, *VALUE_FIELDS, *DATE_FIELDS)
MAX_FIELD_CHARS = 500

# A bare word is one the lexer reads back as itself: no quote, parenthesis or colon, not an operator, not
# starting with a negation.
_BARE = re.compile(r"[^\s\"():\-!+][^\s\"():]*")
_OPERATORS = {"OR", "AND", "NOT", "|", "||", "&", "&&"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Compiled:
    query: str  # the whole query: the typed one (if any) and the fields', ANDed
    errors: dict[str, str] = field(default_factory=dict)  # field -> why its value was left out
    used: dict[str, str] = field(default_factory=dict)  # field -> its cleaned value, for the permalink


def clean(value: str | None) -> str:
    """Control characters become spaces (they can only come from a hand-made address); runs of spaces one."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


def quoted(value: str) -> str:
    """`value` as one term: bare when the lexer reads it back unchanged, else a phrase. A phrase cannot hold
    a double quote, so one inside a value becomes a space (the analyzers ignore quotes anyway)."""
    value = clean(value.replace('"', " "))
    if _BARE.fullmatch(value) and value not in _OPERATORS:
        return value
    return f'"{value}"' if value else ""


def words(value: str) -> list[str]:
    """A field of several words: each word as one term (so "OR" or "-x" typed there are plain words)."""
    return [term for word in clean(value.replace('"', " ").replace("(", " ").replace(")", " ")).split()
            if (term := quoted(word))]


def _negated(term: str) -> str:
    return f"NOT {term}" if term.startswith('"') else f"-{term}"


def _date(value: str, which: str) -> tuple[str, DateSpan]:
    """The EDTF date as the query writes it, and its span; raises DateError."""
    span = parse_edtf(value)
    day = span.start if which == "from" else span.end
    if day is None:
        raise DateError(value)
    # An open or odd interval is written as its first or last day: ".." separates the query's two ends.
    if ".." in span.edtf or " " in span.edtf:
        return day.isoformat(), span
    return span.edtf, span


def date_error(which: str, value: str) -> str:
    # Whole sentences per field, so a translation can decline "from" and "to" as it needs (engine.py's too).
    wrong = (_("The “from” date “%(value)s” is not a date; it was ignored.") if which == "from"
             else _("The “to” date “%(value)s” is not a date; it was ignored."))
    return str(wrong % {"value": value[:100]})


def _part(name: str, value: str) -> str:
    if name == "all":
        return " ".join(words(value))
    if name == "phrase":
        text = clean(value.replace('"', " "))
        return f'"{text}"' if text else ""
    if name == "any":
        terms = words(value)
        return f"({' OR '.join(terms)})" if len(terms) > 1 else "".join(terms)
    if name == "none":
        return " ".join(_negated(t) for t in words(value))
    if name == "title":
        terms = words(value)
        return f"title:({' '.join(terms)})" if len(terms) > 1 else "".join(f"title:{t}" for t in terms)
    term = quoted(value)
    return f"{name}:{term}" if term else ""


def balanced(q: str) -> str:
    """A typed query made safe to AND with more terms: its open quote closed, its unmatched ")" dropped
    and its open "(" closed, so whatever follows cannot be swallowed into its phrase or group."""
    out: list[str] = []
    depth = 0
    in_quote = False
    for char in q:
        if char == '"':
            in_quote = not in_quote
        elif not in_quote and char == "(":
            depth += 1
        elif not in_quote and char == ")":
            if not depth:
                continue
            depth -= 1
        out.append(char)
    return "".join(out) + ('"' if in_quote else "") + ")" * depth


def _typed(q: str) -> str:
    q = balanced(clean(q))
    # A typed OR binds looser than the fields' AND: grouped, "a OR b" stays a OR b within the fields.
    return f"({q})" if re.search(r"(^|[\s()])(OR|\|\|?)($|[\s()])", q) else q


def compile_fields(values: Mapping[str, str], q: str = "") -> Compiled:
    """The query the form's fields make, after `q` (a typed query) if there is one."""
    compiled = Compiled("")
    parts: list[str] = []
    dates: dict[str, tuple[str, DateSpan]] = {}
    for name in FIELDS:
        value = clean(values.get(name))
        if not value:
            continue
        if len(value) > MAX_FIELD_CHARS:
            compiled.errors[name] = str(_("At most %(count)d characters; this has %(length)d.")
                                        % {"count": MAX_FIELD_CHARS, "length": len(value)})
            continue
        if name in DATE_FIELDS:
            try:
                dates[name] = _date(value, name)
            except DateError:
                compiled.errors[name] = date_error(name, value)
                continue
        elif part := _part(name, value):
            parts.append(part)
        else:
            continue
        compiled.used[name] = value
    if "from" in dates and "to" in dates and dates["from"][1].start > dates["to"][1].end:
        compiled.errors["to"] = str(_("The “to” date is before the “from” date."))
        del dates["to"], compiled.used["to"]
    if dates:
        low, high = dates.get("from", ("",))[0], dates.get("to", ("",))[0]
        parts.append(f"date:{low}" if low == high else f"date:{low}..{high}")
    if not parts:
        compiled.query = q if q and q.strip() else ""  # a typed query alone is searched exactly as typed
    else:
        compiled.query = " ".join(p for p in (_typed(q) if clean(q) else "", *parts) if p)
    return compiled
