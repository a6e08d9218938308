"""Versions of records and corrected texts across the admin and re-imports (real database, real importer)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client

from readingroom.catalog import corrections
from readingroom.catalog.models import Content, Correction, Record
from readingroom.ingest.runner import run_import
from tests.ingest.frus_fixtures import big_volume, write

SAMPLE = Path(__file__).resolve().parents[2] / "src/readingroom/sample_data/records/wilson-center-209771.txt"
SENTENCE = "The Ambassador inquired where the new line would run."


@pytest.fixture
def staff(db, django_user_model):
    user = django_user_model.objects.create_superuser("cataloguer", "c@example.org", "a-long-password")
    client = Client()
    assert client.login(username="cataloguer", password="a-long-password")
    return user, client


def imported(tmp_path: Path) -> tuple[Path, Record]:
    path = tmp_path / "209771.txt"
    shutil.copy(SAMPLE, path)
    assert run_import([str(path)]).counts["imported"] == 1
    return path, Record.objects.get(public_id="209771")


def publish(t: corrections.Target, text: str, user) -> Correction:
    correction = corrections.save_text(t, text, t.correction().revision if t.correction() else 0, user, "fix")
    corrections.review(t, correction.revision, user)
    return corrections.publish(t, correction.revision + 1, user)


def admin_change(client: Client, record: Record, **overrides: str):
    """The record's admin change form as a browser posts it, with some fields changed."""
    data = {
        "public_id": record.public_id, "title": record.title, "date_edtf": record.date_edtf, "summary": record.summary,
        "document_type": record.document_type, "classification": record.classification,
        "languages": ", ".join(record.languages), "place_of_writing": "", "signed_by": "", "repository": "",
        "collection": "", "container": record.container, "folder": "", "source_reference": "",
        "source_url": record.source_url, "position": "0", "rights": "", "access_level": record.access_level,
        "embargo_until": "", "contents-TOTAL_FORMS": "0", "contents-INITIAL_FORMS": "0",
        "authority_links-TOTAL_FORMS": "0", "authority_links-INITIAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0", "relations_out-INITIAL_FORMS": "0",
        "relations_in-TOTAL_FORMS": "0", "relations_in-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return client.post(f"/admin/catalog/record/{record.pk}/change/", data)


def test_audit_list_shows_an_admin_title_edit_with_its_author(staff, tmp_path):
    user, client = staff
    _path, record = imported(tmp_path)
    response = admin_change(client, record, title="Telegram on Japanese troop movements", access_level="staff")
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get("/document/209771/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cataloguer" in html
    # Record data as catalogued (marked so, for translation tools); a coded value by its label.
    assert '<del translate="no">Telegram re Stalin Harriman Conversation on Japanese Troops</del>' in html
    assert '<ins translate="no">Telegram on Japanese troop movements</ins>' in html
    assert "Access level" in html and "<del>Public</del> → <ins>Staff only</ins>" in html
    latest = record.history.latest()
    assert latest.history_user == user and latest.history_type == "~"
    # The record is staff-only now: the public still gets nothing, and the audit page is staff-only.
    assert Client().get("/document/209771/").status_code == 404


@pytest.mark.django_db
def test_bulk_imports_leave_no_history_rows(tmp_path):
    path = write(tmp_path / "frus1944Big.xml", big_volume(20))
    summary = run_import([str(path)])
    assert summary.counts["imported"] == 20
    assert Record.history.count() == 0 and Correction.history.count() == 0


@pytest.mark.django_db
def test_a_re_import_keeps_a_published_correction_and_says_so_when_the_source_changed(staff, tmp_path):
    user, _client = staff
    path, record = imported(tmp_path)
    content = record.contents.get(kind=Content.Kind.TRANSCRIPT)
    t = corrections.Target(record, content)
    corrected = content.text.replace(SENTENCE, "The Ambassador asked where the new line of defence would run.")
    publish(t, corrected, user)

    # The file changes elsewhere (the summary): the correction stays, nothing to warn about.
    path.write_text(path.read_text(encoding="utf-8").replace("troop movements.", "troop movements in 1944."),
                    encoding="utf-8")
    summary = run_import([str(path)])
    assert summary.counts["updated"] == 1 and summary.problems == []
    content.refresh_from_db()
    assert content.text == corrected and content.corrected is not None
    assert Record.objects.get(pk=record.pk).summary.endswith("in 1944.")
    assert record.history.latest().history_change_reason == f"import of {path}"
    assert corrections.author(record.history.latest()) == "import"

    # The source's own text changes: the staff text is kept, the import's text is a version, a warning says so.
    path.write_text(path.read_text(encoding="utf-8").replace(SENTENCE, "The Ambassador then inquired."),
                    encoding="utf-8")
    summary = run_import([str(path)])
    assert summary.ok and summary.counts["updated"] == 1
    assert len(summary.problems) == 1 and not summary.problems[0].fatal
    assert "the source's text changed; the published staff correction was kept" in str(summary.problems[0])
    assert "1 warnings" in summary.line()
    content.refresh_from_db()
    assert content.text == corrected
    correction = t.correction()
    latest = corrections.versions(correction)[-1]
    assert corrections.author(latest) == "import" and "The Ambassador then inquired." in latest.source_text
    assert latest.text == corrected
    # Running it again is quiet: the record is unchanged.
    assert run_import([str(path)]).counts["unchanged"] == 1


@pytest.mark.django_db
def test_a_re_import_under_an_unpublished_draft_updates_the_public_text_and_warns(staff, tmp_path):
    user, _client = staff
    path, record = imported(tmp_path)
    content = record.contents.get(kind=Content.Kind.TRANSCRIPT)
    t = corrections.Target(record, content)
    corrections.save_text(t, content.text.replace(SENTENCE, "A draft sentence."), 0, user)
    path.write_text(path.read_text(encoding="utf-8").replace(SENTENCE, "The Ambassador then inquired."),
                    encoding="utf-8")
    summary = run_import([str(path)])
    assert "the staff draft was based on the old text" in str(summary.problems[0])
    content.refresh_from_db()
    assert "The Ambassador then inquired." in content.text and content.corrected is None
    assert "A draft sentence." in t.correction().text


def test_a_text_changed_in_the_admin_is_a_version_with_its_author(staff, tmp_path):
    user, client = staff
    _path, record = imported(tmp_path)
    contents = list(record.contents.order_by("position"))
    transcript = next(c for c in contents if c.kind == Content.Kind.TRANSCRIPT)
    before = transcript.text
    data = {"contents-TOTAL_FORMS": str(len(contents)), "contents-INITIAL_FORMS": str(len(contents))}
    for n, c in enumerate(contents):
        data.update({f"contents-{n}-id": str(c.pk), f"contents-{n}-record": str(record.pk),
                     f"contents-{n}-position": str(c.position), f"contents-{n}-kind": c.kind,
                     f"contents-{n}-language": c.language, f"contents-{n}-label": c.label,
                     f"contents-{n}-text": c.text.replace(SENTENCE, "Edited in the admin.") if c == transcript
                     else c.text})
    response = admin_change(client, record, **data)
    assert response.status_code == 302, response.content.decode()[:3000]
    transcript.refresh_from_db()
    assert "Edited in the admin." in transcript.text and transcript.corrected is not None
    rows = corrections.versions(corrections.Target(record, transcript).correction())
    assert [r.text for r in rows] == [before, transcript.text]
    assert rows[-1].history_user == user and rows[-1].history_change_reason.startswith("Edited in the admin")
    assert "Corrected" in Client().get("/document/209771/").content.decode()
    # The scan's text was not touched, so it has no correction.
    assert Correction.objects.count() == 1
