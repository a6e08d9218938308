#!/usr/bin/env bash
# Set everything up, load the sample records and serve the reading room at http://127.0.0.1:8000
# on the embedded default (SQLite + Tantivy under ./data). Extra arguments go to `readingroom demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/readingroom demo "$@"
