"""How good is an OCR text? Character and word error rates against a transcript of the same document.

CER = character edit distance / reference characters; WER the same on words (jiwer). Whitespace is
normalised first: a line break in the scan and a space in the transcript are the same thing to a reader.
`similarity_error` is 1 - rapidfuzz's normalised Indel similarity (fuzz.ratio), a symmetric figure that
does not exceed 1 when the OCR text is much longer than the transcript.

A scan often carries text that no transcriber copies: an archive's cover sheet or folder label before the
document, a stamp after it. Whole OCR lines at the start and end are left out of the comparison when
leaving them out brings the OCR text closer to the transcript (`trimmed_lines` says how many).
"""

from __future__ import annotations

from dataclasses import dataclass

import jiwer
from rapidfuzz.distance import Indel, Levenshtein


def normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Quality:
    cer: float
    wer: float
    similarity_error: float
    reference_chars: int
    reference_words: int
    trimmed_lines: int = 0

    def as_dict(self) -> dict:
        return {"cer": round(self.cer, 4), "wer": round(self.wer, 4), "similarity_error": round(self.similarity_error, 4),
                "reference_chars": self.reference_chars, "reference_words": self.reference_words,
                "trimmed_lines": self.trimmed_lines}


def cer(hypothesis: str, reference: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def wer(hypothesis: str, reference: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    if not hyp:
        return 1.0
    return jiwer.wer(ref, hyp)


MAX_TRIM_LINES = 40


def trim_to_transcript(hypothesis: str, reference: str) -> tuple[str, int]:
    """Drop leading, then trailing, OCR lines that the transcript does not cover (see the module note)."""
    ref = normalise(reference)
    lines = [line for line in hypothesis.splitlines() if line.strip()]
    if not ref or len(lines) < 2:
        return hypothesis, 0

    def distance(start: int, end: int) -> int:
        return Levenshtein.distance(ref, normalise(" ".join(lines[start:end])))

    best_start, best = 0, distance(0, len(lines))
    for start in range(1, min(MAX_TRIM_LINES, len(lines) - 1) + 1):
        d = distance(start, len(lines))
        if d < best:
            best_start, best = start, d
    best_end = len(lines)
    for end in range(len(lines) - 1, max(best_start, len(lines) - MAX_TRIM_LINES) , -1):
        d = distance(best_start, end)
        if d < best:
            best_end, best = end, d
    trimmed = best_start + len(lines) - best_end
    return "\n".join(lines[best_start:best_end]), trimmed


def compare(hypothesis: str, reference: str, trim: bool = True) -> Quality | None:
    """All figures for one OCR text against its transcript; None when there is no transcript text."""
    trimmed = 0
    if trim:
        hypothesis, trimmed = trim_to_transcript(hypothesis, reference)
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return None
    return Quality(
        cer=cer(hyp, ref),
        wer=wer(hyp, ref),
        similarity_error=Indel.normalized_distance(ref, hyp),
        reference_chars=len(ref),
        reference_words=len(ref.split()),
        trimmed_lines=trimmed,
    )
