"""Corrections by staff: draft, review, publish; versions, diff, revert; conflicts; access; bad input.
Real database, real index (drained here), the Django test client signed in as a real staff user."""

from __future__ import annotations

import re

from django.test import Client

from readingroom.catalog import corrections
from readingroom.catalog.models import Content, Correction, Record
from readingroom.search import writer
from readingroom.search.engine import search as engine_search

EDIT = "/document/209771/edit/"
OLD = "The Ambassador inquired where the new line would run."
NEW = "The Ambassador wondered aloud whether Vladivostok would be held."


def transcript(archive) -> Content:
    return archive.seed.contents.get(kind="transcript")


def form_revision(html: str) -> int:
    return int(re.search(r'name="revision" value="(\d+)"', html).group(1))


def post(client: Client, key: str, action: str, revision: int, body: str | None = None, comment: str = ""):
    data = {"text": key, "action": action, "revision": str(revision), "comment": comment}
    if body is not None:
        data["body"] = body
    return client.post(EDIT, data)


def correct(client: Client, content: Content, body: str, comment: str = "") -> None:
    """Save, review and publish, each from the revision the page shows, as an editor would."""
    key = f"c{content.pk}"
    for action, text in (("save", body), ("review", None), ("publish", None)):
        revision = form_revision(client.get(EDIT, {"text": key}).content.decode())
        response = post(client, key, action, revision, text, comment)
        assert response.status_code == 302, response.content.decode()[:3000]


def search_ids(client: Client, q: str) -> list[str]:
    return [r["id"] for r in client.get("/search.json", {"q": q}).json()["results"]]


def test_a_draft_stays_with_staff_until_published_then_pages_twins_and_search_follow(archive, editor, client):
    writer.drain()
    content = transcript(archive)
    key = f"c{content.pk}"
    page = editor.get(EDIT, {"text": key})
    assert page.status_code == 200
    html = page.content.decode()
    assert "/iiif/image/" in html and "default.jpg" in html  # the scan beside the text
    assert OLD in html and form_revision(html) == 0

    response = post(editor, key, "save", 0, content.text.replace(OLD, NEW), "Vladivostok, per the original")
    assert response.status_code == 302
    staff_view = editor.get(EDIT, {"text": key}).content.decode()
    assert NEW in staff_view and "Draft" in staff_view and "Vladivostok, per the original" in staff_view

    # The draft is nowhere public: page, twin, search (after the writer ran).
    writer.drain()
    assert OLD in client.get("/document/209771/").content.decode()
    assert "Vladivostok" not in client.get("/document/209771/").content.decode()
    assert "Vladivostok" not in client.get("/document/209771.json").content.decode()
    assert search_ids(client, "Vladivostok") == []
    assert "Corrected" not in client.get("/document/209771/").content.decode()

    # Publishing without review is refused with a message; then reviewed, then published.
    revision = form_revision(staff_view)
    refused = post(editor, key, "publish", revision)
    assert refused.status_code == 400 and "mark it as reviewed first" in refused.content.decode()
    assert post(editor, key, "review", revision).status_code == 302
    revision = form_revision(editor.get(EDIT, {"text": key}).content.decode())
    assert post(editor, key, "publish", revision).status_code == 302

    public = client.get("/document/209771/").content.decode()
    assert "Vladivostok" in public and "inquired where" not in public
    assert re.search(r"Corrected <time[^>]*>[A-Z][a-z]+ \d{1,2}, \d{4}</time>", public)
    twin = client.get("/document/209771.json").json()
    text = next(c for c in twin["contents"] if c["kind"] == "transcript")
    assert NEW in text["text"] and text["corrected"]
    writer.drain()
    assert search_ids(client, "Vladivostok") == ["209771"]
    # The transcript no longer says it: no exact match. The scans' OCR text, read from the unchanged pages,
    # says "Ambassador", so the phrase may still match approximately (with one word missing), ranked low.
    assert "209771" not in [h.public_id for h in engine_search('"Ambassador inquired"', fuzzy=False).hits]

    # Day two: a new draft on top of the published text leaves the public text as published.
    revision = form_revision(editor.get(EDIT, {"text": key}).content.decode())
    assert post(editor, key, "save", revision, "Something else entirely.").status_code == 302
    writer.drain()
    assert "Something else entirely" not in client.get("/document/209771/").content.decode()
    assert search_ids(client, "Vladivostok") == ["209771"]


def test_ocr_text_is_corrected_page_by_page(archive, editor, client):
    key = f"p{archive.page.pk}"
    html = editor.get(EDIT, {"text": key}).content.decode()
    assert f"/iiif/image/{archive.page.pk}/full/" in html
    corrected = archive.page.text.replace("Indonesia.", "Indochina.")
    for action, body in (("save", corrected), ("review", None), ("publish", None)):
        revision = form_revision(editor.get(EDIT, {"text": key}).content.decode())
        assert post(editor, key, action, revision, body).status_code == 302
    archive.page.refresh_from_db()
    scan = archive.seed.contents.get(kind="scan")
    assert "Indochina." in archive.page.text and "Indochina." in scan.text and scan.corrected
    public = client.get("/document/209771/").content.decode()
    assert "Indochina." in public


