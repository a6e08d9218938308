"""FRUS volumes (Foreign Relations of the United States, TEI P5 XML, one file per volume).

Streams a volume with lxml's iterparse, so memory stays flat whatever its size: the teiHeader gives the
collection, the front matter (which comes before the documents) gives the persons and terms, and each
`<div type="document">` becomes a record as soon as it ends; its elements are then freed.

Bad XML: the parser runs in libxml2's recovery mode and every error is reported with its line. A document
whose lines hold an error is reported and skipped (never stored half-read); the documents before and
after it still import. Where libxml2 gives up altogether (an unescaped "<"), reading resumes at the next
<div> after the error, inside the same chapter.
"""

from __future__ import annotations

import io
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .frus_document import OFFICE_OF_THE_HISTORIAN, Volume, clip, convert_document, front_matter_entities
from .records import CollectionRef, ParsedRecord, Problem, RepositoryRef
from .tei_transcript import FRUS_NS, TEI_NS, XML_ID, plain_text

_T = f"{{{TEI_NS}}}"
TEI_ROOT = f"{_T}TEI"
EVENT_TAGS = (TEI_ROOT, f"{_T}teiHeader", f"{_T}front", f"{_T}div", f"{_T}pb")
RESUMED = "data-readingroom-resumed"
_LINE_IN_MESSAGE = re.compile(r"\bline (\d+)\b")
_DIV_START = re.compile(rb"<div[\s>/]")
_DIV_END = re.compile(rb"</div\s*>")
_CHUNK = 1 << 20
_PB = re.compile(rb'<pb\b[^>]*?\bn="([^"]*)"')
# libxml2 checks xml:id values as it reads; those are not well-formedness errors.
ID_CHECKS = {"DTD_ID_REDEFINED", "DTD_XMLID_VALUE"}


