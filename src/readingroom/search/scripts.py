"""Simplified and Traditional Chinese as one: every text and query with Han characters is folded to
Simplified before it is analysed, so 台湾 finds 臺灣 and 臺灣 finds 台湾.

OpenCC's `tw2s` is the fold: it is `t2s` (phrases, then characters) after a pass that maps Taiwan's
variant characters to OpenCC's standard ones. On the Universal Declaration's 2,112 Han characters converted
to Traditional by s2t, s2tw and s2hk, `tw2s` gave back the Simplified original exactly in all three;
`t2s` and `hk2s` missed one character of the Taiwan text (衣著 stays, Simplified writes 衣着). Phrases are
kept rather than folding character by character: 瞭解 is 了解 in Simplified, and only the phrase table
knows it. Each fold keeps the text's length (checked, with a per-character fold as the fallback), so an
offset in the folded text is the same offset in the text as written: snippets are made on the folded text
and shown in the original script."""

from __future__ import annotations

import re
import threading
from functools import cache

import opencc

# Han characters: the CJK unified ideographs, extension A and the compatibility ideographs. The one
# definition search uses wherever it asks "is this Chinese?".
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{HAN}]")
_lock = threading.Lock()


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2s.json")


def _convert(text: str) -> str:
    # The binding's converter is not documented as thread-safe; the web server runs threads.
    with _lock:
        return _converter().convert(text)


def has_han(text: str) -> bool:
    return bool(text) and _HAN.search(text) is not None


def fold_han(text: str) -> str:
    """`text` with Traditional (and Taiwan variant) characters as Simplified, the same length as `text`."""
    if not has_han(text):
        return text
    folded = _convert(text)
    if len(folded) == len(text):
        return folded
    # A phrase that changed length: fold character by character, which keeps every offset.
    return "".join(c if _HAN.match(ch) and len(c := _convert(ch)) == 1 else ch for ch in text)
