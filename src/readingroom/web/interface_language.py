"""The interface language as the page states it: Django names languages in lower case (`zh-hans`), HTML's
`lang` and the catalogue's helpers take BCP 47 tags with the script in title case (`zh-Hans`)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def html_lang(code: str) -> str:
    """'zh-hans' -> 'zh-Hans', 'en-us' -> 'en-US', 'ru' -> 'ru'."""
    first, *rest = code.split("-")
    parts = [first.lower()]
    for part in rest:
        parts.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part.lower())
    return "-".join(parts)


def current() -> str:
    """The active interface language as a BCP 47 tag."""
    return html_lang(get_language() or settings.LANGUAGE_CODE)
