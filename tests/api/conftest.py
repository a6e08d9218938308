from __future__ import annotations

import pytest


@pytest.fixture
def staff_key(db, django_user_model) -> str:
    from readingroom.api import tokens

    user = django_user_model.objects.create_user("archivist", "a@example.org", "a-long-password", is_staff=True)
    return tokens.issue(user, "tests")[1]


@pytest.fixture
def reader_key(db, django_user_model) -> str:
    """A valid token of a signed-up reader who is not staff."""
    from readingroom.api import tokens

    user = django_user_model.objects.create_user("reader", "r@example.org", "a-long-password")
    return tokens.issue(user, "tests")[1]


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
