"""The document page: a record as the archive shows it, and its JSON twin, citations and downloads."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from readingroom.catalog import addresses, prepared_sql
from readingroom.catalog.languages import language_name, script_direction
from readingroom.catalog.models import (
    Authority,
    Collection,
    Content,
    Footnote,
    Page,
    Record,
    RecordAuthority,
    Repository,
    sees_restricted,
    visible_q,
)
from readingroom.catalog.originals import translation_languages
from readingroom.catalog.relations import RelatedGroup
from readingroom.standards import citations
from readingroom.standards.citations import chicago, record_url
from readingroom.web import document_parts
from readingroom.web.document_parts import Stamp, similar, surroundings
from readingroom.web.highlight import (
    MARK,
    highlight_html,
    hit_boxes,
    plain_text_html,
    query_terms,
    with_name_variants,
)
from readingroom.web.parallel import Pair, build_pair, choose_translation

# A collection's records sort by position, then date, then id. Undated records take a fixed stand-in date so
# they come first on SQLite and PostgreSQL alike (the two disagree on where NULLs sort). Prev/next and the
# collection page use this same order.
UNDATED = dt.date(1, 1, 1)


def collection_order(queryset):
    return queryset.annotate(sort_date=Coalesce("date_start", Value(UNDATED))).order_by(
        "position", "sort_date", "public_id")


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


def _brief_records(rows: list[tuple]) -> list[Record]:
    return [Record(pk=pk, public_id=public_id, title=title, date_edtf=date_edtf) for pk, public_id, title, date_edtf in rows]


def neighbours(request: HttpRequest, record: Record) -> tuple[Record | None, Record | None]:
    """The previous and next visible records in the record's collection (two indexed queries, their SQL built
    once per side and day)."""
    if record.collection_id is None:
        return None, None
    user, today = request.user, timezone.localdate()

    def build(after: bool):
        def query(collection: int, position: int, day: dt.date, public_id: str):
            siblings = collection_order(Record.objects.filter(visible_q(user, today=today), collection_id=collection))
            p, d, i = position, day, public_id
            if after:
                return (siblings.filter(Q(position__gt=p) | Q(position=p, sort_date__gt=d)
                                        | Q(position=p, sort_date=d, public_id__gt=i))
                        .values_list("pk", "public_id", "title", "date_edtf")[:1])
            return (siblings.filter(Q(position__lt=p) | Q(position=p, sort_date__lt=d)
                                    | Q(position=p, sort_date=d, public_id__lt=i))
                    .order_by("-position", "-sort_date", "-public_id")
                    .values_list("pk", "public_id", "title", "date_edtf")[:1])
        return query

    values = {"collection": record.collection_id, "position": record.position,
              "day": record.date_start or UNDATED, "public_id": record.public_id}
    key = (sees_restricted(user), today)
    previous = _brief_records(prepared_sql.rows("document-previous", key, build(False), **values))
    following = _brief_records(prepared_sql.rows("document-next", key, build(True), **values))
    return (previous[0] if previous else None), (following[0] if following else None)


# "Same day" lists at most this many records; the date timeline has the rest.
SAME_DAY_LIMIT = 50


@dataclass
class SameDay:
    day: dt.date
    records: list[Record]
    total: int
    more_url: str


def same_day(request: HttpRequest, record: Record) -> SameDay | None:
    """Every visible record dated exactly the record's day (a single day both start and end), across all
    collections; none for a record dated to a month, a year or a span, whose "day" is not one day."""
    if record.date_start is None or record.date_start != record.date_end:
        return None
    day, user, today = record.date_start, request.user, timezone.localdate()

    def others(day: dt.date, pk: int):
        return (Record.objects.filter(visible_q(user, today=today), date_start=day, date_end=day).exclude(pk=pk)
                .annotate(collection_title=Coalesce("collection__title", Value("")))
                .order_by("collection_title", "position", "public_id"))

    rows = prepared_sql.rows("document-same-day", (sees_restricted(user), today), lambda day, pk: others(day, pk)
                             .values_list("pk", "public_id", "title", "date_edtf")[:SAME_DAY_LIMIT], day=day, pk=record.pk)
    shown = _brief_records(rows)
    total = len(shown) if len(shown) < SAME_DAY_LIMIT else others(day, record.pk).count()
    more = addresses.url("browse-dates", query=urlencode({"year": day.year, "month": day.month}))
    return SameDay(day, shown, total, more)


def _brief(record: Record) -> dict:
    return {"id": record.public_id, "title": record.title, "date": record.date_edtf or None,
            "url": record.get_absolute_url()}


def relations_json(groups: list[RelatedGroup], day: SameDay | None) -> dict:
    return {
        "related": [{"relation": g.key, "records": [{**_brief(r), "note": r.relation_note} for r in g.records]}
                    for g in groups],
        "same_day": ({"date": day.day.isoformat(), "total": day.total,
                      "more": day.more_url if day.total > len(day.records) else None,
                      "records": [_brief(r) for r in day.records]} if day else None),
    }


@dataclass
class ScanPage:
    page: Page
    number: int
    text_html: str
    hits: list[list[int]] = field(default_factory=list)


@dataclass
class ContentView:
    content: Content
    html: str
    scan_pages: list[ScanPage]
    number: int = 0  # its place among the record's contents: `#content-N` stays put when others are paired

    @property
    def direction(self) -> str:
        return script_direction(self.content.language) if self.content.language else "ltr"


def _content_views(contents: list[Content], terms: list[str]) -> list[ContentView]:
    views = []
    for number, content in enumerate(contents, start=1):
        pages = [p for p in content.pages.all() if p.image]
        scan_pages = []
        for number, page in enumerate(pages, start=1):
            scan_pages.append(ScanPage(page, number, highlight_html(plain_text_html(page.text), terms),
                                       hit_boxes(page.words, terms) if terms else []))
        body = content.markup or plain_text_html(content.text)
        views.append(ContentView(content, highlight_html(body, terms), scan_pages, number))
    return views


def cited_translation(request: HttpRequest, record: Record) -> str | None:
    """The translation a cite file names (`?translation=<tag>`), if the record has it; else the original."""
    asked = request.GET.get("translation", "").strip().lower()
    return next((tag for tag in translation_languages(record) if tag.lower() == asked), None) if asked else None


def translation_picker(request: HttpRequest, choice, query: str) -> list[dict]:
    """One link per translation (`?translation=<tag>`, keeping the search words): works without JavaScript,
    and each choice has its own bookmarkable, cacheable address."""
    locale = get_language() or "en"
    options = []
    for content in choice.options:
        params = {"translation": content.language, **({"q": query} if request.GET.get("q") else {})}
        options.append({"content": content, "url": f"{request.path}?{urlencode(params)}",
                        "name": language_name(content.language, locale) if content.language else content.display_label,
                        "selected": content is choice.chosen})
    return options


def cite_styles() -> list[tuple[str, str]]:
    """(key, label) of the CSL styles; the page fetches each rendering from `cite` when the reader opens Cite,
    because citeproc-py takes tens of milliseconds per style and most readers never ask."""
    return [(key, label) for key, (_, label) in citations.CSL_STYLES.items()]


def rendered_style(record: Record, style: str, translation: str | None = None) -> str:
    """A CSL style's rendering of the record, cached by the citation data itself (a renamed author or a moved
    collection changes the key; the record's own timestamp would miss those)."""
    item = json.dumps(citations.csl_item(record, translation), sort_keys=True, ensure_ascii=False)
    key = f"cite:{style}:{hashlib.sha256(item.encode()).hexdigest()}"
    text = cache.get(key)
    if text is None:
        text = citations.render_style(record, style, translation=translation)
        cache.set(key, text, 24 * 3600)
    return text


