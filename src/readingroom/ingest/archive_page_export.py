"""The archive-page export format (the seed record, ../shared/seed/): a date line, the title, labelled
fields (Citation:, Summary:, Original Language:, Contents:) and then the text of every listed content
item in order, with no markers between them.

Finding where one content item ends and the next begins is the hard part: see `split_body`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from readingroom.catalog.dates import DateError, parse_display_date
from readingroom.catalog.languages import language_code, language_name

from .records import (
    CollectionRef,
    ContentItem,
    ParsedRecord,
    Problem,
    ReferenceItem,
    RepositoryRef,
    slugify_name,
)
from .text_files import TextFileError, read_text
from .text_references import find_references

LABELS = ("Citation:", "Summary:", "Original Language:", "Contents:")
CLASSIFICATIONS = ("TOP SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED", "UNCLASSIFIED")
DOCUMENT_TYPES = (
    "telegram", "memorandum", "letter", "minutes", "report", "cable", "note", "record of conversation",
    "speech", "diary", "directive", "resolution", "transcript", "airgram", "despatch", "dispatch",
)
CONTENT_LABEL = re.compile(
    r"(Original Scan|Transcript|Translation)(?:\s*-\s*([A-Z][a-z]+(?:\s\([^)]*\))?))?"
)
URL_AT_END = re.compile(r"\s*(https?://\S+)\s*$")
CONTAINER = re.compile(r"^(?:Container|Box)\s*#?\s*(.+)$", re.IGNORECASE)
FOLDER = re.compile(r"^Folder\s*#?\s*(.+)$", re.IGNORECASE)
US_STATE = re.compile(r"^[A-Z]{2}$")


class ArchivePageExportError(TextFileError):
    """The text reads, but not as an archive page export; `line` says where."""


@dataclass
class Citation:
    archive: str = ""
    container: str = ""
    folder: str = ""
    collection: str = ""
    repository: str = ""
    place: str = ""
    url: str = ""
    record_id: str = ""


class ArchivePageExportFormat:
    name = "archive page export"
    states_references = True  # "Reurtel", "reference your telegram of ..." (ingest/text_references.py)

    def accepts(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in {".txt", ".text", ""}

    def parse(self, path: Path) -> Iterator[ParsedRecord | Problem]:
        try:
            text, encoding = read_text(path)
            record, warnings = parse_export(text, fallback_id=path.stem)
        except TextFileError as exc:  # ArchivePageExportError included
            yield Problem(str(path), str(exc), line=exc.line)
            return
        if encoding != "utf-8":
            warnings.insert(0, f"not UTF-8: read as {encoding}")
        for warning in warnings:
            yield Problem(str(path), warning, fatal=False)
        yield record


FORMAT = ArchivePageExportFormat()


def _nonblank(lines: list[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        if lines[i].strip():
            return i
    return None


def parse_export(text: str, fallback_id: str = "") -> tuple[ParsedRecord, list[str]]:
    """Parse one exported page. Raises ArchivePageExportError (with a line number) when it cannot."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    warnings: list[str] = []
    label_at: dict[str, int] = {}
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped in LABELS and stripped not in label_at:
            label_at[stripped] = i
            if stripped == "Contents:":
                break
    if not label_at:
        raise ArchivePageExportError("not an archive page export: no 'Citation:', 'Summary:' or 'Contents:' label found")
    first_label = min(label_at.values())

    header = [i for i in range(first_label) if lines[i].strip()]
    if not header:
        raise ArchivePageExportError("missing date and title: expected them before the first label", line=first_label + 1)
    date_line = header[0]
    date_text = lines[date_line].strip()
    try:
        date_edtf = parse_display_date(date_text)
    except DateError as exc:
        if len(header) == 1:
            raise ArchivePageExportError(f"missing date: the first line should be the record's date, then the title "
                                  f"(found only {date_text[:60]!r})", line=date_line + 1) from None
        raise ArchivePageExportError(f"{exc} (expected e.g. 'February 2, 1944')", line=date_line + 1) from None
    if len(header) == 1:
        raise ArchivePageExportError("missing title: expected it after the date line", line=date_line + 2)
    title = " ".join(lines[i].strip() for i in header[1:])

    ordered = sorted(label_at.items(), key=lambda kv: kv[1])

    def field(label: str) -> str:
        if label not in label_at:
            return ""
        start = label_at[label] + 1
        later = [pos for _, pos in ordered if pos > label_at[label]]
        end = later[0] if later else len(lines)
        if label == "Contents:":
            first = _nonblank(lines, start)
            return lines[first].strip() if first is not None else ""
        return "\n".join(lines[start:end]).strip()

    citation_text = " ".join(field("Citation:").split())
    citation = parse_citation(citation_text, title, date_text)
    summary = " ".join(field("Summary:").split())

    languages: list[str] = []
    for name in re.split(r",|;|\band\b", field("Original Language:")):
        if not name.strip():
            continue
        code = language_code(name)
        if code is None:
            warnings.append(f"unknown original language {name.strip()!r}: not recorded")
        elif code not in languages:
            languages.append(code)

    contents_line = field("Contents:")
    items = parse_content_labels(contents_line, languages[0] if languages else "")
    if "Contents:" in label_at:
        first = _nonblank(lines, label_at["Contents:"] + 1)
        body_start = first + 1 if first is not None else len(lines)
    else:
        body_start = len(lines)
    body = "\n".join(lines[body_start:]).strip()
    if body and not items:
        warnings.append("the body has text but 'Contents:' lists no content item: kept as a transcript")
        items = [ContentItem(kind="transcript", language=languages[0] if languages else "")]

    texts, split_warning = split_body(body, items)
    if split_warning:
        warnings.append(split_warning)
    for item, part in zip(items, texts, strict=True):
        item.text = part

    classification, document_type = describe(title, [i.text for i in items if i.kind != "scan"])
    record_id = citation.record_id or fallback_id
    if not record_id:
        raise ArchivePageExportError("no record id: the citation has no record URL and the file has no name")
    repository = RepositoryRef(citation.repository, citation.place) if citation.repository else None
    collection = None
    if citation.collection:
        collection = CollectionRef(identifier=slugify_name(citation.collection), title=citation.collection,
                                   repository=repository)
    record = ParsedRecord(
        public_id=record_id,
        title=title,
        date_edtf=date_edtf,
        summary=summary,
        document_type=document_type,
        classification=classification,
        languages=languages,
        repository=repository,
        collection=collection,
        container=citation.container,
        folder=citation.folder,
        source_url=citation.url,
        contents=items,
        references=_text_references(items),
    )
    return record, warnings


