"""The dpi rule's pure parts: which resolution to believe, when a reading looks poor, which reading wins."""

from __future__ import annotations

import pytest

from readingroom.ocr.resolution import (
    is_noise,
    is_wordlike,
    looks_poor,
    plan,
    reading_score,
    stated_dpi,
    wordlike_share,
)


def test_scanner_resolutions_are_believed_and_never_retried() -> None:
    for dpi in (150, 200, 300, 600):
        assert plan(2550, 3300, dpi).first == dpi and not plan(2550, 3300, dpi).retry


def test_screen_default_on_a_full_size_scan_is_not_believed() -> None:
    # The 4-up deposition: 2000 x 2589 px stating 96 dpi is a 27 in sheet.
    chosen = plan(2000, 2589, 96)
    assert chosen.first is None and chosen.retry and chosen.second == 96
    assert "27 in" in chosen.why
    assert plan(2550, 3300, 72).first is None  # a letter page scanned at 300, stating 72: 46 in


def test_screen_default_implying_a_plausible_sheet_is_believed_with_the_estimate_as_fallback() -> None:
    chosen = plan(816, 1056, 96)  # letter at 96 dpi
    assert chosen.first == 96 and chosen.retry and chosen.second is None
    assert plan(1102, 39, 72).first == 72  # one printed line, 15 in long: a strip, still plausible
    assert plan(1224, 1000, 72).first == 72  # 17.0 in: the longest plausible sheet
    assert plan(1300, 1000, 72).first is None


@pytest.mark.parametrize("stated", [None, 0, 5, 30_000])
def test_missing_or_absurd_dpi_means_tesseracts_estimate(stated) -> None:
    chosen = plan(2000, 2000, stated_dpi((stated, stated)) if stated is not None else None)
    assert chosen.first is None and not chosen.retry


def test_stated_dpi_reads_what_pillow_reports() -> None:
    assert stated_dpi((99.9998, 99.9998)) == 100 and stated_dpi(72.009) == 72
    assert stated_dpi(None) is None and stated_dpi(("x", "y")) is None and stated_dpi(()) is None


def test_word_shapes() -> None:
    assert all(is_wordlike(w) for w in ["the", "The", "U.S.", "(1998)", "don't", "well-known", "NASA", "12:30"])
    assert not any(is_wordlike(w) for w in ["|", "~~", "il1|", "—", "#$%", "a|b"])
    assert is_wordlike("Декларация") and is_wordlike("宣言") and is_wordlike("Menschenwürde")
    assert wordlike_share([]) == 0.0 and wordlike_share(["the", "|"]) == 0.5


def test_noise_tokens_are_only_specks_and_symbols() -> None:
    assert all(is_noise(t) for t in ["|", "~~", "—", "a", ".:;", "i|~~"])
    # Real text that is not word-shaped is not noise: a page reading only this is not "no text".
    assert not any(is_noise(t) for t in ["Aust.J.Geod.Photogram.Sury.", "il1|", "宣言", "42"])


def test_a_reading_looks_poor_when_unsure_or_not_word_shaped() -> None:
    assert looks_poor(None, []) == "no words"
    assert looks_poor(60.0, ["the", "cat"]).startswith("mean confidence")
    assert "word-like" in looks_poor(90.0, ["|", "~", "—", "cat"])
    assert looks_poor(90.0, ["the", "cat", "sat", "|"]) == ""


def test_score_prefers_confident_words_over_noise() -> None:
    clean = [[0, 0, 1, 1, 95, w] for w in ["Line", "one", "of", "text"]]
    noisy = clean + [[0, 0, 1, 1, 40, t] for t in ["|", "~~", "—", "|", "i|", "::"]]
    assert reading_score(clean) > reading_score(noisy)
    assert reading_score([[0, 0, 1, 1, -1, "word"]]) == 0.0  # Tesseract's -1: no confidence