def search_query(request: HttpRequest) -> str:
    """The words to highlight: ?q= or ?hl= on the URL, else the query of our own search page the reader came from."""
    query = request.GET.get("q") or request.GET.get("hl") or ""
    if not query and "HTTP_REFERER" in request.META:
        referer = urlsplit(request.META["HTTP_REFERER"])
        if referer.netloc == request.get_host() and referer.path.rstrip("/") == addresses.search().rstrip("/"):
            query = parse_qs(referer.query).get("q", [""])[0]
    return query.strip()[:200]


def record_stamp(request: HttpRequest, public_id: str) -> Stamp:
    """The record's id and state if this reader may see it (asked of the database on every request, never
    of a cache); a 404 otherwise, so restricted ids are not even confirmed."""
    found = document_parts.stamp(request.user, public_id)
    if found is None:
        raise Http404(f"No record {public_id}")
    return found


def document(request: HttpRequest, public_id: str, as_json: bool = False) -> HttpResponse:
    query = search_query(request)
    terms = [] if as_json else with_name_variants(query_terms(query)) if query else []
    stamp = record_stamp(request, public_id)

    def record() -> Record:
        return document_parts.bundle(stamp, lambda: load_bundle(stamp.pk, with_words=bool(terms)), words=bool(terms))

    if as_json:
        data = document_parts.json_data(request, stamp, lambda: _json_data(request, record()))
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    asked = request.GET.get("translation", "")
    if query or len(asked) > 40:  # highlighting differs per query; no real tag is that long
        parts = _page_parts(request, record(), query, terms)
    else:
        parts = document_parts.page(request, stamp, asked,
                                    lambda: _page_parts(request, record(), query, terms))
    page = {**parts, **{name: mark_safe(parts[name]) for name in ("head", "body", "scripts")}}
    return render(request, "readingroom/document.html", {"page": page, "query": query})


def _json_data(request: HttpRequest, record: Record) -> dict:
    from readingroom.web.serializers import record_detail

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