def _text_references(items: list[ContentItem]) -> list[ReferenceItem]:
    """Telegrams the text refers to, by date and number (ingest/text_references.py); the clean transcript
    when there is one, since OCR noise garbles exactly these abbreviations."""
    texts = [i.text for i in items if i.kind != "scan"] or [i.text for i in items]
    found: list[ReferenceItem] = []
    for reference in (ref for text in texts for ref in find_references(text)):
        target = {"month": reference.month, "day": reference.day, "year": reference.year,
                  "numbers": list(reference.numbers)}
        item = ReferenceItem(kind=reference.kind, target=target, note=reference.phrase)
        if item not in found:
            found.append(item)
    return found


def parse_citation(text: str, title: str, date_text: str) -> Citation:
    """'"Title", Date, Archive, Container # 171, Collection, Division, Repository, Place URL'."""
    result = Citation()
    if not text:
        return result
    match = URL_AT_END.search(text)
    if match:
        result.url = match.group(1)
        text = text[: match.start()]
        id_match = re.search(r"/(?:document|record|item)s?/([\w.-]+)/?$", result.url) or re.search(r"/([\w.-]+)/?$", result.url)
        if id_match:
            result.record_id = id_match.group(1)
    quoted = f'"{title}"'
    rest = text[len(quoted):] if text.startswith(quoted) else re.sub(r'^"[^"]*"', "", text)
    rest = rest.strip().lstrip(",").strip()
    if rest.startswith(date_text):
        rest = rest[len(date_text):].lstrip(",").strip()
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    if not parts:
        return result
    result.archive = parts.pop(0)
    remaining: list[str] = []
    for part in parts:
        if (m := CONTAINER.match(part)) and not result.container:
            result.container = m.group(1).strip()
        elif (m := FOLDER.match(part)) and not result.folder:
            result.folder = m.group(1).strip()
        else:
            remaining.append(part)
    if remaining:
        result.collection = remaining.pop(0)
    if len(remaining) >= 2 and US_STATE.match(remaining[-1]):
        result.place = ", ".join(remaining[-2:])
        remaining = remaining[:-2]
    elif len(remaining) >= 2:
        result.place = remaining.pop()
    result.repository = ", ".join(remaining)
    return result


def parse_content_labels(line: str, default_language: str) -> list[ContentItem]:
    items: list[ContentItem] = []
    for match in CONTENT_LABEL.finditer(line):
        kind_word, language_word = match.group(1), match.group(2)
        kind = {"Original Scan": "scan", "Transcript": "transcript", "Translation": "translation"}[kind_word]
        code = language_code(language_word) if language_word else None
        language = code or default_language
        label = f"{kind_word} - {language_word}" if language_word else kind_word
        items.append(ContentItem(kind=kind, language=language, label=label))
    return items


# --- finding the boundaries between content items -------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
SIMILAR_ENOUGH = 55.0  # fuzz.ratio of two readings of the same text; unrelated English prose scores ~40


def _normal(paragraphs: list[str]) -> str:
    return " ".join(_WORD.findall(" ".join(paragraphs).lower()))


