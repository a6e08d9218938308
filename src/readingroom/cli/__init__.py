"""The `readingroom` command: a thin layer over the apps, and the top of the package graph (nothing else
in readingroom imports it). Errors are one line and a non-zero exit.

Each module below adds its commands to the one typer app in `app.py` when imported. They are imported
here, so importing this package (as `python -m readingroom.cli` and the console script do) gives the
whole command; `readingroom --help` lists the commands in this order."""

from __future__ import annotations

# isort: off
from . import catalogue  # noqa: F401  init, import, show, export, counts, iiif-cache
from . import serving  # noqa: F401  serve, worker
from . import authorities  # noqa: F401  places, authorities
from . import demo  # noqa: F401  demo
from . import ocr  # noqa: F401  ocr, ocr-accept, ocr-archive, ocr-report
from . import search  # noqa: F401  index, search
from . import backup  # noqa: F401  backup, restore, migrate-to
from . import api_tokens  # noqa: F401  api-token
# isort: on
from .app import app, main
from .demo import sample_data_dir

__all__ = ["app", "main", "sample_data_dir"]
