"""A TEI document's text as a reader sees it: plain text (paragraphs separated by blank lines) and HTML
markup built from the same walk, with footnotes pulled out and printed page breaks recorded.

The HTML is built here from escaped text only (never copied from the source), so the page may show it
as it is. Structure kept: paragraphs, block quotes, lists, tables, attachments, openers and closers,
footnote reference marks linking to the notes, and markers where a printed page begins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from lxml import etree

from .records import FootnoteItem

TEI_NS = "http://www.tei-c.org/ns/1.0"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
HSG_DOCUMENTS = "https://history.state.gov/historicaldocuments"

_T = f"{{{TEI_NS}}}"
_WS = re.compile(r"\s+")
_SAFE_TARGET = re.compile(r"^(?:([A-Za-z][\w.-]*))?#([A-Za-z_][\w.-]*)$")

# Element names the walk knows (local names; frus:attachment is keyed by its qualified name).
CONTAINERS = {
    "opener": ('<div class="opener">', "</div>"),
    "closer": ('<div class="closer">', "</div>"),
    "postscript": ('<div class="postscript">', "</div>"),
    "div": ('<div class="section">', "</div>"),
    "floatingText": ('<div class="section">', "</div>"),
    "body": ("", ""),
    "lg": ('<div class="verse">', "</div>"),
    "sp": ('<div class="speech">', "</div>"),
    "figure": ('<figure>', "</figure>"),
    "table": ('<table class="tei-table">', "</table>"),
    "row": ("<tr>", "</tr>"),
    "listBibl": ('<ul class="tei-list">', "</ul>"),
    "address": ('<div class="address">', "</div>"),
}
PARAGRAPHS = {
    "p": '<p>',
    "ab": '<p>',
    "head": '<p class="head">',
    "dateline": '<p class="dateline">',
    "salute": '<p class="salute">',
    "signed": '<p class="signed">',
    "l": '<p class="line">',
    "speaker": '<p class="speaker">',
    "stage": '<p class="stage">',
    "byline": '<p class="byline">',
    "trailer": '<p class="trailer">',
    "figDesc": '<p class="caption">',
    "docDate": '<p class="dateline">',
    "addrLine": '<p class="address-line">',
    "argument": '<p class="argument">',
    "epigraph": '<p class="epigraph">',
}
HI = {
    "italic": ("<i>", "</i>"),
    "bold": ("<b>", "</b>"),
    "strong": ("<b>", "</b>"),
    "smallcaps": ('<span class="smallcaps">', "</span>"),
    "underline": ("<u>", "</u>"),
    "superscript": ("<sup>", "</sup>"),
    "sup": ("<sup>", "</sup>"),
    "subscript": ("<sub>", "</sub>"),
    "strikethrough": ("<s>", "</s>"),
}
# Inline elements whose content is simply text (with their own tag as a class for styling).
INLINE = {
    "persName", "gloss", "placeName", "orgName", "rs", "name", "term", "date", "time", "abbr", "expan",
    "foreign", "emph", "title", "seg", "num", "measure", "sic", "corr", "choice", "orig", "reg", "unclear",
    "supplied", "q", "said", "mentioned", "soCalled", "bibl", "idno", "affiliation", "roleName", "forename",
    "surname", "addName", "s", "w", "c", "distinct", "damage", "geogName", "country", "region", "settlement",
    "code", "quote", "label", "item", "cell", "note", "ref", "ptr", "hi", "del", "add", "list", "cit",
    "lb", "pb", "cb", "milestone", "anchor", "graphic", "gap", "space", "opener", "closer",
}


@dataclass
class Transcript:
    text: str
    markup: str
    footnotes: list[FootnoteItem]
    page_breaks: list[dict]
    last_page: str | None  # the printed page the document ends on, for the next document
    unknown: dict[str, int] = field(default_factory=dict)  # element name -> line of first occurrence


@dataclass
class _Frame:
    kind: str  # "container" | "para"
    open: str
    close: str
    implicit: bool = False
    live: bool = False
    inline: list[tuple[str, str]] = field(default_factory=list)
    label_li: bool = False  # an <li> opened by a list <label>, closed after the item that follows


class _Writer:
    """Builds text blocks and HTML together so that page-break offsets match the text exactly."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.blocks: list[str] = []
        self.cur: list[str] = []
        self.cur_len = 0
        self.pending_space = False
        self.frames: list[_Frame] = []
        self.pending_pbs: list[str] = []
        self.breaks: list[tuple[int, int, str]] = []  # block index, offset in block, page

    # -- paragraphs and containers
    def _top(self) -> _Frame | None:
        return self.frames[-1] if self.frames else None

    def _suspend(self) -> None:
        """A block starts inside a paragraph: close the paragraph for now; it resumes on new content."""
        top = self._top()
        if top is None or top.kind != "para":
            return
        if top.implicit:
            self._end_para()
            return
        if top.live:
            self._close_live(top)

    def _close_live(self, frame: _Frame) -> None:
        for _, close in reversed(frame.inline):
            self.html.append(close)
        self.html.append(frame.close)
        frame.live = False
        self.blocks.append("".join(self.cur))
        self.cur, self.cur_len, self.pending_space = [], 0, False

    def container(self, open_html: str, close_html: str, label_li: bool = False) -> None:
        self._suspend()
        self.frames.append(_Frame("container", open_html, close_html, label_li=label_li))
        self.html.append(open_html)

    def end_container(self) -> None:
        top = self._top()
        if top is not None and top.kind == "para" and top.implicit:
            self._end_para()
        frame = self.frames.pop()
        self.html.append(frame.close)

    def para(self, open_html: str, close_html: str = "</p>") -> None:
        self._suspend()
        self.frames.append(_Frame("para", open_html, close_html))

    def _end_para(self) -> None:
        frame = self.frames.pop()
        if frame.live:
            self._close_live(frame)

    def end_para(self) -> None:
        top = self._top()
        if top is not None and top.kind == "para" and top.implicit:
            self._end_para()
        self._end_para()

    def _live(self) -> _Frame:
        top = self._top()
        if top is None or top.kind == "container":
            bare = top is not None and top.open.startswith(("<li", "<td", "<tr"))
            top = _Frame("para", "" if bare else "<p>", "" if bare else "</p>", implicit=True)
            self.frames.append(top)
        if not top.live:
            top.live = True
            self.html.append(top.open)
            for open_html, _ in top.inline:
                self.html.append(open_html)
            for page in self.pending_pbs:
                self._pb_here(page)
            self.pending_pbs = []
        return top

    # -- inline content
    def _needs_space(self) -> bool:
        # A space between words, but none at a block's start or after a line break.
        return self.pending_space and self.cur_len > 0 and not self.cur[-1].endswith("\n")

    def text(self, value: str | None) -> None:
        if not value:
            return
        frames = self.frames
        if value.isspace():  # indentation between elements, most text nodes of a pretty-printed volume
            if frames and frames[-1].live:
                self.pending_space = True
            return
        top = frames[-1] if frames else None
        if top is None or not top.live or top.kind != "para":
            self._live()
        words = value.split()
        collapsed = words[0] if len(words) == 1 else " ".join(words)
        cur = self.cur
        if (self.pending_space or value[0].isspace()) and self.cur_len and cur[-1][-1] != "\n":
            cur.append(" ")
            self.cur_len += 1
            self.html.append(" ")
        self.pending_space = value[-1].isspace()
        cur.append(collapsed)
        self.cur_len += len(collapsed)
        self.html.append(escape(collapsed, quote=False) if ("&" in collapsed or "<" in collapsed or ">" in collapsed)
                         else collapsed)

    def space(self) -> None:
        """Text that is only whitespace: a space before the next word, if a paragraph is open."""
        frames = self.frames
        if frames and frames[-1].live:
            self.pending_space = True

    def open_inline(self, open_html: str, close_html: str) -> None:
        frame = self._live()
        if self._needs_space():
            self.cur.append(" ")
            self.cur_len += 1
            self.html.append(" ")
            self.pending_space = False
        frame.inline.append((open_html, close_html))
        self.html.append(open_html)

    def close_inline(self) -> None:
        top = self._top()
        if top is None or top.kind != "para" or not top.inline:
            return
        _, close_html = top.inline.pop()
        if top.live:
            self.html.append(close_html)
        else:
            # The inline element spanned a block (a quote inside italics): it was closed at the suspension.
            pass

    def raw_inline(self, html: str) -> None:
        """Markup only (a footnote mark): no text."""
        self._live()
        if self._needs_space():
            self.cur.append(" ")
            self.cur_len += 1
            self.html.append(" ")
            self.pending_space = False
        self.html.append(html)

    def line_break(self) -> None:
        top = self._top()
        if top is None or top.kind != "para" or not top.live:
            return
        self.html.append("<br>")
        if self.cur_len:
            self.cur.append("\n")
            self.cur_len += 1
        self.pending_space = False

    def page_break(self, page: str) -> None:
        top = self._top()
        if top is not None and top.kind == "para" and top.live:
            self._pb_here(page)
        else:
            self.pending_pbs.append(page)

    def _pb_here(self, page: str) -> None:
        offset = self.cur_len + (1 if self._needs_space() else 0)
        self.breaks.append((len(self.blocks), offset, page))
        label = escape(page)
        self.html.append(f'<span class="pb" data-page="{label}" id="page-{escape(_slug(page))}">[Page {label}]</span>')

    # -- result
    def finish(self) -> tuple[str, str, list[dict]]:
        while self.frames:
            top = self.frames[-1]
            if top.kind == "para":
                self._end_para()
            else:
                self.end_container()
        starts: list[int] = []
        kept: list[str] = []
        position = 0
        index_map: dict[int, int] = {}
        for index, block in enumerate(self.blocks):
            index_map[index] = len(kept)
            if block:
                starts.append(position)
                kept.append(block)
                position += len(block) + 2
        text = "\n\n".join(kept)
        breaks: list[dict] = []
        for block_index, offset, page in self.breaks:
            kept_index = index_map.get(block_index, len(kept))
            if kept_index >= len(kept):
                continue
            block_len = len(kept[kept_index])
            breaks.append({"n": page, "offset": starts[kept_index] + min(offset, block_len)})
        return text, "".join(self.html), breaks


