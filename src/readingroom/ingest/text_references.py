"""References to other telegrams in a document's own words: "Reurtel 123", "reference your telegram of
February 2", "Your telegram No. 123 of March 5", "in reply to your telegram of ...", "Replying to your 779,
780 and 781". Pure text in, plain findings out; ingest/relations.py resolves them to records.

State Department telegraphese: REURTEL is "reference your telegram", URTEL "your telegram". A reference
that says it answers ("reply", "reference your", "re your") is a reply; a bare "your telegram" only mentions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<{}>1[6-9]\d\d|20\d\d))?"
_DATE = (rf"(?:(?P<month1>{_MONTH})\s+(?P<day1>{_DAY}){_YEAR.format('year1')}"
         rf"|(?P<day2>{_DAY})\s+(?P<month2>{_MONTH}){_YEAR.format('year2')})")
_TELEGRAM = r"(?:tel(?:egram)?s?|cable|message)"
_LEAD = (r"(?P<lead>re-?urtel|urtel"
         rf"|(?:with\s+)?ref(?:erence)?\.?\s+(?:to\s+)?your\s+{_TELEGRAM}"
         rf"|re\s+your\s+{_TELEGRAM}"
         rf"|(?:in\s+)?(?:reply|answer)(?:ing)?\s+to\s+your(?:\s+{_TELEGRAM})?"
         rf"|your\s+{_TELEGRAM})")
_NUMBERS = r"(?:\s*(?:no\.?|nos\.?|number|nr\.?|#)?\s*(?P<numbers>\d{1,6}(?:\s*(?:,|and|&)\s*\d{1,6})*)(?![\d/]))?"
_PATTERN = re.compile(rf"\b{_LEAD}{_NUMBERS}(?:,?\s*(?:of|dated|sent)?\s*{_DATE})?", re.IGNORECASE)
_MENTION_ONLY = re.compile(r"^(?:urtel|your\b)", re.IGNORECASE)


@dataclass(frozen=True)
class TextReference:
    kind: str  # replies_to | mentions
    phrase: str  # the words as written
    numbers: tuple[str, ...] = ()
    month: int | None = None
    day: int | None = None
    year: int | None = None

    def date(self, written: dt.date | None) -> dt.date | None:
        """The day referred to. Without a year, the latest such day not after the day of writing."""
        if self.month is None or self.day is None:
            return None
        year = self.year or (written.year if written else None)
        if year is None:
            return None
        try:
            day = dt.date(year, self.month, self.day)
        except ValueError:
            return None
        if self.year is None and written is not None and day > written:
            try:
                day = dt.date(year - 1, self.month, self.day)
            except ValueError:
                return None
        return day


def find_references(text: str) -> list[TextReference]:
    found: list[TextReference] = []
    for match in _PATTERN.finditer(text):
        groups = match.groupdict()
        month_name = groups["month1"] or groups["month2"]
        day = groups["day1"] or groups["day2"]
        year = groups["year1"] or groups["year2"]
        numbers = tuple(re.findall(r"\d+", groups["numbers"] or ""))
        if not numbers and not month_name:
            continue  # "your telegram" and nothing to find it by
        kind = "mentions" if _MENTION_ONLY.match(groups["lead"]) else "replies_to"
        found.append(TextReference(
            kind=kind,
            phrase=re.sub(r"\s+", " ", match.group(0)).strip(" ,"),
            numbers=numbers,
            month=MONTHS[month_name.lower().rstrip(".")] if month_name else None,
            day=int(re.match(r"\d+", day).group()) if day else None,
            year=int(year) if year else None,
        ))
    return found
