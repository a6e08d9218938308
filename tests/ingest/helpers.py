"""Builders for archive-page exports in the seed's layout, so tests can make variants of their own."""

from __future__ import annotations

from pathlib import Path

SEED_SCAN = """L. C'42 LA L'IOUT

AC.

During a conversation wth the Ambassador last evening Stalin volunteered the information that Soviet intelligence reports indicate that the Japanese may be preparing to withdraw from their outer line of defense running through Indonesia. Stalin said that these statements were based on information at his dis rosal.

The Ambassador inquired where the new line would Stalin replied that he was not sure of the details, run. but that he believed it would run roughly through Shanghai, the Ghantung peninsula, Manchuria and around the Interest islands. F35/"""

SEED_TRANSCRIPT = """TELEGRAM SECRET

During a conversation with the Ambassador last evening Stalin volunteered the information that Soviet intelligence reports indicate that the Japanese may be preparing to withdraw from their outer line of defense running through Indonesia. Stalin said that these statements were based on information at his disposal.

The Ambassador inquired where the new line would run. Stalin replied that he was not sure of the details, but that he believed it would run roughly through Shanghai, the Shantung peninsula, Manchuria and around the Japanese islands.

FBS/"""


def export_text(
    *,
    date: str = "February 2, 1944",
    title: str = "Telegram re Stalin Harriman Conversation on Japanese Troops",
    record_id: str = "209771",
    summary: str = "W. Averell Harriman and Joseph Stalin discuss Soviet intelligence about Japanese troop movements.",
    language: str = "English",
    contents: str = "Original Scan Transcript - English",
    body: str | None = None,
) -> str:
    body = f"{SEED_SCAN}\n\n{SEED_TRANSCRIPT}" if body is None else body
    citation = (
        f'"{title}", {date}, Wilson Center Digital Archive, Container # 171, W. Averell Harriman Papers, '
        f"Manuscript Division, Library of Congress, Washington, DC https://archive.example.org/document/{record_id}"
    )
    parts = ["", date, "", title, "", "Citation:", "", citation, "", "Summary:", "", summary, "",
             "Original Language:", "", language, "", "Contents:", "", contents, "", body]
    return "\n".join(parts) + "\n"


def write_export(folder: Path, name: str, **fields) -> Path:
    path = folder / name
    path.write_text(export_text(**fields), encoding="utf-8")
    return path
