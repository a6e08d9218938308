"""The patterns of ingest/text_references.py on real sentences (FRUS, the seed telegram, OCR'd newspapers in
../shared), and the seed-format importer linking a reply to the telegram it answers by date and number."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from readingroom.catalog.models import Authority, Content, Record, RecordAuthority
from readingroom.catalog.relations import Relation
from readingroom.ingest.frus_tei import FORMAT
from readingroom.ingest.records import ParsedRecord, ReferenceItem
from readingroom.ingest.relations import link_references
from readingroom.ingest.runner import run_import
from readingroom.ingest.text_references import find_references
from tests.builders import SEED_TRANSCRIPT, write_export

from ..conftest import shared_path


def test_the_reply_in_frus_1944_quebec_d121():
    volume = shared_path("frus", "frus1944Quebec-excerpt-d116-d121.xml")
    d121 = next(r for r in FORMAT.parse(volume) if getattr(r, "public_id", "") == "frus1944Quebec/d121")
    text = d121.contents[0].text
    assert "Replying to your 779, 780 and 781, I am informed" in text  # the transcript, notes taken out
    [found] = find_references(text)
    assert (found.kind, found.numbers, found.month) == ("replies_to", ("779", "780", "781"), None)
    # Roosevelt's telegram "Number 619" states no date: by date it cannot be resolved (FRUS links it by its notes).
    assert found.date(dt.date(1944, 9, 5)) is None


def test_sentences_that_are_not_references():
    seed = shared_path("seed", "000_a2e3b8521de4a562.txt").read_text(encoding="utf-8")
    assert find_references(seed) == []  # "Stalin replied that...": a reply in the story, not to a telegram
    monograph = shared_path("ocr-noise", "icdar2017", "eng_monograph", "81.txt").read_text(encoding="utf-8")
    [sentence] = set(re.findall(r"Another note of mine, in reply to a critic of [^,]+, runs thus", monograph)[-1:])
    assert find_references(sentence) == []
    assert find_references(monograph) == []
    # FRUS d119's "Number 779" and d120's "telegram sent to Moscow this evening" name no telegram of the reader's.
    assert find_references("Prime Minister to President Roosevelt. Personal and top secret. Number 779.") == []
    assert find_references("Following is text of telegram sent to Moscow this evening mentioned in my "
                           "immediately preceding telegram") == []


@pytest.mark.parametrize("sentence, kind, numbers, month, day, year", [
    # The forms State Department telegrams of the 1940s use.
    ("Reurtel 123, March 5. Department concurs.", "replies_to", ("123",), 3, 5, None),
    ("Reference your telegram of February 2, 1944 regarding Japanese troop movements.", "replies_to", (), 2, 2, 1944),
    ("Your telegram No. 123 of March 5 has been repeated to London.", "mentions", ("123",), 3, 5, None),
    ("In reply to your telegram of 5th March 1944 the Ambassador states", "replies_to", (), 3, 5, 1944),
    ("URTEL 45 Feb 3 not received here.", "mentions", ("45",), 2, 3, None),
])
def test_telegraphese(sentence, kind, numbers, month, day, year):
    [found] = find_references(sentence)
    assert (found.kind, found.numbers, found.month, found.day, found.year) == (kind, numbers, month, day, year)


def test_a_date_without_year_is_the_latest_before_the_writing():
    [found] = find_references("Reurtel March 5.")
    assert found.date(dt.date(1944, 3, 9)) == dt.date(1944, 3, 5)
    assert found.date(dt.date(1945, 1, 9)) == dt.date(1944, 3, 5)  # a January reply to a March telegram
    assert found.date(None) is None


def _reply(folder, name="reply.txt", record_id="300001", text="Reference your telegram of February 2, 1944.",
           date="February 4, 1944"):
    body = f"TELEGRAM SECRET\n\n{text} The Department has no information confirming the reports.\n\nHULL"
    return write_export(folder, name, record_id=record_id, date=date, title="Telegram re Japanese Troops, reply",
                        contents="Transcript - English", body=body)


def test_a_seed_export_reply_is_linked_to_the_one_telegram_of_that_day(db, tmp_path):
    shelf = tmp_path / "exports"
    shelf.mkdir()
    write_export(shelf, "209771.txt")  # the seed telegram of February 2, 1944
    _reply(shelf)
    summary = run_import([str(shelf)])
    assert summary.ok and summary.counts["linked"] == 1, summary.problems
    relation = Relation.objects.get()
    assert (relation.source.public_id, relation.kind, relation.target.public_id, relation.origin) == (
        "300001", "replies_to", "209771", "text")
    assert relation.note == "Reference your telegram of February 2, 1944"
    assert "References to other records: 1 linked" in summary.references_line()

    # Day two: a second telegram of that day makes the reference ambiguous, so the re-import states nothing
    # and says so; the staff's own relation between the two stays.
    write_export(shelf, "209772.txt", record_id="209772", title="Another telegram of that day")
    Relation.objects.create(source=Record.objects.get(public_id="300001"),
                            target=Record.objects.get(public_id="209771"), kind=Relation.Kind.MENTIONS)
    again = run_import([str(shelf)])
    assert again.counts["unresolved"] == 1 and again.counts["linked"] == 0
    assert "1 not linked (no single record matches)" in again.references_line()
    assert list(Relation.objects.values_list("kind", "origin")) == [("mentions", "staff")]


def test_a_reference_by_number_picks_the_telegram_that_bears_it(db, tmp_path):
    shelf = tmp_path / "exports"
    shelf.mkdir()
    for record_id, number in (("500001", "122"), ("500002", "123")):
        write_export(shelf, f"{record_id}.txt", record_id=record_id, date="March 5, 1944", title=f"Telegram {number}",
                     contents="Transcript - English", body=f"TELEGRAM SECRET\n\nNo. {number}. {SEED_TRANSCRIPT}")
    _reply(shelf, text="Reurtel 123, March 5.", date="March 7, 1944")
    run_import([str(shelf)])
    assert list(Relation.objects.values_list("source__public_id", "kind", "target__public_id")) == [
        ("300001", "replies_to", "500002")]
    # Day two: the reply's text changes to cite the other number; the re-import moves the relation.
    _reply(shelf, text="Reurtel 122, March 5.", date="March 7, 1944")
    run_import([str(shelf)])
    assert list(Relation.objects.values_list("target__public_id", flat=True)) == ["500001"]


def test_the_answered_telegram_was_written_by_the_replys_recipient(db):
    """Two telegrams of one day: the authorities tell which one the reply answers."""
    harriman = Authority.objects.create(kind="person", identifier="person-harriman", preferred_name="Harriman")
    hull = Authority.objects.create(kind="person", identifier="person-hull", preferred_name="Hull")
    from_harriman = Record.objects.create(public_id="t-harriman", title="Harriman to Hull", date_edtf="1944-02-02")
    from_hull = Record.objects.create(public_id="t-hull", title="Hull to Harriman", date_edtf="1944-02-02")
    reply = Record.objects.create(public_id="t-reply", title="Hull to Harriman, reply", date_edtf="1944-02-04")
    RecordAuthority.objects.create(record=from_harriman, authority=harriman, role="author")
    RecordAuthority.objects.create(record=from_hull, authority=hull, role="author")
    RecordAuthority.objects.create(record=reply, authority=harriman, role="recipient")
    Content.objects.create(record=reply, kind="transcript", text="Reference your telegram of February 2.")
    parsed = ParsedRecord(public_id="t-reply", title=reply.title, references=[
        ReferenceItem(kind="replies_to", target={"month": 2, "day": 2, "year": None, "numbers": []},
                      note="Reference your telegram of February 2")])
    counts = link_references([parsed], Relation.Origin.TEXT)
    assert (counts.linked, counts.unresolved) == (1, 0)
    assert Relation.objects.get().target == from_harriman
