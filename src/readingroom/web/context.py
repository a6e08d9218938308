from django.conf import settings
from django.utils.translation import get_language

from readingroom.web.interface_language import html_lang

# A picker link keeps the reader's place; beyond this length (a very long search) it goes to the page alone.
NEXT_MAX = 1000


def site(request) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    here = request.get_full_path() if request is not None else "/"
    if len(here) > NEXT_MAX:
        here = request.path
    return {
        "archive_name": settings.READINGROOM_ARCHIVE_NAME,
        "interface_lang": html_lang(current),
        "interface_languages": [
            {"code": code, "name": name, "lang": html_lang(code), "current": code == current}
            for code, name in settings.LANGUAGES
        ],
        "here": here,
    }
