"""The advanced search form at /search/advanced/ (and its JSON twin: the fields and their choices).

A GET form, so a filled-in form is an address too. Submitted without a mistake, it redirects to
/search/?q=<the query it built>; the results page shows that query, so the reader learns the syntax.
A mistake (a date that is not EDTF, an overlong value) is shown next to its field, and nothing is
searched. The pick lists come from the public index's facet counts: only values that public records
have, whoever is signed in, so no restricted record's collection, type or repository is ever named."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readingroom import search as searching
from readingroom.catalog import addresses
from readingroom.search import ADVANCED_FIELDS, MAX_FIELD_CHARS

# Fields whose values are few enough to pick from a list (the facet dimension of the same name).
PICKED = ("collection", "repository", "type", "language", "classification")


@dataclass
class Field:
    name: str
    label: Promise
    hint: Promise
    group: str  # "words", "names", "catalogue" or "dates"
    value: str = ""
    error: str = ""
    choices: list[tuple[str, str]] | None = None  # (value, label); None: a text input
    placeholder: str = ""
    attrs: dict = field(default_factory=dict)


FIELD_TEXT = {
    "all": (gettext_lazy("All of these words"), gettext_lazy("Each word must appear, in any text."), "words"),
    "phrase": (gettext_lazy("This exact phrase"), gettext_lazy("The words together, in this order."), "words"),
    "any": (gettext_lazy("Any of these words"), gettext_lazy("At least one of them must appear."), "words"),
    "none": (gettext_lazy("None of these words"), gettext_lazy("Records with any of them are left out."), "words"),
    "title": (gettext_lazy("Words in the title"), gettext_lazy("Each word must be in the title."), "words"),
    "person": (gettext_lazy("Person"), gettext_lazy("A name in any of its forms, e.g. Harriman or Molotov."), "names"),
    "place": (gettext_lazy("Place"), gettext_lazy("A place in any spelling, e.g. Danzig or Gdańsk."), "names"),
    "subject": (gettext_lazy("Subject"), gettext_lazy("A subject heading, or words of one."), "names"),
    "organization": (gettext_lazy("Organization"), gettext_lazy("e.g. Department of State."), "names"),
    "collection": (gettext_lazy("Collection"), gettext_lazy("Records in this collection or below it."), "catalogue"),
    "repository": (gettext_lazy("Repository"), gettext_lazy("The institution that holds the originals."),
                   "catalogue"),
    "type": (gettext_lazy("Document type"), gettext_lazy("e.g. telegram, memorandum."), "catalogue"),
    "language": (gettext_lazy("Language"), gettext_lazy("The language the original is written in."), "catalogue"),
    "classification": (gettext_lazy("Classification"), gettext_lazy("The marking on the original, e.g. SECRET."),
                       "catalogue"),
    "from": (gettext_lazy("Date from"), gettext_lazy("An EDTF date: 1944, 1944-02 or 1944-02-02."), "dates"),
    "to": (gettext_lazy("Date to"), gettext_lazy("An EDTF date: 1944, 1944-02 or 1944-02-02."), "dates"),
}
GROUPS = [("words", gettext_lazy("Words")), ("names", gettext_lazy("People, places and subjects")),
          ("catalogue", gettext_lazy("Catalogue")), ("dates", gettext_lazy("Dates"))]


def pick_lists() -> dict[str, list[tuple[str, str]]]:
    """{field: [(value, label)]} from the public index's facets; empty when search cannot answer (the
    fields are then typed)."""
    results = searching.search("", user=None, per_page=1, with_snippets=False)
    if not results.available:
        return {}
    lists: dict[str, list[tuple[str, str]]] = {}
    for facet in results.facets:
        if facet.name not in PICKED:
            continue
        if facet.name == "collection":
            lists["collection"] = _tree(facet.values, 0)
        else:
            lists[facet.name] = sorted(((v.value, v.label) for v in facet.values), key=lambda pair: pair[1].lower())
    return lists


def _tree(values, depth: int) -> list[tuple[str, str]]:
    """Collections in tree order, a sub-collection's title indented below its parent's."""
    out: list[tuple[str, str]] = []
    for v in sorted(values, key=lambda v: v.label.lower()):
        out.append((v.value, "\u2003" * depth + v.label))
        out.extend(_tree(v.children, depth + 1))
    return out


def _fields(values: dict[str, str], errors: dict[str, str], lists: dict[str, list[tuple[str, str]]]) -> list[Field]:
    fields = []
    for name in ADVANCED_FIELDS:
        label, hint, group = FIELD_TEXT[name]
        choices = lists.get(name)
        value = values.get(name, "")
        if choices is not None and value and value not in {v for v, _label in choices}:
            choices = [(value, value), *choices]  # a value from a hand-made address stays visible
        fields.append(Field(name, label, hint, group, value, errors.get(name, ""), choices,
                            placeholder={"from": "1944-02", "to": "1944-06"}.get(name, "")))
    return fields


def advanced_search(request: HttpRequest, as_json: bool = False) -> HttpResponse:
    params = request.GET
    submitted = any(name in params for name in ADVANCED_FIELDS)
    # Shown back in the form: bounded, whatever was sent (a longer value is reported as too long).
    values = {name: params.get(name, "")[:MAX_FIELD_CHARS * 2] for name in ADVANCED_FIELDS}
    errors: dict[str, str] = {}
    form_error = ""
    if submitted and not as_json:
        compiled = searching.compile_fields(params)
        errors = dict(compiled.errors)
        if not errors and not compiled.query:
            form_error = _("Fill in at least one field.")
        elif not errors and len(compiled.query) > searching.MAX_QUERY_CHARS:
            form_error = _("This search is too long: at most %(count)d characters. Leave out some words.") % {
                "count": searching.MAX_QUERY_CHARS}
        elif not errors:
            return HttpResponseRedirect(addresses.search(urlencode({"q": compiled.query})))
    lists = pick_lists()
    fields = _fields(values, errors, lists)
    if as_json:
        return JsonResponse({"fields": [{"name": f.name, "label": str(f.label), "hint": str(f.hint),
                                         "choices": [{"value": v, "label": label.strip()} for v, label in f.choices]
                                         if f.choices is not None else None} for f in fields]},
                            json_dumps_params={"ensure_ascii": False})
    context = {
        "groups": [(label, [f for f in fields if f.group == key]) for key, label in GROUPS],
        "form_error": form_error,
        "has_errors": bool(errors or form_error),
        "max_chars": MAX_FIELD_CHARS,
    }
    status = 400 if errors or form_error else 200
    return render(request, "readingroom/advanced_search.html", context, status=status)
