"""Which resolution to give Tesseract, from evidence: what the file states, the paper size that implies,
and how the first reading looks. Pure functions: no Tesseract, no files.

Why not a fixed rule: "72/96 is never trusted" helped a full-size scan whose PNG stated 96 dpi (read as
96, the letters looked huge to Tesseract) and hurt a deposition printed four pages to a sheet (its small
letters read better at the stated 96 than at Tesseract's estimate of about 295). So a screen-default dpi
is believed when the sheet it implies is plausible, and when it is not, the page is read at Tesseract's
estimate. Either way, only if that reading looks poor is the page read again at the other candidate (the
estimate, or the stated dpi), keeping the better reading by reading_score. Other stated resolutions are
believed: scanners write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCREEN_DPI = frozenset({72, 96})  # what converters, cameras and screenshots state by default
MIN_DPI, MAX_DPI = 70, 2400  # Tesseract's own range of credible resolutions
LONGEST_SHEET_INCHES = 17.0  # tabloid/ledger; a larger implied page is not a scan at that dpi
SHORTEST_SHEET_INCHES = 1.0  # a strip of text (a line, a label) is still a plausible object
# A first reading is poor when its words are unsure or do not look like words. Thresholds chosen on the
# tune pages of benchmarks/ocr_dpi.py only.
POOR_CONFIDENCE = 75.0
POOR_WORDLIKE = 0.60
# A word (with an apostrophe or hyphen inside), an initialism (U.S.), capitals or a number, in brackets or
# quotes, with trailing punctuation. Latin script only so far: other scripts count as word-like (see below).
_WORDLIKE = re.compile(
    r"^[(\"'\[]*(?:[A-Za-z][a-z]*(?:['-][A-Za-z]+)*|(?:[A-Za-z]\.)+[A-Za-z]?|[A-Z]+|\d+(?:[.,:/-]\d+)*)"
    r"[)\"'\].,;:!?]*$")
_LETTER_OUTSIDE_LATIN = re.compile(r"[^\W\d_A-Za-z]")


@dataclass(frozen=True)
class DpiPlan:
    """The first reading's dpi (None: Tesseract's estimate) and, for a doubted resolution, the other
    candidate to read at if the first reading looks poor (second None: Tesseract's estimate)."""

    first: int | None
    why: str
    retry: bool = False
    second: int | None = None

    def as_dict(self) -> dict:
        return {"first": self.first, "why": self.why, **({"second": self.second} if self.retry else {})}


def stated_dpi(info_dpi: object) -> int | None:
    """The resolution a file states (PIL's info['dpi']), rounded; None when absent or unreadable."""
    if not info_dpi:
        return None
    try:
        value = round(float(info_dpi[0] if isinstance(info_dpi, tuple | list) else info_dpi))  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return None
    return value or None


def plausible_sheet(width: int, height: int, dpi: int) -> bool:
    """Whether width x height pixels at dpi is a page a scanner could have made (17 in at most)."""
    long_side, short_side = max(width, height) / dpi, min(width, height) / dpi
    return long_side <= LONGEST_SHEET_INCHES and (short_side >= SHORTEST_SHEET_INCHES or long_side >= 2)


def plan(width: int, height: int, stated: int | None) -> DpiPlan:
    """The dpi to read a width x height image at, given what its file states."""
    if stated is None:
        return DpiPlan(None, "no dpi stated: Tesseract's estimate")
    if not MIN_DPI <= stated <= MAX_DPI:
        return DpiPlan(None, f"stated {stated} dpi is out of range: Tesseract's estimate")
    if stated not in SCREEN_DPI:
        return DpiPlan(stated, f"stated {stated} dpi")
    inches = max(width, height) / stated
    if plausible_sheet(width, height, stated):
        return DpiPlan(stated, f"stated {stated} dpi implies a plausible {inches:.1f} in page", retry=True)
    return DpiPlan(None, f"stated {stated} dpi implies a {inches:.0f} in page: Tesseract's estimate first",
                   retry=True, second=stated)


def is_wordlike(token: str) -> bool:
    # Cyrillic, Chinese and accented words are not judged by an English shape: never called noise.
    return bool(_WORDLIKE.match(token) or _LETTER_OUTSIDE_LATIN.search(token))


def is_noise(token: str) -> bool:
    """A speck, rule or symbol read as a token: fewer than two letters or digits, or mostly not letters.
    Looser than is_wordlike on purpose: it decides whether a page has no text at all, and a real
    abbreviation chain ("Aust.J.Geod.Photogram.Surv.") must not be thrown away."""
    alnum = sum(c.isalnum() for c in token)
    return alnum < 2 or alnum * 2 < len(token)


def wordlike_share(words: list[str]) -> float:
    """The share of tokens shaped like words or numbers (noise from rules, columns and specks is not)."""
    return sum(1 for w in words if is_wordlike(w)) / len(words) if words else 0.0


def looks_poor(confidence: float | None, words: list[str]) -> str:
    """Why a reading looks poor enough to try another dpi ('' when it looks fine)."""
    if not words:
        return "no words"
    if confidence is not None and confidence < POOR_CONFIDENCE:
        return f"mean confidence {confidence:.0f}"
    share = wordlike_share(words)
    if share < POOR_WORDLIKE:
        return f"{share:.0%} word-like tokens"
    return ""


def reading_score(rows: list[list]) -> float:
    """What a reading is worth: the confidence of its word-like tokens, less that of its noise tokens.

    rows are hOCR word rows [x, y, w, h, confidence, word]. Counting all confidence (as the contrast retry
    does) rewards a reading that turns rules and columns into many unsure "words"."""
    score = 0.0
    for row in rows:
        confidence = max(float(row[4]), 0.0) / 100
        score += confidence if is_wordlike(str(row[5])) else -confidence
    return score
