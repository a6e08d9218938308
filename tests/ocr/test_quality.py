"""CER and WER against transcripts, with the seed record's own figure."""

from __future__ import annotations

import pytest

from readingroom.ocr.quality import cer, compare, trim_to_transcript, wer
from tests.conftest import shared_path


def _seed_texts() -> tuple[str, str]:
    lines = shared_path("seed", "000_a2e3b8521de4a562.txt").read_text(encoding="utf-8").split("\n")
    start = lines.index("TELEGRAM SECRET")
    contents = lines.index("Original Scan Transcript - English")
    return "\n".join(lines[contents + 1 : start]), "\n".join(lines[start:])


def test_seed_record_ocr_against_its_transcript() -> None:
    ocr_text, transcript = _seed_texts()
    quality = compare(ocr_text, transcript)
    # The archive's cover-sheet lines before the telegram ("L. C'42 LA L'IOUT", "Container # 171, ...")
    # are not in the transcript: they are left out, up to the telegram's own heading ("TELEVILLE Televille").
    assert quality.trimmed_lines == 5
    # The seed's noted 2.66%: the normalised character distance of the telegram's OCR text.
    assert quality.similarity_error == pytest.approx(0.0266, abs=0.0001)
    # Strict Levenshtein CER (edits / transcript characters) and WER of the same texts.
    assert quality.cer == pytest.approx(0.0385, abs=0.0001)
    assert quality.wer == pytest.approx(0.0664, abs=0.0001)
    untrimmed = compare(ocr_text, transcript, trim=False)
    assert untrimmed.cer > 0.15


def test_whitespace_is_normalised_and_errors_counted() -> None:
    assert cer("the  Shantung\npeninsula", "the Shantung peninsula") == 0.0
    assert cer("the Ghantung peninsula", "the Shantung peninsula") == pytest.approx(1 / 22)
    assert wer("the Ghantung peninsula", "the Shantung peninsula") == pytest.approx(1 / 3)
    assert cer("", "text") == 1.0 and wer("", "some text") == 1.0
    assert compare("anything", "   ") is None


def test_trimming_keeps_lines_the_transcript_covers() -> None:
    ocr = "FOLDER 12 BOX 3\nThe quick brown fox\njumps over the dog\nSTAMP RECEIVED"
    kept, dropped = trim_to_transcript(ocr, "The quick brown fox jumps over the dog")
    assert kept == "The quick brown fox\njumps over the dog" and dropped == 2


@pytest.mark.django_db
def test_seed_record_figures_in_the_report() -> None:
    from readingroom.ingest.pipeline import store_record
    from readingroom.ingest.records import ContentItem, ParsedRecord
    from readingroom.ocr.report import quality_rows

    ocr_text, transcript = _seed_texts()
    store_record(ParsedRecord(public_id="209771", title="Telegram re Stalin Harriman Conversation on Japanese Troops",
                              languages=["en"], contents=[ContentItem(kind="scan", text=ocr_text),
                                                          ContentItem(kind="transcript", language="en",
                                                                      text=transcript)]))
    [row] = quality_rows()
    assert row["record"] == "209771" and row["transcript"] == "Transcript - English"
    assert row["quality"]["similarity_error"] == pytest.approx(0.0266, abs=0.0001)
    assert row["quality"]["cer"] == pytest.approx(0.0385, abs=0.0001)
