"""A record as a page shows it: loaded once this reader may see it (its access asked of the database on every
request), with what it holds, and as the page's JSON twin, which the API serves too."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, JsonResponse

from readingroom.catalog import addresses, prepared_sql
from readingroom.catalog.models import (
    Authority,
    Collection,
    Content,
    Footnote,
    Page,
    Record,
    RecordAuthority,
    Repository,
)
from readingroom.catalog.relations import RelatedGroup
from readingroom.standards import citations
from readingroom.web import document_parts
from readingroom.web.document_parts import Stamp, surroundings
from readingroom.web.nearby import SameDay


def visible_record(request: HttpRequest, public_id: str, with_words: bool = False) -> Record:
    """The record if this reader may see it; a 404 otherwise, so restricted ids are not even confirmed.

    OCR word boxes (a few kB a page) are loaded only when asked for: to box a search's hits on the scan."""
    # Explicit orderings: the models' default ones sort by the parent FK, which joins the parent tables
    # (content -> record) into every prefetch and costs more to compile than the queries take to run.
    pages = Page.objects.order_by("content_id", "position")
    if not with_words:
        pages = pages.defer("words")
    queryset = (
        Record.objects.visible_to(request.user)
        .select_related("repository", "collection", "collection__parent", "collection__parent__parent",
                        "collection__repository", "collection__parent__repository",
                        "collection__parent__parent__repository")
        .prefetch_related(
            Prefetch("contents", queryset=Content.objects.order_by("position", "id").prefetch_related(
                Prefetch("footnotes", queryset=Footnote.objects.order_by("content_id", "position", "id")),
                Prefetch("pages", queryset=pages))),
            Prefetch("authority_links", queryset=RecordAuthority.objects.select_related("authority")
                     .order_by("authority__kind", "role", "authority__preferred_name")),
        )
    )
    try:
        return queryset.get(public_id=public_id)
    except Record.DoesNotExist:
        raise Http404(f"No record {public_id}") from None


# The record's row and, in the same query, those it points to (as select_related would join them): the path
# to each, its model, and the attribute that holds it on the object one step up.
RECORD_JOINS = (("", Record, None, ""), ("repository__", Repository, "", "repository"),
                ("collection__", Collection, "", "collection"),
                ("collection__parent__", Collection, "collection__", "parent"),
                ("collection__parent__parent__", Collection, "collection__parent__", "parent"),
                ("collection__repository__", Repository, "collection__", "repository"),
                ("collection__parent__repository__", Repository, "collection__parent__", "repository"),
                ("collection__parent__parent__repository__", Repository, "collection__parent__parent__", "repository"))


def _record_with_joins(pk: int) -> Record:
    columns = [(path, model, prepared_sql.columns(model)) for path, model, *_ in RECORD_JOINS]
    rows = prepared_sql.rows("bundle-record", (), lambda pk: Record.objects.filter(pk=pk).order_by().values_list(
        *(f"{path}{c}" for path, _model, names in columns for c in names)), pk=pk)
    if not rows:  # deleted since its access was checked
        raise Http404("No such record")
    row = rows[0]
    found: dict[str, object] = {}
    start = 0
    for (path, model, names), (_path, _model, up, attribute) in zip(columns, RECORD_JOINS, strict=True):
        values = row[start:start + len(names)]
        start += len(names)
        if values[0] is None:  # no such row (a record outside any collection, a collection without a parent)
            continue
        found[path] = prepared_sql.instances(model, [values])[0]
        if up is not None and up in found:
            setattr(found[up], attribute, found[path])
    return found[""]