def _script(text: str) -> str:
    """The dominant writing system of a text: latin, cyrillic, cjk or other."""
    counts = {"latin": 0, "cyrillic": 0, "cjk": 0, "other": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if code < 0x250:
            counts["latin"] += 1
        elif 0x400 <= code < 0x530:
            counts["cyrillic"] += 1
        elif 0x2E80 <= code < 0xA000 or 0xAC00 <= code < 0xD7B0:
            counts["cjk"] += 1
        else:
            counts["other"] += 1
    return max(counts, key=lambda k: counts[k]) if any(counts.values()) else "none"


def _heading_score(paragraph: str) -> float:
    """How much a paragraph looks like the heading a clean transcript starts with ('TELEGRAM SECRET')."""
    text = paragraph.strip()
    if not text or len(text) > 80:
        return 0.0
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    upper = sum(c.isupper() for c in letters) / len(letters)
    words = text.upper().split()
    known = any(c in text.upper() for c in CLASSIFICATIONS) or any(w.lower() in DOCUMENT_TYPES for w in words)
    return (1.0 if upper > 0.9 else 0.0) + (1.0 if known else 0.0)


def split_body(body: str, items: list[ContentItem]) -> tuple[list[str], str | None]:
    """Split the body into one text per content item. Returns the texts and a warning when unsure."""
    if not items:
        return [], None
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    if len(items) == 1:
        return ["\n\n".join(paragraphs)], None
    if len(paragraphs) < len(items):
        return (["\n\n".join(paragraphs)] + [""] * (len(items) - 1),
                f"the body has {len(paragraphs)} paragraph(s) for {len(items)} content items: the rest are empty")
    cuts: list[int] = []
    warning = None
    start = 0
    for i in range(len(items) - 1):
        remaining_items = len(items) - i - 1
        cut, sure = _best_cut(paragraphs, start, len(paragraphs) - remaining_items, items[i], items[i + 1],
                              last=(remaining_items == 1))
        if not sure:
            warning = (f"could not find for certain where '{items[i + 1].label}' begins; "
                       f"split before paragraph {cut + 1}: check it")
        cuts.append(cut)
        start = cut
    bounds = [0, *cuts, len(paragraphs)]
    return ["\n\n".join(paragraphs[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)], warning


def _best_cut(paragraphs: list[str], start: int, stop: int, first: ContentItem, second: ContentItem,
              last: bool) -> tuple[int, bool]:
    """The paragraph index in (start, stop] where `second` begins, and whether we are sure of it."""
    candidates = range(start + 1, stop + 1)
    # 1. Two readings of the same text (OCR and transcript) align best when split at the boundary.
    same_language = not first.language or not second.language or first.language == second.language
    if same_language:
        scored = []
        for k in candidates:
            before = _normal(paragraphs[start:k])
            after_paras = paragraphs[k:] if last else paragraphs[k:k + (k - start)]
            scored.append((fuzz.ratio(before, _normal(after_paras)) + _heading_score(paragraphs[k]), k))
        best, cut = max(scored)
        if best >= SIMILAR_ENOUGH:
            return cut, True
    # 2. A translation in another writing system: the script changes at the boundary.
    scripts = [_script(p) for p in paragraphs]
    for k in candidates:
        if scripts[k] != scripts[k - 1] and scripts[k] != "none" and all(s == scripts[k] for s in scripts[k:stop + 1] if s != "none"):
            return k, True
    # 3. A heading such as "TELEGRAM SECRET" where a transcript starts.
    headed = [(k, _heading_score(paragraphs[k])) for k in candidates]
    best_heading = max(headed, key=lambda kv: (kv[1], -kv[0]))
    if best_heading[1] >= 2.0:
        return best_heading[0], True
    # 4. Otherwise the split that makes the two parts closest in length, flagged for checking.
    sizes = [len(p) for p in paragraphs]
    total = sum(sizes[start:stop + 1 if last else stop + 1])
    running, cut, best_gap = 0, start + 1, float("inf")
    for k in candidates:
        running = sum(sizes[start:k])
        gap = abs(running - (total - running))
        if gap < best_gap:
            best_gap, cut = gap, k
    return cut, False


def describe(title: str, texts: list[str]) -> tuple[str, str]:
    """Classification marking and document type from a transcript's heading, then the title."""
    classification = ""
    document_type = ""
    for text in texts:
        head = text.strip().split("\n", 1)[0] if text.strip() else ""
        if _heading_score(head) >= 1.0:
            upper = head.upper()
            for marking in CLASSIFICATIONS:
                if re.search(rf"\b{marking}\b", upper):
                    classification = marking
                    break
            for kind in DOCUMENT_TYPES:
                if re.search(rf"\b{kind.upper()}\b", upper):
                    document_type = kind
                    break
        if classification or document_type:
            break
    if not document_type:
        first_words = title.lower()
        for kind in DOCUMENT_TYPES:
            if re.match(rf"^(?:\w+\s+)?{kind}\b", first_words):
                document_type = kind
                break
    if document_type == "dispatch":
        document_type = "despatch"
    return classification, document_type


__all__ = ["FORMAT", "parse_export", "parse_citation", "split_body", "language_name"]
