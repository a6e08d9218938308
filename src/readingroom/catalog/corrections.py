"""Corrections of texts by staff: versions, review (draft -> reviewed -> published), revert, conflicts.

A text is a transcript or translation (Content.text) or one scan page's OCR text (Page.text). Staff work
on a Correction; the public text changes only on publish, so a draft never reaches the public or the
index. Versions are django-simple-history rows of the Correction: author, time, comment (the change
reason), state and text. The first correction of a text also records the text it started from, so staff
can compare with and revert to what was imported or read by OCR."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import addresses
from .models import Content, Correction, Page, Record
from .page_text import joined_page_text
from .signals import announce

# Far beyond any document's text (a long FRUS document is ~100,000 characters), and below Django's 2.5 MB
# request limit even for non-Latin text.
MAX_TEXT = 500_000
MAX_COMMENT = 500
IMPORT_AUTHOR = "import"


class CorrectionError(Exception):
    """Bad input or a state that forbids the action: the message is for the editor."""


class Conflict(CorrectionError):
    """Someone saved this text since the editor opened it."""

    def __init__(self, current: Correction) -> None:
        self.current = current
        super().__init__(_("Someone else saved this text (version %(version)s) after you opened it. "
                           "Your text is kept below: compare it with theirs, then save again to replace theirs.")
                         % {"version": current.revision})


class Gone(CorrectionError):
    """The version belongs to a record or text that was deleted."""


@dataclass(frozen=True)
class Target:
    """One correctable text of a record."""

    record: Record
    content: Content
    page: Page | None = None

    @property
    def key(self) -> str:
        return f"p{self.page.pk}" if self.page else f"c{self.content.pk}"

    @property
    def label(self) -> str:
        if self.page:
            return _("%(text)s, page %(number)s (OCR text)") % {"text": self.content.display_label,
                                                                 "number": self.page.position + 1}
        return self.content.display_label

    @property
    def public_text(self) -> str:
        return self.page.text if self.page else self.content.text

    def correction(self) -> Correction | None:
        if self.page:
            return Correction.objects.filter(page=self.page).first()
        return Correction.objects.filter(content=self.content, page__isnull=True).first()


def targets(record: Record) -> list[Target]:
    """The record's texts in reading order: each scan page, each transcript and translation."""
    found: list[Target] = []
    for content in record.contents.order_by("position", "pk"):
        if content.kind == Content.Kind.SCAN:
            found.extend(Target(record, content, page) for page in content.pages.order_by("position"))
        else:
            found.append(Target(record, content))
    return found


def target(record: Record, key: str) -> Target | None:
    return next((t for t in targets(record) if t.key == key), None)


def _check(text: str, comment: str) -> None:
    if len(text) > MAX_TEXT:
        raise CorrectionError(_("The text is too long (%(length)s characters; at most %(most)s).")
                              % {"length": f"{len(text):,}", "most": f"{MAX_TEXT:,}"})
    if len(comment) > MAX_COMMENT:
        raise CorrectionError(_("The comment is too long (%(length)s characters; at most %(most)s).")
                              % {"length": f"{len(comment):,}", "most": MAX_COMMENT})


def _save(correction: Correction, user, reason: str) -> Correction:
    correction.revision += 1
    correction._history_user = user if user is not None and user.is_authenticated else None
    correction._change_reason = reason
    correction.save()
    return correction


def _locked(t: Target, base_revision: int) -> Correction | None:
    """The text's correction, locked for this transaction, after checking nobody saved since base_revision."""
    query = Correction.objects.select_for_update().order_by("pk")  # the default order joins the nullable page
    current = (query.filter(page=t.page) if t.page else query.filter(content=t.content, page__isnull=True)).first()
    if current is None and base_revision:
        raise CorrectionError(_("This text's versions are gone (its content was replaced); open it again."))
    if current is not None and current.revision != base_revision:
        raise Conflict(current)
    return current


def _start(t: Target, original: str | None = None) -> Correction:
    """A text's first correction begins with a version holding the text as it was, so it can be restored."""
    origin = "read by OCR" if t.page else "imported"
    original = t.public_text if original is None else original
    correction = Correction(record=t.record, content=t.content, page=t.page, text=original,
                            source_text=original, state=Correction.State.PUBLISHED)
    return _save(correction, None, f"The text as {origin}, before any correction")


def save_text(t: Target, text: str, base_revision: int, user, comment: str = "") -> Correction:
    """A new draft version of the text. Raises Conflict when someone saved since base_revision."""
    text = text.replace("\r\n", "\n")
    _check(text, comment)
    try:
        with transaction.atomic():
            correction = _locked(t, base_revision) or _start(t)
            if text == correction.text:
                raise CorrectionError(_("The text is unchanged: there is nothing to save."))
            correction.text = text
            correction.state = Correction.State.DRAFT
            return _save(correction, user, comment or "Corrected")
    except IntegrityError:  # two first corrections of the same text at once: the other one won
        raise Conflict(t.correction()) from None


def review(t: Target, base_revision: int, user, comment: str = "") -> Correction:
    _check("", comment)
    with transaction.atomic():
        correction = _locked(t, base_revision)
        if correction is None or correction.state != Correction.State.DRAFT:
            raise CorrectionError(_("Only a draft can be marked as reviewed."))
        correction.state = Correction.State.REVIEWED
        return _save(correction, user, comment or "Reviewed")


