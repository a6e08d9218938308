"""The login rate limit (django-axes), as settings.py wires it: which logins it counts, and from where."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class LoginLimitBackend(AxesStandaloneBackend):
    """Counts and locks logins made over the web. A login without a request (a script's or a test's
    `authenticate(username=..., password=...)`) has no client address to count and is not rate limited:
    django-axes' own backend refuses those outright."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the peer's, or behind READINGROOM_TRUSTED_PROXIES proxies the address the
    outermost trusted proxy saw (addresses further left in X-Forwarded-For are the client's to forge)."""
    proxies = settings.READINGROOM_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR")
