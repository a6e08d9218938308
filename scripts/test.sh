#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, then pytest on SQLite (the embedded default),
# then the whole suite again on a real PostgreSQL server started here (search, web, OCR, browser and
# hostile tests included). Tests about SQLite itself skip there, saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

.venv/bin/ruff check src tests benchmarks

.venv/bin/python -m pytest "$@"

scripts/with-postgres.sh .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
