import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_url_selects_the_backend():
    """scripts/test.sh runs the whole suite again with DATABASE_URL set to a real PostgreSQL server."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