def test_diff_between_any_two_versions_is_escaped_and_revert_makes_a_new_version(archive, editor, client):
    content = transcript(archive)
    t = corrections.Target(archive.seed, content)
    staff = editor.get("/").wsgi_request.user
    corrections.save_text(t, content.text.replace(OLD, NEW), 0, staff, "first")
    corrections.save_text(t, content.text.replace(OLD, "<script>alert('x')</script> & more"), 2, staff, "second")
    rows = corrections.versions(t.correction())
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[0].history_change_reason.startswith("The text as imported")

    page = editor.get("/corrections/diff/", {"from": rows[1].history_id, "to": rows[2].history_id})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html
    assert re.search(r"<del>[^<]*Vladivostok[^<]*</del>", html)
    assert re.search(r"<ins>[^<]*&lt;script&gt;", html)
    # Any two versions: the first against the last, backwards too.
    assert editor.get("/corrections/diff/", {"from": rows[2].history_id, "to": rows[0].history_id}).status_code == 200

    response = editor.post(f"/corrections/revert/{rows[0].history_id}/", {"revision": "3"})
    assert response.status_code == 302
    correction = t.correction()
    assert correction.text == content.text and correction.state == Correction.State.DRAFT
    latest = corrections.versions(correction)[-1]
    assert latest.number == 4 and latest.history_change_reason == "Reverted to version 1"
    assert latest.history_user.username == "editor"
    # A revert is a draft like any other: the public text did not move.
    assert OLD in client.get("/document/209771/").content.decode()


def test_the_second_editor_to_save_is_told_and_keeps_their_text(archive, editor, django_user_model):
    django_user_model.objects.create_user("second", "s@example.org", "another-long-password", is_staff=True)
    other = Client()
    assert other.login(username="second", password="another-long-password")
    content = transcript(archive)
    key = f"c{content.pk}"
    mine = form_revision(editor.get(EDIT, {"text": key}).content.decode())
    theirs = form_revision(other.get(EDIT, {"text": key}).content.decode())
    assert mine == theirs == 0
    assert post(editor, key, "save", mine, content.text.replace(OLD, NEW)).status_code == 302

    late = content.text.replace(OLD, "The Ambassador asked about Port Arthur.")
    response = post(other, key, "save", theirs, late, "my comment")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this text" in html
    assert "The Ambassador asked about Port Arthur." in html  # their text, kept in the form
    assert "Vladivostok" in html  # and what the first editor saved, to compare
    assert 'value="my comment"' in html
    assert t_text(content) == content.text.replace(OLD, NEW)  # nothing overwritten
    # Saving again from the form (now carrying the current revision) replaces it knowingly.
    assert post(other, key, "save", form_revision(html), late).status_code == 302
    assert t_text(content) == late
    # A stale review or publish is a conflict too.
    assert post(editor, key, "review", 2).status_code == 409


def t_text(content: Content) -> str:
    return Correction.objects.get(content=content, page__isnull=True).text


def test_reverting_or_comparing_versions_of_a_deleted_record_says_so(archive, editor):
    content = transcript(archive)
    staff = editor.get("/").wsgi_request.user
    correction = corrections.save_text(corrections.Target(archive.seed, content), "Short.", 0, staff)
    first, second = (r.history_id for r in corrections.versions(correction))
    Record.objects.filter(pk=archive.seed.pk).delete()
    response = editor.post(f"/corrections/revert/{first}/", {"revision": "2"})
    assert response.status_code == 404
    assert "deleted" in response.content.decode()
    response = editor.get("/corrections/diff/", {"from": first, "to": second})
    assert response.status_code == 404 and "deleted" in response.content.decode()
    assert editor.post("/corrections/revert/999999/", {"revision": "1"}).status_code == 404
    assert editor.get("/corrections/diff/", {"from": "x", "to": ""}).status_code == 404


def test_absurdly_long_text_or_comment_is_refused_and_nothing_is_saved(archive, editor):
    content = transcript(archive)
    key = f"c{content.pk}"
    response = post(editor, key, "save", 0, "x" * (corrections.MAX_TEXT + 1))
    assert response.status_code == 400 and "The text is too long" in response.content.decode()
    response = post(editor, key, "save", 0, "fine", "c" * (corrections.MAX_COMMENT + 1))
    assert response.status_code == 400 and "The comment is too long" in response.content.decode()
    assert not Correction.objects.exists()
    response = post(editor, key, "save", 0, content.text)
    assert response.status_code == 400 and "nothing to save" in response.content.decode()
    assert not Correction.objects.exists()


def test_staff_pages_are_hidden_from_the_public(archive, client, django_user_model):
    for path in ("/document/restricted-1/edit/", "/document/no-such-record/edit/", "/document/209771/history/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=/document/")
    django_user_model.objects.create_user("reader", "r@example.org", "a-long-password")
    reader = Client()
    assert reader.login(username="reader", password="a-long-password")
    for path in ("/document/restricted-1/edit/", "/document/209771/edit/", "/document/restricted-1/history/",
                 "/corrections/diff/"):
        assert reader.get(path).status_code == 404, path
    assert "Correct the text" not in client.get("/document/209771/").content.decode()


def test_restricted_records_can_be_corrected_by_staff(archive, editor):
    assert editor.get("/document/restricted-1/edit/").status_code == 200
    assert "Correct the text" in editor.get("/document/restricted-1/").content.decode()
