"""The admin login's rate limit (django-axes), through the test client on the real database: a username
tried from one address is locked after READINGROOM_LOGIN_FAILURE_LIMIT failures, for the lockout period,
even with the right password; other addresses and other users are not; the lock ends by itself."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-password"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("cataloguer", password=PASSWORD, is_staff=True)


def attempt(address: str, password: str, username: str = "cataloguer", **headers: str):
    """One login from a fresh browser at `address`: the response and whether it got a session."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def fail_until_locked(address: str, **headers: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response, signed_in = attempt(address, "wrong", **headers)
        assert not signed_in
    assert response.status_code == 429


def test_the_right_password_is_refused_once_locked_and_the_reason_is_given(staff):
    assert settings.AXES_FAILURE_LIMIT == 5  # the documented default
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response, signed_in = attempt("203.0.113.7", "wrong")
        assert response.status_code == 200 and not signed_in  # the admin's own "enter a correct username" form
    fail_until_locked("203.0.113.7")
    response, signed_in = attempt("203.0.113.7", PASSWORD)
    assert response.status_code == 429 and not signed_in
    assert b"too many login attempts" in response.content.lower()


def test_a_lock_holds_one_username_from_one_address(staff, django_user_model):
    django_user_model.objects.create_user("archivist", password=PASSWORD, is_staff=True)
    fail_until_locked("203.0.113.7")
    # The same staff member from elsewhere, and a colleague behind the same address, still sign in.
    assert attempt("198.51.100.20", PASSWORD)[1]
    assert attempt("203.0.113.7", PASSWORD, username="archivist")[1]


def test_the_lock_ends_after_the_lockout_period(staff):
    fail_until_locked("203.0.113.7")
    assert not attempt("203.0.113.7", PASSWORD)[1]
    # Day two: the period has passed (the attempts' time moved back rather than waiting 15 minutes).
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME
                                 - dt.timedelta(seconds=1))
    assert attempt("203.0.113.7", PASSWORD)[1]


def test_a_successful_login_forgets_earlier_failures(staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("203.0.113.7", "wrong")
    assert attempt("203.0.113.7", PASSWORD)[1]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("203.0.113.7", "wrong")
    assert attempt("203.0.113.7", PASSWORD)[1]


def test_behind_a_proxy_the_client_address_is_counted_not_the_proxy(staff, settings):
    settings.READINGROOM_TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    fail_until_locked(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert not attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")[1]
    # A forged address on the left changes nothing: the proxy appended the real one.
    assert not attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")[1]
    assert attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")[1]


def test_logins_without_a_request_are_not_counted(staff, client):
    # Scripts and tests call authenticate() without a request; django-axes alone would refuse them.
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert not client.login(username="cataloguer", password="wrong")
    assert client.login(username="cataloguer", password=PASSWORD)
    assert AccessAttempt.objects.count() == 0