_PARAGRAPH_TAGS = re.compile(r"</?p>")


_NOT_SLUG = re.compile(r"[^\w.-]+")
_DOCUMENT_FRAGMENT = re.compile(r"d\d+[a-z]?")


def _slug(value: str) -> str:
    return _NOT_SLUG.sub("-", value).strip("-") or "x"


_NAMES: dict[str, str] = {}


def local_name(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    name = _NAMES.get(tag)
    if name is None:
        if tag.startswith(_T):
            name = tag[len(_T):]
        elif tag.startswith(f"{{{FRUS_NS}}}"):
            name = "frus:" + tag[len(FRUS_NS) + 2:]
        else:
            name = tag
        if len(_NAMES) < 10_000:  # element names are few; a hostile file must not grow this without end
            _NAMES[tag] = name
    return name


def plain_text(el: etree._Element, skip_notes: bool = True) -> str:
    """An element's text with whitespace collapsed, footnotes left out (for titles and names)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            name = local_name(child)
            if name == "lb":
                parts.append(" ")
            elif not (skip_notes and name == "note") and name:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return _WS.sub(" ", "".join(parts)).strip()


class TranscriptBuilder:
    """Walks one document element. `describe(target)` names what a #p_/#t_ reference points to."""

    def __init__(self, volume: str, document_id: str, describe: Callable[[str], str | None],
                 skip: set[etree._Element] | None = None, start_page: str | None = None) -> None:
        self.volume = volume
        self.document_id = document_id
        self.describe = describe
        self.skip = skip or set()
        self.footnotes: list[FootnoteItem] = []
        self.unknown: dict[str, int] = {}
        self.last_page = start_page

    def build(self, doc: etree._Element) -> Transcript:
        writer = _Writer()
        self._children(doc, writer)
        text, markup, breaks = writer.finish()
        return Transcript(text, markup, self.footnotes, breaks, self.last_page, self.unknown)

    def _children(self, el: etree._Element, w: _Writer) -> None:
        # The commonest calls are skipped here: no text at all, or only the indentation between elements.
        text, element, skip = w.text, self._element, self.skip
        value = el.text
        if value:
            text(value)
        for child in el:
            if not skip or child not in skip:
                element(child, w)
            value = child.tail
            if value:
                if value.isspace():
                    w.space()
                else:
                    text(value)

    def _element(self, el: etree._Element, w: _Writer) -> None:  # noqa: C901 - one dispatch table
        name = _NAMES.get(el.tag) or local_name(el)
        if not name:
            return  # comments and processing instructions: their tail is handled by the caller
        # Names are tested commonest first (<hi> is a third of a FRUS document's elements); no name
        # matches two branches, so the order changes only the time taken.
        if name == "hi":
            open_html, close_html = HI.get((el.get("rend") or "").split(" ")[0], ('<span class="hi">', "</span>"))
            self._inline(el, w, open_html, close_html)
        elif name in PARAGRAPHS:
            w.para(PARAGRAPHS[name])
            self._children(el, w)
            w.end_para()
        elif name == "frus:attachment":
            w.container('<div class="attachment">', "</div>")
            self._children(el, w)
            w.end_container()
        elif name in ("opener", "closer"):
            w.container(*CONTAINERS[name])
            self._opener_children(el, w)
            w.end_container()
        elif name in CONTAINERS:
            w.container(*CONTAINERS[name])
            self._children(el, w)
            w.end_container()
        elif name == "quote":
            if el.get("rend") == "blockquote" or any(local_name(c) in ("p", "list", "lg", "quote") for c in el):
                w.container("<blockquote>", "</blockquote>")
                self._children(el, w)
                w.end_container()
            else:
                self._inline(el, w, '<span class="quote">', "</span>")
        elif name == "list":
            w.container('<ul class="tei-list">', "</ul>")
            self._list_children(el, w)
            w.end_container()
        elif name in ("item", "label"):
            w.container("<li>", "</li>")
            self._children(el, w)
            w.end_container()
        elif name == "cell":
            w.container("<td>", "</td>")
            self._children(el, w)
            w.end_container()
        elif name == "note":
            self._note(el, w)
        elif name == "pb":
            page = el.get("n")
            if page:
                self.last_page = page
                w.page_break(page)
        elif name == "lb":
            w.line_break()
        elif name in ("milestone", "anchor", "graphic", "cb"):
            return
        elif name == "gap":
            w.text(" […] ")
        elif name == "space":
            w.text(" ")
        elif name == "persName":
            self._inline(el, w, self._titled("person", el.get("corresp")), "</span>")
        elif name == "gloss":
            self._inline(el, w, self._titled("term", el.get("target")), "</span>")
        elif name in ("ref", "ptr"):
            href = self._href(el.get("target") or "")
            if href and name == "ptr":
                w.open_inline(f'<a href="{escape(href)}">', "</a>")
                w.text(el.get("target"))
                w.close_inline()
            elif href:
                self._inline(el, w, f'<a href="{escape(href)}">', "</a>")
            else:
                self._children(el, w)
        elif name == "del":
            self._inline(el, w, "<del>", "</del>")
        elif name == "add":
            self._inline(el, w, "<ins>", "</ins>")
        elif name in ("foreign", "emph"):
            self._inline(el, w, "<i>", "</i>")
        elif name in INLINE:
            self._inline(el, w, f'<span class="{name}">', "</span>")
        else:
            self.unknown.setdefault(name, el.sourceline or 0)
            self._inline(el, w, '<span class="unknown">', "</span>")

    def _opener_children(self, el: etree._Element, w: _Writer) -> None:
        # A <seg> directly in an opener or closer is a line of its own (the classification line).
        w.text(el.text)
        for child in el:
            if child in self.skip:
                pass
            elif local_name(child) == "seg":
                w.para('<p class="seg">')
                self._children(child, w)
                w.end_para()
            else:
                self._element(child, w)
            w.text(child.tail)

    def _list_children(self, el: etree._Element, w: _Writer) -> None:
        # TEI pairs <label>1.</label><item>...</item>: one <li> that starts with the label.
        w.text(el.text)
        label_open = False
        for child in el:
            name = local_name(child)
            if name == "label":
                if label_open:
                    w.end_container()
                w.container('<li class="labelled">', "</li>")
                w.open_inline('<span class="label">', "</span>")
                self._children(child, w)
                w.close_inline()
                w.text(" ")
                label_open = True
            elif name == "item":
                if not label_open:
                    w.container("<li>", "</li>")
                self._children(child, w)
                w.end_container()
                label_open = False
            elif name == "head":
                if label_open:
                    w.end_container()
                    label_open = False
                w.container('<li class="list-head">', "</li>")
                self._children(child, w)
                w.end_container()
            elif child not in self.skip:
                self._element(child, w)
            w.text(child.tail)
        if label_open:
            w.end_container()

    def _inline(self, el: etree._Element, w: _Writer, open_html: str, close_html: str) -> None:
        if el.text is None and len(el) == 0:
            return
        w.open_inline(open_html, close_html)
        self._children(el, w)
        w.close_inline()

    def _titled(self, css: str, reference: str | None) -> str:
        described = self.describe(reference) if reference else None
        if described:
            return f'<span class="{css}" title="{escape(described)}">'
        return f'<span class="{css}">'

    def _note(self, el: etree._Element, w: _Writer) -> None:
        number = el.get("n")
        if number is None and (el.get("type") == "source" or el.get("rend") == "inline"):
            # An inline editorial note: printed in the text, in its place.
            if any(local_name(c) == "p" for c in el):
                w.container('<div class="inline-note">', "</div>")
                self._children(el, w)
                w.end_container()
            else:
                self._inline(el, w, '<span class="inline-note">', "</span>")
            return
        number = number or str(len(self.footnotes) + 1)
        anchor = el.get(XML_ID) or f"{self.document_id}fn{_slug(number)}"
        sub = _Writer()
        inner = TranscriptBuilder(self.volume, self.document_id, self.describe, self.skip)
        inner.footnotes = self.footnotes  # notes inside notes are numbered with the rest
        inner._children(el, sub)
        text, html, _ = sub.finish()
        for key, line in inner.unknown.items():
            self.unknown.setdefault(key, line)
        # Keep the HTML only when the note has inline markup (a cross-reference, emphasis) beyond paragraphs.
        markup = html if "<" in _PARAGRAPH_TAGS.sub("", html) else ""
        self.footnotes.append(FootnoteItem(number=number, text=text, anchor_id=anchor, markup=markup))
        w.raw_inline(f'<sup class="fn"><a href="#{escape(anchor)}" id="{escape(anchor)}-ref">{escape(number)}</a></sup>')

    def _href(self, target: str) -> str:
        """Links stay inside FRUS: other documents of this volume are pages here, the rest history.state.gov."""
        target = target.strip()
        if target.startswith(("https://", "http://")):
            return target
        match = _SAFE_TARGET.match(target)
        if not match:
            return ""
        volume, fragment = match.group(1) or self.volume, match.group(2)
        if volume == self.volume and _DOCUMENT_FRAGMENT.fullmatch(fragment):
            return f"../{fragment}/"
        if volume == self.volume and fragment.startswith(f"{self.document_id}fn"):
            return f"#{fragment}"
        return f"{HSG_DOCUMENTS}/{volume}/{fragment}"
