"""Bars of a date histogram (records by decade, year or month), for `includes/date_histogram.html`.

A bar is a link (`href`), or on a page that is one form, such as search results, a submit button of that
form (`toggle`, the search form's `dimension:value` toggle), so the page does not repeat its query in every
bar. A bar's height is one of STEPS classes (`h0`..`h20`, in histogram.css), never an inline style: the
Content-Security-Policy allows no inline styles. Any bar with records gets at least the first step, so
a decade of one record next to one of thousands still shows, and stays a target to click.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

STEPS = 20


@dataclass
class Bar:
    label: str
    count: int
    href: str = ""
    current: bool = False
    step: int = 0
    toggle: str = ""


@dataclass
class Histogram:
    caption: str  # what the bars count: "Records by year"
    unit: str  # the table's first column: "Year"
    bars: list[Bar] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def step(count: int, peak: int) -> int:
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(STEPS, math.ceil(STEPS * count / peak)))


def build(caption: str, unit: str, bars: Iterable[Bar]) -> Histogram:
    """The histogram of these bars, their heights scaled to the tallest."""
    bars = list(bars)
    peak = max((bar.count for bar in bars), default=0)
    for bar in bars:
        bar.step = step(bar.count, peak)
    return Histogram(caption, unit, bars)
