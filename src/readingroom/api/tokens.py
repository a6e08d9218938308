"""Making, checking and revoking API tokens. A key is 32 random bytes: a plain SHA-256 of it is as safe
as a slow password hash (nobody can guess it) and lets a request be checked with one indexed lookup."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX = "rr_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the key (shown once, never stored)."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
    return token, key


def user_for(key: str):
    """The active user whose unrevoked token this is, or None."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=_hash(key), revoked__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user


def revoke(prefix: str) -> int:
    return ApiToken.objects.filter(prefix=prefix, revoked__isnull=True).update(revoked=timezone.now())
