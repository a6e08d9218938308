"""Shared test set-up: each test gets its own data directory (media, search index), and the real
data in ../shared is reached through `shared_dir`, which skips with a reason where it is absent."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip naming what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (../shared lies beside the clone in CI)")
    return path


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, settings) -> Path:
    data = tmp_path / "data"
    (data / "media").mkdir(parents=True)
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    settings.READINGROOM_INDEX_DIR = data / "index"
    settings.READINGROOM_IIIF_CACHE_DIR = data / "cache" / "iiif"
    settings.READINGROOM_BASE_URL = "http://testserver"
    return data


@pytest.fixture
def editor(db, django_user_model):
    """A signed-in client of a staff member (not a superuser): what an archivist correcting texts uses."""
    from django.test import Client

    django_user_model.objects.create_user("editor", "editor@example.org", "a-long-password", is_staff=True)
    client = Client()
    assert client.login(username="editor", password="a-long-password")
    return client