def publish(t: Target, base_revision: int, user, comment: str = "") -> Correction:
    """Make the reviewed text the public one: pages, twins, citations and (through the content's save
    and records_changed) the search index follow."""
    _check("", comment)
    with transaction.atomic():
        correction = _locked(t, base_revision)
        if correction is None or correction.state != Correction.State.REVIEWED:
            raise CorrectionError(_("Only a reviewed text can be published: mark it as reviewed first."))
        now = timezone.now()
        content = Content.objects.select_for_update().get(pk=t.content.pk)
        if t.page:
            Page.objects.filter(pk=t.page.pk).update(text=correction.text)
            content.text = joined_page_text(content)
        else:
            # The importer's markup shows the imported text; the plain corrected text replaces it.
            content.text, content.markup = correction.text, ""
        content.corrected = now
        content.save(update_fields=["text", "markup", "corrected"])
        correction.state, correction.published = Correction.State.PUBLISHED, now
        return _save(correction, user, comment or "Published")


def note_direct_edit(content: Content, previous: str, user) -> None:
    """A text changed outside the editing page (the admin's text field) is public at once: keep it in the
    text's versions, with its author, so the history stays whole and the page says "Corrected"."""
    if content.kind == Content.Kind.SCAN or content.text == previous:
        return  # a scan's text is its pages': corrected page by page on the editing page
    with transaction.atomic():
        t = Target(content.record, content)
        correction = t.correction() or _start(t, previous)
        now = timezone.now()
        correction.text, correction.state, correction.published = content.text, Correction.State.PUBLISHED, now
        _save(correction, user, "Edited in the admin (published at once)")
        Content.objects.filter(pk=content.pk).update(corrected=now)
        announce([content.record_id])  # no save: the page's "Corrected" date would wait for the next change


def version(history_id: int):
    """One saved version (a history row), or Gone."""
    row = Correction.history.filter(history_id=history_id).first()
    if row is None:
        raise Gone(_("There is no such version."))
    return row


def versions(correction: Correction) -> list:
    """Oldest first, each with its number (1 = the text before any correction)."""
    rows = list(correction.history.order_by("history_date", "history_id").select_related("history_user"))
    for number, row in enumerate(rows, start=1):
        row.number, row.author = number, author(row)
    return rows


def revert(history_id: int, base_revision: int, user, comment: str = "") -> Correction:
    """A new draft version holding an earlier version's text."""
    old = version(history_id)
    correction = Correction.objects.filter(pk=old.id).select_related("record", "content", "page").first()
    if correction is None or not Record.objects.filter(pk=old.record_id).exists():
        raise Gone(_("This version belongs to a record or text that has been deleted: there is nothing to revert."))
    number = next(v.number for v in versions(correction) if v.history_id == old.history_id)
    t = Target(correction.record, correction.content, correction.page)
    return save_text(t, old.text, base_revision, user, comment or f"Reverted to version {number}")


def author(row) -> str:
    """Who made a version: a staff member, the import, or the system (e.g. a shell session)."""
    if row.history_user is not None:
        return row.history_user.get_username()
    return IMPORT_AUTHOR if (row.history_change_reason or "").startswith("import") else "system"


def on_import(content: Content, incoming: str, source: str) -> tuple[bool, str | None]:
    """What a re-import does to a text staff corrected: (keep the stored text?, warning for the summary).

    A published staff correction is kept; if the source's text changed underneath it, the import's text
    is recorded as a version (author: the import) and the summary says so, for staff to compare."""
    correction = Correction.objects.filter(content=content, page__isnull=True).first()
    if correction is None:
        return False, None
    keep = correction.published is not None
    if incoming == correction.source_text:
        return keep, None
    correction.source_text = incoming
    what = "the published staff correction was kept" if keep else "the staff draft was based on the old text"
    _save(correction, None, f"import of {source}: the source's text changed; {what}")
    warning = (f"record {content.record.public_id}: {content.display_label}: the source's text changed; {what} "
               f"(compare them at {addresses.correct(content.record.public_id)})")
    return keep, warning


# -- differences between two texts: line by line, then word by word inside changed lines

TOKEN = re.compile(r"\s+|[^\s]+")


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "=", "-" or "+": the text as it was, what went, what came."""
    out: list[tuple[str, str]] = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(old_lines[a1:a2])))
        elif op == "replace" and (a2 - a1) * (b2 - b1) <= 400:  # a few lines: show which words changed
            out.extend(_word_diff("".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])))
        else:
            out.extend((o, "".join(lines)) for o, lines in (("-", old_lines[a1:a2]), ("+", new_lines[b1:b2]))
                       if lines)
    return _merge(out)


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Changed words, with a changed run of words shown as one removal and one addition (the spaces between
    changed words belong to the run, so "a b" -> "c d" reads as a phrase replaced, not word by word)."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    gone, came = "", ""
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1 and "".join(a[a1:a2]).isspace()
        if op == "equal" and not between:
            out.extend(p for p in (("-", gone), ("+", came)) if p[1])
            gone, came = "", ""
            out.append(("=", "".join(a[a1:a2])))
        else:
            gone += "".join(a[a1:a2])
            came += "".join(b[b1:b2])
    out.extend(p for p in (("-", gone), ("+", came)) if p[1])
    return out


def _merge(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for op, text in parts:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged
