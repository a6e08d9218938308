"""Who is asking. Reads: a bearer token's user if one is sent, else the session's (a signed-in staff member
browsing /api/docs), else the public. Writes: a staff member's token only; no cookies, so no CSRF."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from . import tokens


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def as_reader(request: HttpRequest) -> None:
    """Put the token's user on the request, so the visibility rules the pages use apply as they are."""
    key = _bearer(request)
    if key is None:
        return
    user = tokens.user_for(key)
    if user is None:
        raise HttpError(401, "invalid or revoked API token")
    request.user = user


# Room for a multipart body's boundaries and headers around the largest image allowed.
MULTIPART_ROOM = 64 * 1024


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = tokens.user_for(token)
        if user is None:
            return None  # ninja answers 401
        if not user.is_staff:
            raise HttpError(403, "this token's user is not staff: writes are for staff")
        # Checked here, before the body is read: Django would otherwise spool a huge upload to disk first.
        limit = settings.READINGROOM_API_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + MULTIPART_ROOM:
            raise HttpError(413, f"the request is larger than {limit // (1024 * 1024)} MB")
        # The model history (django-simple-history) records request.user as the change's author.
        request.user = user
        return user
