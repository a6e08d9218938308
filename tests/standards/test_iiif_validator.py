"""The official IIIF Image API validator (iiif-validator, level 2, version 3.0) against a live server.

The validator compares what it gets with its own test image: 1000x1000 px of 10x10 squares coloured
from its colour table. The test generates that image, stores it as a page of a public record and runs
the validator's own command line against pytest-django's live server. It makes no network request
beyond the live server.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image

pytest.importorskip("iiif_validator")
from iiif_validator.validator import ValidationInfo  # noqa: E402


def validator_image() -> bytes:
    colours = ValidationInfo().colorInfo
    image = Image.new("RGB", (1000, 1000))
    for x in range(10):  # colorInfo[x][y]: x is the column
        for y in range(10):
            image.paste(colours[x][y], (x * 100, y * 100, x * 100 + 100, y * 100 + 100))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _public_page(image: bytes):
    from django.core.files.base import ContentFile

    from readingroom.catalog.models import Content, Page, Record

    record = Record.objects.create(public_id="iiif-validator", title="IIIF validator test image")
    content = Content.objects.create(record=record, position=0, kind=Content.Kind.SCAN, language="en")
    page = Page(content=content, position=0, width=1000, height=1000)
    page.image.save("validator.png", ContentFile(image), save=False)
    page.save()
    return page


@pytest.mark.slow
def test_validator_level2_passes_every_test(transactional_db, live_server):
    page = _public_page(validator_image())
    address = urlparse(live_server.url).netloc
    script = Path(sys.executable).parent / "iiif-validate.py"
    result = subprocess.run(
        [sys.executable, str(script), "-s", address, "-p", "iiif/image", "-i", str(page.pk),
         "--version=3.0", "--level=2"],
        capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    passed = output.count(" PASS")
    assert result.returncode == 0 and "FAIL" not in output, output
    assert passed >= 30, output  # level 2 of version 3.0 is about 35 tests: they really ran
