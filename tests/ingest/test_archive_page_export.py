"""The archive-page export: the real seed record, and variants made here."""

from __future__ import annotations

import pytest

from readingroom.catalog.models import Record
from readingroom.ingest.archive_page_export import parse_citation, parse_export
from readingroom.ingest.runner import run_import
from readingroom.standards.citations import chicago
from tests.builders import SEED_SCAN, SEED_TRANSCRIPT, export_text, write_export
from tests.conftest import shared_path

SEED_FILE = ("seed", "000_a2e3b8521de4a562.txt")


def seed_citation_text() -> str:
    lines = shared_path(*SEED_FILE).read_text(encoding="utf-8").splitlines()
    return lines[lines.index("Citation:") + 2]


@pytest.mark.django_db
def test_real_seed_round_trip(settings):
    path = shared_path(*SEED_FILE)
    summary = run_import([str(path)])
    assert summary.ok and summary.counts["imported"] == 1

    record = Record.objects.get(public_id="209771")
    assert record.title == "Telegram re Stalin Harriman Conversation on Japanese Troops"
    assert record.date_edtf == "1944-02-02"
    assert record.languages == ["en"]
    assert record.container == "171"
    assert record.collection.title == "W. Averell Harriman Papers"
    assert record.repository.name == "Manuscript Division, Library of Congress"
    assert record.repository.place == "Washington, DC"
    assert record.classification == "SECRET"
    assert record.document_type == "telegram"

    scan, transcript = record.contents.all()
    assert (scan.kind, scan.language) == ("scan", "en")
    assert (transcript.kind, transcript.language, transcript.display_label) == ("transcript", "en", "Transcript - English")
    assert scan.text.startswith("L. C'42 LA L'IOUT") and scan.text.endswith("Stalin ersonally. F35/")
    assert "Ghantung peninsula" in scan.text and "TELEGRAM SECRET" not in scan.text
    assert transcript.text.startswith("TELEGRAM SECRET\n\nDuring a conversation with the Ambassador")
    assert transcript.text.endswith("FBS/")

    # The citation is generated, and equals the seed's text when this archive is the Wilson Center's, but
    # for the record's address, which ends in the slash of the page's own URL (the seed's form redirects).
    settings.READINGROOM_ARCHIVE_NAME = "Wilson Center Digital Archive"
    settings.READINGROOM_BASE_URL = "https://wilson-center-digital-archive.dvincitest.com"
    assert chicago(record) == seed_citation_text() + "/"


def test_parse_citation_parts():
    text = ('"A Title", February 2, 1944, Wilson Center Digital Archive, Container # 171, Folder 3, '
            "W. Averell Harriman Papers, Manuscript Division, Library of Congress, Washington, DC "
            "https://example.org/document/209771")
    c = parse_citation(text, "A Title", "February 2, 1944")
    assert (c.archive, c.container, c.folder) == ("Wilson Center Digital Archive", "171", "3")
    assert c.collection == "W. Averell Harriman Papers"
    assert (c.repository, c.place) == ("Manuscript Division, Library of Congress", "Washington, DC")
    assert (c.url, c.record_id) == ("https://example.org/document/209771", "209771")


def test_boundary_with_heading():
    record, warnings = parse_export(export_text())
    assert [c.text for c in record.contents] == [SEED_SCAN, SEED_TRANSCRIPT]
    assert warnings == []


def test_boundary_without_heading():
    transcript = SEED_TRANSCRIPT.replace("TELEGRAM SECRET\n\n", "").replace("\n\nFBS/", "")
    record, warnings = parse_export(export_text(body=f"{SEED_SCAN}\n\n{transcript}"))
    assert [c.text for c in record.contents] == [SEED_SCAN, transcript]
    assert record.classification == ""
    assert warnings == []


def test_boundary_when_transcript_starts_with_other_words():
    transcript = "Moscow, February 2, 1944.\n\n" + SEED_TRANSCRIPT.replace("TELEGRAM SECRET\n\n", "")
    record, _ = parse_export(export_text(body=f"{SEED_SCAN}\n\n{transcript}"))
    assert record.contents[1].text == transcript
    assert record.contents[0].text == SEED_SCAN


def test_boundary_when_scan_text_has_one_paragraph_more():
    scan = SEED_SCAN + "\n\nPage 2 of 2 // stamp: RECEIVED FEB 3 1944"
    record, _ = parse_export(export_text(body=f"{scan}\n\n{SEED_TRANSCRIPT}"))
    assert record.contents[0].text == scan
    assert record.contents[1].text == SEED_TRANSCRIPT


def test_single_content_item_takes_whole_body():
    record, warnings = parse_export(export_text(contents="Transcript - English", body=SEED_TRANSCRIPT))
    assert len(record.contents) == 1
    assert record.contents[0].kind == "transcript"
    assert record.contents[0].text == SEED_TRANSCRIPT
    assert warnings == []


def test_translation_in_another_script_is_split_where_script_changes():
    russian = ("СЕКРЕТНО\n\nВо время беседы с послом вчера вечером Сталин сообщил, что, по данным советской "
               "разведки, японцы, возможно, готовятся отойти с внешней линии обороны.")
    english = ("SECRET\n\nDuring a conversation with the Ambassador last evening Stalin said that, according to "
               "Soviet intelligence, the Japanese may be preparing to withdraw from their outer line of defense.")
    record, _ = parse_export(export_text(language="Russian", contents="Original Scan Translation - English",
                                         body=f"{russian}\n\n{english}"))
    assert [c.language for c in record.contents] == ["ru", "en"]
    assert record.contents[0].text == russian
    assert record.contents[1].text == english


def test_three_content_items():
    russian_scan = "Совершенно секретно\n\nСталин сообщил послу о японских войсках в Маньчжурии и на острове."
    russian = "СОВЕРШЕННО СЕКРЕТНО\n\nСталин сообщил послу о японских войсках в Маньчжурии и на островах."
    english = "TOP SECRET\n\nStalin told the Ambassador about Japanese troops in Manchuria and on the islands."
    record, _ = parse_export(export_text(
        language="Russian", contents="Original Scan Transcript - Russian Translation - English",
        body=f"{russian_scan}\n\n{russian}\n\n{english}"))
    assert [c.text for c in record.contents] == [russian_scan, russian, english]
    assert [c.kind for c in record.contents] == ["scan", "transcript", "translation"]


@pytest.mark.django_db
def test_import_is_idempotent_and_updates_changed_files(tmp_path):
    path = write_export(tmp_path, "one.txt")
    assert run_import([str(path)]).counts["imported"] == 1
    again = run_import([str(path)])
    assert again.counts["unchanged"] == 1 and again.counts["imported"] == 0
    assert Record.objects.count() == 1

    write_export(tmp_path, "one.txt", summary="A corrected summary.")
    changed = run_import([str(path)])
    assert changed.counts["updated"] == 1
    assert Record.objects.get().summary == "A corrected summary."
    assert Record.objects.get().contents.count() == 2


@pytest.mark.django_db
def test_folders_and_globs(tmp_path):
    (tmp_path / "box" / "sub").mkdir(parents=True)
    write_export(tmp_path / "box", "a.txt", record_id="1")
    write_export(tmp_path / "box" / "sub", "b.txt", record_id="2")
    write_export(tmp_path, "c.txt", record_id="3")
    summary = run_import([str(tmp_path / "box"), str(tmp_path / "c*.txt")])
    assert summary.counts["imported"] == 3
    assert set(Record.objects.values_list("public_id", flat=True)) == {"1", "2", "3"}