def peek_root(path: Path) -> tuple[str, int] | None:
    """The root element's qualified tag and line, reading only the start of the file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256 * 1024)
    except OSError:
        return None
    try:
        for _, el in etree.iterparse(io.BytesIO(head), events=("start",), recover=True, resolve_entities=False,
                                     no_network=True, load_dtd=False):
            return el.tag, el.sourceline or 1
    except etree.LxmlError:
        return None
    return None


class FrusTeiFormat:
    name = "frus_tei"
    read_ahead = True  # the reader needs no database: it may run in its own process (ingest/prefetch.py)
    # One file is one whole volume: read to its end, it tells which documents the volume no longer has
    # (ingest/missing.py). A fatal problem while reading (truncated, malformed) stops that check.
    whole_volumes = True
    states_references = True  # cross-references between documents (ingest/frus_references.py)

    def accepts(self, path: Path) -> bool:
        if path.suffix.lower() != ".xml" or not path.is_file():
            return False
        root = peek_root(path)
        # Any root named TEI (whatever its namespace) is ours, so a wrong namespace gets a clear message.
        return root is not None and (root[0].rsplit("}", 1)[-1] == "TEI" or root[0].startswith(_T))

    def parse(self, path: Path) -> Iterator[ParsedRecord | Problem]:
        return VolumeReader(path).records()


FORMAT = FrusTeiFormat()


@dataclass
class _Series:
    """A chapter or compilation: a series collection, in the order the volume gives."""

    element: etree._Element | None
    ref: CollectionRef
    titled: bool = False
    children: int = 0


@dataclass
class _Pending:
    """A converted document held until the parser has read past it, so its XML errors are known."""

    doc_id: str
    start: int
    end: int
    record: ParsedRecord | None
    problems: list[Problem]


@dataclass
class _Stream:
    line_offset: int = 0
    resumed_series: list[_Series] = field(default_factory=list)


class _ResumedSource:
    """File-like: a synthetic prefix (root and open chapters) then the file from a byte offset."""

    def __init__(self, prefix: bytes, path: Path, offset: int) -> None:
        self.prefix = prefix
        self.handle = path.open("rb")
        self.handle.seek(offset)

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else _CHUNK
        if self.prefix:
            chunk, self.prefix = self.prefix[:size], self.prefix[size:]
            return chunk
        return self.handle.read(size)

    def close(self) -> None:
        self.handle.close()


class VolumeReader:
    """Reads one volume file: records and problems, in document order, then the volume's own problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root_id = ""
        self.stream = _Stream()
        self.context: etree.iterparse | None = None
        self.source = str(path)
        self.volume: Volume | None = None
        self.series: list[_Series] = []
        self.top_children = 0
        self.seen: dict[str, int] = {}
        self.position = 0
        self.current_page: str | None = None
        self.open_docs: list[tuple[etree._Element, str, list[_Series]]] = []
        self.pending: list[_Pending] = []
        self.errors: list[tuple[int, str]] = []
        self.errors_read = 0
        self.nsmap: dict[str | None, str] = {}
        self.last_doc_series: list[_Series] = []
        self.max_seen_line = 0
        self.max_error_line = 0
        self.last_resume_line = 0

    # -- the whole volume
    def records(self) -> Iterator[ParsedRecord | Problem]:
        root = peek_root(self.path)
        if root is None:
            yield Problem(self.source, "not XML: no root element could be read", 1)
            return
        tag, line = root
        if tag != TEI_ROOT:
            namespace = tag[1:].split("}")[0] if tag.startswith("{") else "no namespace"
            yield Problem(self.source, f"root element is <{tag.rsplit('}', 1)[-1]}> in {namespace}; a FRUS volume is "
                                       f"<TEI> in the TEI namespace {TEI_NS}", line)
            return
        yield from self._read(self.path.open("rb"), _Stream())
        while True:
            resume = self._resume_point()
            if resume is None:
                break
            offset, resume_line, series = resume
            prefix = self._prefix(series)
            yield Problem(self.source, "XML reading stopped at the error above; resumed at the next <div>",
                          resume_line, fatal=False)
            yield from self._read(_ResumedSource(prefix, self.path, offset),
                                  _Stream(line_offset=resume_line - 1, resumed_series=series))
        yield from self._volume_problems()

    def _volume_problems(self) -> Iterator[Problem]:
        if self.volume is None:
            yield Problem(self.source, "no teiHeader: the volume's title and id are unknown, nothing imported", 1)
            return
        for reference, (line, count) in sorted(self.volume.dangling.items(), key=lambda kv: kv[1][0]):
            yield Problem(self.source, f"reference {reference} points to no person or term in the volume's front "
                                       f"matter ({count} time{'s' if count != 1 else ''}); kept as plain text",
                          line, fatal=False)
        for name, (line, count) in sorted(self.volume.unknown.items(), key=lambda kv: kv[1][0]):
            yield Problem(self.source, f"unknown element <{name}> (in {count} document{'s' if count != 1 else ''}); "
                                       "its text is kept", line, fatal=False)

    # -- one pass of the parser over a stream
    def _read(self, source, stream: _Stream) -> Iterator[ParsedRecord | Problem]:
        self.errors, self.errors_read, self.pending, self.open_docs = [], 0, [], []
        context = etree.iterparse(source, events=("start", "end"), tag=EVENT_TAGS, recover=True,
                                  resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                                  remove_pis=True)
        self.stream = stream
        self.context = context
        if self.volume is not None:
            self.volume.line_offset = stream.line_offset
        try:
            for event, el in context:
                yield from self._event(event, el)
        except etree.XMLSyntaxError as exc:  # recovery mode rarely raises; when it does, treat it as a stop
            self.errors.append((self._line(exc.lineno or 0), str(exc.msg or exc)))
            self.max_error_line = max(self.max_error_line, self._line(exc.lineno or 0))
        except OSError as exc:
            yield Problem(self.source, f"cannot read: {exc.strerror or exc}")
        finally:
            if hasattr(source, "close"):
                source.close()
        self._collect_errors()
        for el, doc_id, _ in self.open_docs:
            yield Problem(self.source, f"document {doc_id or '?'} is incomplete: the XML ends inside it; skipped",
                          self._line(el.sourceline or 0))
        self.open_docs = []
        yield from self._flush(boundary=None)

    def _line(self, line: int) -> int:
        return line + self.stream.line_offset if line else 0

    def _event(self, event: str, el: etree._Element) -> Iterator[ParsedRecord | Problem]:
        tag = el.tag
        if event == "start" and el.sourceline:
            self.max_seen_line = max(self.max_seen_line, self._line(el.sourceline))
        if tag == f"{_T}div":
            if el.get("type") == "document":
                if event == "start":
                    yield from self._document_start(el)
                else:
                    self._document_end(el)
            elif self.open_docs:
                return  # a division inside a document is part of its text
            elif event == "start":
                self._series_start(el)
            else:
                self._series_end(el)
        elif tag == f"{_T}pb":
            if event == "end" and not self.open_docs and el.get("n"):
                self.current_page = el.get("n")
        elif event == "end" and tag == f"{_T}teiHeader":
            self._header(el)
            el.clear()
        elif event == "end" and tag == f"{_T}front" and self.volume is not None:
            self.volume.entities.update(front_matter_entities(el, self.volume.identifier))
            el.clear()
        elif event == "start" and tag == TEI_ROOT and not self.nsmap:
            self.nsmap = dict(el.nsmap)
            self.root_id = el.get(XML_ID) or ""

    # -- volume and series
    def _header(self, header: etree._Element) -> None:
        def first(path: str) -> str:
            found = header.find(path, {"t": TEI_NS})
            return plain_text(found) if found is not None else ""

        volume_id = first(".//t:publicationStmt/t:idno[@type='frus']") or self.root_id or self.path.stem
        # The id becomes part of every record's id and address: letters, digits, "-", "_" and "." only.
        volume_id = re.sub(r"[^\w.-]+", "-", volume_id).strip("-.")[:100] or "volume"
        complete = first(".//t:titleStmt/t:title[@type='complete']")
        title = complete or first(".//t:titleStmt/t:title[@type='volume']") or first(".//t:titleStmt/t:title") or volume_id
        editors = [plain_text(e) for e in header.iterfind(".//t:titleStmt/t:editor", {"t": TEI_NS})]
        year_text = first(".//t:publicationStmt/t:date[@type='publication-date']")
        year_match = re.search(r"\d{4}", year_text)
        publisher = first(".//t:publicationStmt/t:publisher")
        place = first(".//t:publicationStmt/t:pubPlace")
        description = ", ".join(p for p in (publisher, place, year_text) if p)
        collection = CollectionRef(
            identifier=volume_id,
            title=clip(title, 500),
            level="collection",
            repository=RepositoryRef(OFFICE_OF_THE_HISTORIAN, "Washington, DC"),
            editors=clip(", ".join(e for e in editors if e), 500),
            publication_year=int(year_match.group()) if year_match else None,
            description=f"Published by {description}." if description else "",
        )
        self.volume = Volume(identifier=volume_id, path=self.source, collection=collection)

    def _series_start(self, el: etree._Element) -> None:
        if self.volume is None or not self._in_text(el):
            return
        if el.get(RESUMED) is not None and self.stream.resumed_series:
            self.series.append(self.stream.resumed_series[len(self.series)])
            return
        self._title_open_series()
        parent = self.series[-1] if self.series else None
        if parent is not None:
            parent.children += 1
            position = parent.children
        else:
            self.top_children += 1
            position = self.top_children
        xml_id = el.get(XML_ID)
        path = ".".join(str(s.ref.position) for s in self.series) + ("." if self.series else "") + str(position)
        identifier = f"{self.volume.identifier}-{xml_id}" if xml_id else f"{self.volume.identifier}-part{path}"
        ref = CollectionRef(identifier=clip(identifier, 200), title=xml_id or f"Part {path}",
                            level="series" if parent is None else "subseries",
                            parent=parent.ref if parent is not None else self.volume.collection, position=position)
        self.series.append(_Series(el, ref))

    def _in_text(self, el: etree._Element) -> bool:
        """Chapters are divisions of <body> or <back>, not of the front matter."""
        node = el.getparent()
        while node is not None:
            if node.tag == f"{_T}front":
                return False
            node = node.getparent()
        return True

    def _title_open_series(self) -> None:
        # A division's <head> comes before anything nested in it, so its title is known by now.
        for series in self.series:
            if not series.titled and series.element is not None:
                head = series.element.find(f"{_T}head")
                if head is not None:
                    series.ref.title = clip(plain_text(head), 500) or series.ref.title
                    series.titled = True

    def _series_end(self, el: etree._Element) -> None:
        if self.series and (self.series[-1].element is el or el.get(RESUMED) is not None):
            self.series.pop()
            self._free(el)
        elif self.volume is not None and (el.get(XML_ID) in ("persons", "terms") or el.get("subtype") in ("persons", "terms")):
            # Lists outside <front> (rare): read them where they are.
            self.volume.entities.update(front_matter_entities(el, self.volume.identifier))

    def _free(self, el: etree._Element) -> None:
        el.clear(keep_tail=True)
        if self.open_docs:
            return
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]

    # -- documents
    def _document_start(self, el: etree._Element) -> Iterator[ParsedRecord | Problem]:
        start = self._line(el.sourceline or 0)
        outer = min((self._line(d.sourceline or 0) for d, _, _ in self.open_docs), default=start)
        self._collect_errors()
        yield from self._flush(boundary=min(start, outer))
        self._title_open_series()
        self.open_docs.append((el, el.get(XML_ID) or "", list(self.series)))
        self.last_doc_series = list(self.series)

    def _document_end(self, el: etree._Element) -> None:
        if not self.open_docs or self.open_docs[-1][0] is not el:
            return
        _, doc_id, series = self.open_docs.pop()
        start = self._line(el.sourceline or 0)
        self._collect_errors()
        # Errors inside a document are logged by the time it ends; without any, its last line is not needed.
        end = self._estimated_end(el) if self.errors else start
        pending = _Pending(doc_id, start, end, None, [])
        self.pending.append(pending)
        if self.volume is None:
            pending.problems.append(Problem(self.source, "document before the teiHeader: the volume is unknown", start))
        elif not doc_id or not re.fullmatch(r"[A-Za-z_][\w.-]*", doc_id):
            pending.problems.append(Problem(self.source, f"document without a usable xml:id ({doc_id!r}); skipped", start))
        elif doc_id in self.seen:
            pending.problems.append(Problem(
                self.source, f"duplicate document id {doc_id} (first at line {self.seen[doc_id]}); this one is skipped",
                start))
        else:
            self.seen[doc_id] = start
            self.position += 1
            collection = series[-1].ref if series else self.volume.collection
            try:
                converted = convert_document(el, doc_id, self.volume, collection, self.position, self.current_page)
            except Exception as exc:  # one odd document must not stop a shelf of volumes
                pending.problems.append(Problem(self.source, f"document {doc_id} could not be read: {exc!r}", start))
            else:
                for problem in converted.problems:
                    problem.line = self._line(problem.line or 0) or start
                pending.record, pending.problems = converted.record, converted.problems
                self.current_page = converted.last_page
        self._free(el)

    def _estimated_end(self, el: etree._Element) -> int:
        """The last line of a document: lxml keeps only start lines, so add the line breaks in its text."""
        last = el.sourceline or 0
        breaks = 0
        for node in el.iter():
            if node.sourceline and node.sourceline > last:
                last = node.sourceline
            if node.text:
                breaks += node.text.count("\n")
            if node is not el and node.tail:
                breaks += node.tail.count("\n")
        return self._line(max(last, (el.sourceline or 0) + breaks)) + 1

    # -- errors and the release of held documents
    def _collect_errors(self) -> None:
        log = self.context.error_log
        entries = list(log)
        for entry in entries[self.errors_read:]:
            if entry.type_name in ID_CHECKS:
                continue  # duplicate ids are reported by the reader, with the line of the first one
            self.errors.append((self._line(entry.line), entry.message.strip()))
            self.max_error_line = max(self.max_error_line, self._line(entry.line))
        self.errors_read = len(entries)

    def _flush(self, boundary: int | None) -> Iterator[ParsedRecord | Problem]:
        """Release held documents (the parser is past them, so their errors are known) and report the
        errors outside any document that lie before `boundary` (None: all of them)."""
        claimed: set[int] = set()
        for pending in self.pending:
            mine = [i for i, (line, message) in enumerate(self.errors)
                    if i not in claimed and (pending.start <= line <= pending.end or any(
                        pending.start <= int(n) + self.stream.line_offset <= pending.end
                        for n in _LINE_IN_MESSAGE.findall(message)))]
            claimed.update(mine)
            if mine:
                line, message = self.errors[mine[0]]
                more = f" (and {len(mine) - 1} more error{'s' if len(mine) > 2 else ''})" if len(mine) > 1 else ""
                yield Problem(self.source, f"document {pending.doc_id or '?'} is not well-formed XML: {message}{more}; "
                                           "skipped", line)
                continue
            yield from pending.problems
            if pending.record is not None:
                yield pending.record
        self.pending = []
        remaining: list[tuple[int, str]] = []
        for index, (line, message) in enumerate(self.errors):
            if index in claimed:
                continue
            if boundary is None or line < boundary:
                yield Problem(self.source, f"not well-formed XML: {message}", line)
            else:
                remaining.append((line, message))
        self.errors = remaining

    # -- recovery after libxml2 gave up
    def _resume_point(self) -> tuple[int, int, list[_Series]] | None:
        """Where to read on when libxml2 stopped before the end: the first <div> after the last error,
        if the parser never reached it."""
        error_line = self.max_error_line
        if not error_line or error_line <= self.last_resume_line:
            return None
        try:
            with self.path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                offset = _line_offset(mm, error_line)
                if offset is None:
                    return None
                newline = mm.find(b"\n", offset)
                search_from = newline + 1 if newline >= 0 else len(mm)
                match = _DIV_START.search(mm, search_from)
                if match is None:
                    return None
                skipped = mm[offset:match.start()]
                # Printed pages that turned in the part not read: the next document opens on the last.
                pages = _PB.findall(skipped)
                if pages:
                    self.current_page = pages[-1].decode("utf-8", "replace")
                closes = len(_DIV_END.findall(skipped)) - len(_DIV_START.findall(skipped))
                resume_line = error_line + 1 + mm[search_from:match.start()].count(b"\n")
                start = match.start()
                if resume_line <= self.max_seen_line:
                    return None  # the parser recovered by itself and read on
                self.last_resume_line = resume_line
        except (OSError, ValueError):
            return None
        series = list(self.last_doc_series)
        # The document the error was in closes among the skipped lines; further </div>s close chapters.
        closes -= 1
        if closes > 0:
            series = series[: max(0, len(series) - closes)]
        return start, resume_line, series

    def _prefix(self, series: list[_Series]) -> bytes:
        declarations = " ".join(
            f'xmlns{":" + prefix if prefix else ""}="{uri}"' for prefix, uri in self.nsmap.items()
        ) or f'xmlns="{TEI_NS}" xmlns:frus="{FRUS_NS}"'
        if 'xmlns="' not in declarations:
            declarations += f' xmlns="{TEI_NS}"'
        self.series = []
        chapters = "".join(f'<div {RESUMED}="1">' for _ in series)
        return f"<TEI {declarations}><text><body>{chapters}".encode()


def _line_offset(mm: mmap.mmap, line: int) -> int | None:
    offset = 0
    for _ in range(line - 1):
        found = mm.find(b"\n", offset)
        if found < 0:
            return None
        offset = found + 1
    return offset