def load_bundle(pk: int, with_words: bool = False) -> Record:
    """The record with its contents, their footnotes and pages, and its authority links (five queries, all
    but the record's with their SQL built once: prepared_sql), attached where Django's prefetching puts them,
    so that `record.contents.all()` and the like read them. Plain lists: a later `filter()` on them fails
    loudly rather than querying. Only for a record whose access was checked (document_parts.stamp)."""
    record = _record_with_joins(pk)
    contents = prepared_sql.instances(Content, prepared_sql.rows(
        "bundle-contents", (), lambda pk: Content.objects.filter(record_id=pk).order_by("position", "id")
        .values_list(*prepared_sql.columns(Content)), pk=pk))
    notes: dict[int, list[Footnote]] = {c.pk: [] for c in contents}
    pages: dict[int, list[Page]] = {c.pk: [] for c in contents}
    if contents:
        for note in prepared_sql.instances(Footnote, prepared_sql.rows(
                "bundle-footnotes", (), lambda pk: Footnote.objects.filter(content__record_id=pk)
                .order_by("content_id", "position", "id").values_list(*prepared_sql.columns(Footnote)), pk=pk)):
            notes[note.content_id].append(note)
        page_columns = [c for c in prepared_sql.columns(Page) if with_words or c != "words"]
        for page in prepared_sql.instances(Page, prepared_sql.rows(
                "bundle-pages", (with_words,), lambda pk: Page.objects.filter(content__record_id=pk)
                .order_by("content_id", "position").values_list(*page_columns), pk=pk), page_columns):
            pages[page.content_id].append(page)
    for content in contents:  # and the way back, as prefetching sets it (`page.content`, `content.record`)
        content.record = record
        for item in (*notes[content.pk], *pages[content.pk]):
            item.content = content
        content._prefetched_objects_cache = {"footnotes": notes[content.pk], "pages": pages[content.pk]}
    link_columns, authority_columns = prepared_sql.columns(RecordAuthority), prepared_sql.columns(Authority)
    links = []
    for row in prepared_sql.rows(
            "bundle-links", (), lambda pk: RecordAuthority.objects.filter(record_id=pk)
            .order_by("authority__kind", "role", "authority__preferred_name")
            .values_list(*link_columns, *(f"authority__{c}" for c in authority_columns)), pk=pk):
        link, authority = prepared_sql.instances(RecordAuthority, [row[:len(link_columns)]])[0], \
            prepared_sql.instances(Authority, [row[len(link_columns):]])[0]
        link.authority = authority
        links.append(link)
    record._prefetched_objects_cache = {"contents": contents, "authority_links": links}
    return record


def record_stamp(request: HttpRequest, public_id: str) -> Stamp:
    """The record's id and state if this reader may see it (asked of the database on every request, never
    of a cache); a 404 otherwise, so restricted ids are not even confirmed."""
    found = document_parts.stamp(request.user, public_id)
    if found is None:
        raise Http404(f"No record {public_id}")
    return found


def _brief(record: Record) -> dict:
    return {"id": record.public_id, "title": record.title, "date": record.date_edtf or None,
            "url": record.get_absolute_url()}


def relations_json(groups: list[RelatedGroup], day: SameDay | None) -> dict:
    return {
        "related": [{"relation": g.key, "total": g.total, "more": g.more_json_url,
                     "records": [{**_brief(r), "note": r.relation_note} for r in g.records]} for g in groups],
        "same_day": ({"date": day.day.isoformat(), "total": day.total,
                      "more": day.more_url if day.total > len(day.records) else None,
                      "records": [_brief(r) for r in day.records]} if day else None),
    }


def _json_data(request: HttpRequest, record: Record) -> dict:
    from readingroom.standards.catalogue_json import record_detail

    data = record_detail(record)
    around = surroundings(request, record)
    data["previous"] = around.previous.public_id if around.previous else None
    data["next"] = around.next.public_id if around.next else None
    data["links"] = {
        "html": record.get_absolute_url(),
        "cite": {fmt: addresses.cite(record.public_id, fmt) for fmt in citations.FORMATS},
        "iiif_manifest": (addresses.iiif_manifest(record.public_id)
                          if any(c.pages.all() for c in record.contents.all()) else None),
    }
    data.update(relations_json(around.related, around.same_day))
    return data


def bundled(stamp: Stamp, words: bool = False) -> Record:
    """The record of an access-checked stamp with all it holds (OCR word boxes if `words`), cached."""
    return document_parts.bundle(stamp, lambda: load_bundle(stamp.pk, with_words=words), words=words)


def json_twin(request: HttpRequest, public_id: str) -> JsonResponse:
    """/document/<id>.json, and the API's record."""
    stamp = record_stamp(request, public_id)
    data = document_parts.json_data(request, stamp, lambda: _json_data(request, bundled(stamp)))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
