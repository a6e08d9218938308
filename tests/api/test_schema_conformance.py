"""Schemathesis against the live server: generated requests to every operation of /api/openapi.json, as
the public and as staff with a token; every response must match the description and none may be a 5xx.
Bounded by --max-examples so the run stays within a couple of minutes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readingroom.search import writer
from tests import builders

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


@pytest.fixture
def served_archive(live_server, transactional_db, django_user_model):
    from readingroom.api import tokens

    builders.sample_archive(frus_count=4)
    writer.rebuild()  # search answers from a real index, not 503
    user = django_user_model.objects.create_user("archivist", "a@example.org", "a-long-password", is_staff=True)
    return live_server.url, tokens.issue(user, "schemathesis")[1]


def _schemathesis() -> list[str]:
    script = Path(sys.executable).with_name("schemathesis")
    if script.exists():
        return [str(script)]
    found = shutil.which("schemathesis")
    if found is None:
        pytest.skip("schemathesis is not installed (scripts/setup.sh --test)")
    return [found]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["public", "staff"])
def test_every_response_conforms_and_none_is_a_server_error(served_archive, who, tmp_path):
    url, key = served_archive
    command = [*_schemathesis(), "run", f"{url}/api/openapi.json", "--checks", CHECKS,
               "--max-examples", "12", "--workers", "1", "--seed", "14", "--request-timeout", "30",
               "--suppress-health-check", "all", "--generation-database", "none"]
    if who == "staff":
        command += ["--header", f"Authorization: Bearer {key}"]
    else:
        command += ["--include-method", "GET"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path,
                            env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in result.stdout.lower()
