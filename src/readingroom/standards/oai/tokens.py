"""Resumption tokens: the request's arguments and where the list stopped (the last primary key given),
signed so that they cannot be forged. They never expire: records added meanwhile have higher keys and
are listed at the end, so a harvest in progress neither skips nor repeats a record."""

from __future__ import annotations

from django.core import signing

from .errors import OaiError

SALT = "readingroom.standards.oai.token"
MAX_LENGTH = 2000


def make(payload: dict) -> str:
    return signing.dumps(payload, salt=SALT, compress=True)


def read(token: str, verb: str) -> dict:
    bad = OaiError("badResumptionToken", "The resumption token is invalid or was not made for this verb.")
    if len(token) > MAX_LENGTH:
        raise bad
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise bad from None
    if not isinstance(payload, dict) or payload.get("verb") != verb:
        raise bad
    return payload