def _page_parts(request: HttpRequest, record: Record, query: str, terms: list[str]) -> dict:
    """The page's head, body and scripts, rendered (plain strings: they go through the cache), its title and
    whether it is wide."""
    groups: dict[str, list[RecordAuthority]] = {}
    for link in record.authority_links.all():
        groups.setdefault(link.authority.kind, []).append(link)
    contents = list(record.contents.all())
    views = _content_views(contents, terms)
    scan_pages = [sp for v in views for sp in v.scan_pages]
    choice = choose_translation(contents, request.GET.get("translation", ""), get_language() or "en")
    pair: Pair | None = build_pair(contents, record.languages, choice.chosen, terms)
    # The paired texts leave the tabs; the scan stays one, its page-by-page text tied to the viewer.
    paired = {pair.original.content.pk, pair.translation.content.pk} if pair else set()
    tab_views = [v for v in views if v.content.pk not in paired or v.content.kind == Content.Kind.SCAN]
    translation = pair.translation.language if pair else None
    around = surroundings(request, record)
    context = {
        "record": record,
        "contents": contents,
        "content_views": tab_views,
        "pair": pair,
        "picker": translation_picker(request, choice, query) if pair else [],
        "unknown_translation": choice.unknown if pair else "",
        "cite_query": urlencode({"translation": translation}) + "&" if translation else "",
        "scan_pages": scan_pages,
        "hit_count": sum(len(sp.hits) for sp in scan_pages),
        "text_hit_count": sum(v.html.count(MARK) + sum(sp.text_html.count(MARK) for sp in v.scan_pages)
                              for v in views),
        "query": query,
        "terms": terms,
        "citation": chicago(record, translation),
        "cite_styles": cite_styles(),
        "cite_formats": citations.FORMATS.values(),
        "highwire": citations.highwire_tags(record, translation),
        "coins": citations.coins(record, translation),
        "permalink": record_url(record),
        "languages": [language_name(c, get_language()) for c in record.languages],
        "people": groups.get("person", []),
        "places": groups.get("place", []),
        "organizations": groups.get("organization", []),
        "subjects": groups.get("subject", []),
        "searchable_pdf": has_searchable_pdf(contents),
        "previous": around.previous,
        "next": around.next,
        "related_groups": around.related,
        "same_day": around.same_day,
        "similar": similar(request, record),
        "viewer_data": {
            "pages": [
                {"number": sp.number, "id": sp.page.pk, "width": sp.page.width, "height": sp.page.height,
                 "hits": sp.hits}
                for sp in scan_pages
            ],
        },
    }
    return {"title": record.title, "wide": bool(scan_pages or pair),
            **{part: str(render_to_string(f"readingroom/document/{part}.html", context, request))
               for part in ("head", "body", "scripts")}}


def document_redirect(request: HttpRequest, public_id: str) -> HttpResponse:
    return redirect("document", public_id=public_id, permanent=True)


def cite(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    """The citation as a file: /document/<id>/cite.bib, .ris, .csl.json, .txt (?style=apa for a CSL style)."""
    record = visible_record(request, public_id)
    if fmt not in citations.FORMATS:
        raise Http404("Unknown citation format")
    style = request.GET.get("style")
    translation = cited_translation(request, record)
    if fmt == "txt" and style:
        if style not in citations.CSL_STYLES:
            raise Http404("Unknown citation style")
        text = rendered_style(record, style, translation) + "\n"
    else:
        text = citations.FORMATS[fmt].build(record, translation)
    response = HttpResponse(text, content_type=citations.FORMATS[fmt].media_type)
    name = record.public_id.replace("/", "-")
    if request.GET.get("download") != "0":
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def original_scan(request: HttpRequest, page_id: int) -> HttpResponse:
    """The stored original file of one scanned page, unchanged, for readers who want the master."""
    try:
        page = Page.objects.get(visible_q(request.user, "content__record__"), pk=page_id)
    except Page.DoesNotExist:
        raise Http404("No such scan") from None
    if not page.image:
        raise Http404("No such scan")
    try:
        handle = page.image.open("rb")
    except FileNotFoundError:
        raise Http404("The scan file is missing") from None
    filename = page.original_name or page.image.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)


def archival_pdf_name(content: Content) -> str | None:
    """The storage name of the scan's searchable PDF/A made by OCR (`readingroom ocr-archive`), if made.

    OCR (issue 5) names the file after the pages it was built from, so a re-scanned page never serves an old
    PDF; without the OCR app there is no such file."""
    try:
        from readingroom.ocr.archival import archival_name
    except ImportError:
        return None
    pages = sorted((p for p in content.pages.all() if p.image), key=lambda p: p.position)
    if not pages:
        return None
    name = archival_name(content, pages)
    return name if default_storage.exists(name) else None


def searchable_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The searchable PDF of the record's scan (the scan with its OCR text layer), when OCR has made one."""
    record = visible_record(request, public_id)
    for content in record.contents.all():
        name = archival_pdf_name(content)
        if name:
            return FileResponse(default_storage.open(name, "rb"), as_attachment=True,
                                filename=f"{record.public_id.replace('/', '-')}.pdf", content_type="application/pdf")
    raise Http404("This record has no searchable PDF")


def has_searchable_pdf(contents: list[Content]) -> bool:
    return any(archival_pdf_name(c) for c in contents if c.kind == Content.Kind.SCAN)

