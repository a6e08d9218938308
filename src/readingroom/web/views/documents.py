"""The document page: a record as the archive shows it, its citation files and downloads (its JSON twin is
built in web/record_data.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from readingroom.catalog import addresses
from readingroom.catalog.languages import language_name, script_direction
from readingroom.catalog.models import (
    Content,
    Page,
    Record,
    RecordAuthority,
    visible_q,
)
from readingroom.catalog.originals import translation_languages
from readingroom.search import words_to_mark
from readingroom.standards import citations
from readingroom.standards.citations import chicago, record_url
from readingroom.web import document_parts, record_data
from readingroom.web.document_parts import similar, surroundings
from readingroom.web.highlight import (
    MARK,
    highlight_html,
    hit_boxes,
    plain_text_html,
)
from readingroom.web.parallel import Pair, build_pair, choose_translation
from readingroom.web.record_data import record_stamp, visible_record


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



def document(request: HttpRequest, public_id: str, as_json: bool = False) -> HttpResponse:
    if as_json:
        return record_data.json_twin(request, public_id)
    query = search_query(request)
    terms = words_to_mark(query) if query else []
    stamp = record_stamp(request, public_id)

    def record() -> Record:
        return record_data.bundled(stamp, words=bool(terms))

    asked = request.GET.get("translation", "")
    if query or len(asked) > 40:  # highlighting differs per query; no real tag is that long
        parts = _page_parts(request, record(), query, terms)
    else:
        parts = document_parts.page(request, stamp, asked,
                                    lambda: _page_parts(request, record(), query, terms))
    page = {**parts, **{name: mark_safe(parts[name]) for name in ("head", "body", "scripts")}}
    return render(request, "readingroom/document.html", {"page": page, "query": query})


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
                 "hits": sp.hits, "info": addresses.iiif_info(sp.page.pk)}
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

    OCR names the file after the pages it was built from, so a re-scanned page never serves an old
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

