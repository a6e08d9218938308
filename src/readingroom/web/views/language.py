"""The language picker: a plain link per interface language that stores the choice in Django's language
cookie and goes back to the page the reader was on. A link (GET) rather than Django's set_language form,
so no page needs a CSRF token or a script for it, and it works without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language


def choose(request: HttpRequest, code: str) -> HttpResponse:
    if code not in dict(settings.LANGUAGES) or not check_for_language(code):
        raise Http404("No such interface language")
    target = request.GET.get("next", "")
    # Only a page of this site: an address elsewhere would make the picker an open redirect.
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()) or not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    response["Cache-Control"] = "no-store"
    return response
