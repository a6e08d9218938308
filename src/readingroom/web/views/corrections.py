"""Staff pages for correcting texts beside the scan, comparing and reverting versions, and a record's audit
list. Plain forms (no JavaScript needed); the domain rules live in catalog/corrections.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readingroom.catalog import corrections
from readingroom.catalog.field_names import is_coded, record_field_label, record_field_value
from readingroom.catalog.models import Correction, Record

ACTIONS = {"save": corrections.save_text, "review": corrections.review, "publish": corrections.publish}


def staff_only(view: Callable) -> Callable:
    """Anonymous readers go to the sign-in page (for any id, so nothing is confirmed); signed-in readers
    who are not staff get the same 404 as for a record that does not exist."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not request.user.is_staff:
            raise Http404("Not found")
        return view(request, *args, **kwargs)
    return wrapped


def _record(public_id: str) -> Record:
    try:
        return Record.objects.get(public_id=public_id)
    except Record.DoesNotExist:
        raise Http404(f"No record {public_id}") from None


def _revision(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return -1  # never a real revision: reported as a conflict, so the editor reloads


def gone(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "readingroom/corrections/gone.html", {"message": message}, status=404)


def edit_url(record: Record, key: str) -> str:
    return f"{reverse('correct', args=[record.public_id])}?text={key}"


@staff_only
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, public_id: str) -> HttpResponse:
    record = _record(public_id)
    texts = corrections.targets(record)
    try:
        post = request.POST if request.method == "POST" else None
    except RequestDataTooBig:
        return render(request, "readingroom/corrections/gone.html", status=413, context={
            "message": _("What you sent is too large to store (a text may have at most %(most)s characters). "
                         "Nothing was saved.") % {"most": f"{corrections.MAX_TEXT:,}"}})
    key = (post or request.GET).get("text") or next((t.key for t in texts if not t.page), texts[0].key if texts else "")
    t = next((t for t in texts if t.key == key), None)
    if texts and t is None:
        raise Http404("No such text in this record")
    context = {"record": record, "texts": texts, "target": t}
    if t is None:
        return render(request, "readingroom/corrections/edit.html", context)
    status = 200
    typed = None
    if post is not None:
        action = ACTIONS.get(post.get("action", ""))
        if action is None:
            raise Http404("Unknown action")
        comment = post.get("comment", "").strip()
        base = _revision(post.get("revision"))
        try:
            if action is corrections.save_text:
                typed = post.get("body", "")
                action(t, typed, base, request.user, comment)
            else:
                action(t, base, request.user, comment)
        except corrections.Conflict as conflict:
            status = 409
            context["conflict"] = conflict.current
            context["conflict_diff"] = corrections.diff(conflict.current.text, typed) if typed is not None else None
            context["error"] = str(conflict)
        except corrections.CorrectionError as error:
            status = 400
            context["error"] = str(error)
        else:
            done = {"save": _("Saved as a draft."), "review": _("Marked as reviewed."),
                    "publish": _("Published: readers now see this text.")}[post["action"]]
            messages.success(request, done)
            return redirect(edit_url(record, t.key))
    correction = t.correction()
    context.update({
        "correction": correction,
        "versions": list(reversed(corrections.versions(correction))) if correction else [],
        "working_text": typed if typed is not None else (correction.text if correction else t.public_text),
        # After a conflict the form carries the other editor's revision: saving again replaces theirs knowingly.
        "revision": correction.revision if correction else 0,
        "source_changed": bool(correction and correction.published and correction.source_text
                               and correction.source_text != correction.text and t.page is None),
        "scan_pages": [t.page] if t.page else [p for c in record.contents.all() for p in c.pages.all() if p.image],
        "comment": (post or {}).get("comment", ""),
        "max_text": corrections.MAX_TEXT,
        "max_comment": corrections.MAX_COMMENT,
    })
    return render(request, "readingroom/corrections/edit.html", context, status=status)


def _version_text(value: str | None) -> tuple[object, str]:
    """A version named on the diff page's URL: `123`, or `s123` for the source text an import brought."""
    value = value or ""
    use_source = value.startswith("s")
    try:
        row = corrections.version(int(value[1:] if use_source else value))
    except ValueError:
        raise corrections.Gone(_("Choose two versions to compare.")) from None
    return row, (row.source_text if use_source else row.text)


@staff_only
@require_GET
def diff(request: HttpRequest) -> HttpResponse:
    try:
        old, old_text = _version_text(request.GET.get("from"))
        new, new_text = _version_text(request.GET.get("to"))
    except corrections.Gone as error:
        return gone(request, str(error))
    if old.id != new.id:
        return gone(request, _("These two versions belong to different texts."))
    correction = Correction.objects.filter(pk=old.id).select_related("record", "content", "page").first()
    if correction is None:
        return gone(request, _("These versions belong to a record or text that has been deleted."))
    numbers = {v.history_id: v.number for v in corrections.versions(correction)}
    parts = corrections.diff(old_text, new_text)
    t = corrections.Target(correction.record, correction.content, correction.page)
    return render(request, "readingroom/corrections/diff.html", {
        "record": correction.record, "target": t,
        "old": old, "new": new, "old_number": numbers.get(old.history_id), "new_number": numbers.get(new.history_id),
        "old_is_source": request.GET.get("from", "").startswith("s"),
        "parts": parts, "same": all(op == "=" for op, _ in parts),
        "edit_url": edit_url(correction.record, t.key),
    })


@staff_only
@require_POST
def revert(request: HttpRequest, history_id: int) -> HttpResponse:
    try:
        correction = corrections.revert(history_id, _revision(request.POST.get("revision")), request.user,
                                        request.POST.get("comment", "").strip())
    except corrections.Gone as error:
        return gone(request, str(error))
    except corrections.CorrectionError as error:
        messages.error(request, str(error))
        row = corrections.version(history_id)
        record = Record.objects.get(pk=row.record_id)
        key = f"p{row.page_id}" if row.page_id else f"c{row.content_id}"
        return redirect(edit_url(record, key))
    messages.success(request, _("Reverted: the earlier text is now a new draft version."))
    t = corrections.Target(correction.record, correction.content, correction.page)
    return redirect(edit_url(correction.record, t.key))


@staff_only
@require_GET
def record_history(request: HttpRequest, public_id: str) -> HttpResponse:
    """The audit list: every version of the record's fields (who, when, what changed) and of its texts."""
    record = _record(public_id)
    rows = list(record.history.order_by("history_date", "history_id").select_related("history_user"))
    entries = []
    for previous, row in zip([None, *rows], rows, strict=False):
        changes = []
        if previous is not None and row.history_type == "~":
            delta = row.diff_against(previous, foreign_keys_are_objs=True)
            changes = [(record_field_label(c.field), record_field_value(c.field, c.old),
                        record_field_value(c.field, c.new), is_coded(c.field)) for c in delta.changes]
        entries.append({"row": row, "author": corrections.author(row), "changes": changes})
    texts = (Correction.history.filter(record_id=record.pk).select_related("history_user")
             .order_by("-history_date", "-history_id"))
    labels = {t.key: t.label for t in corrections.targets(record)}
    text_versions = [{"row": v, "author": corrections.author(v),
                      "key": (key := f"p{v.page_id}" if v.page_id else f"c{v.content_id}"),
                      "label": labels.get(key, _("a text since removed"))} for v in texts[:500]]
    return render(request, "readingroom/corrections/history.html", {
        "record": record, "entries": list(reversed(entries)), "text_versions": text_versions,
    })
