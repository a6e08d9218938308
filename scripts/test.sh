#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, then pytest on SQLite (the embedded default) and,
# at the same time, the whole suite again on a real PostgreSQL server started here (search, web, OCR,
# hostile tests and the browser's day-two walk included). Tests about SQLite itself skip there, and so do
# the other browser tests (what a browser does with a page; its views run there in tests/web), saying why.
#
# The two runs overlap because most of each waits on processes it started (servers, workers, a browser,
# Tesseract): one after the other they took 28 minutes on a 2-core machine. The PostgreSQL run's output
# goes to a log, shown when both have ended.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

.venv/bin/ruff check src tests benchmarks

pg_log=$(mktemp /tmp/readingroom-pg-tests.XXXXXX.log)
scripts/with-postgres.sh .venv/bin/python -m pytest -q -p no:cacheprovider "$@" >"$pg_log" 2>&1 &
pg_pid=$!

sqlite_status=0
.venv/bin/python -m pytest "$@" || sqlite_status=$?

pg_status=0
wait "$pg_pid" || pg_status=$?
echo
echo "=== the same suite on PostgreSQL ==="
cat "$pg_log"
rm -f "$pg_log"
if [ "$sqlite_status" -ne 0 ] || [ "$pg_status" -ne 0 ]; then
    echo "test: failed (SQLite exit $sqlite_status, PostgreSQL exit $pg_status)" >&2
    exit 1
fi
