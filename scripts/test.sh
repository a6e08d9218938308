#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, then pytest on SQLite (the embedded default) and,
# at the same time, the whole suite again on a real PostgreSQL server started here (search, web, OCR,
# hostile tests and the browser's day-two walk included). Tests about SQLite itself skip there, and so do
# the other browser tests (what a browser does with a page; its views run there in tests/web), saying why.
#
# The runs overlap because most of each waits on processes it started (servers, workers, a browser,
# Tesseract): one after the other they took 28 minutes on a 2-core machine. The PostgreSQL run is split in
# two halves, each on a server of its own (as one it was the long pole: 23 of CI's 24 minutes), so three
# pytest processes keep both cores busy. Its output goes to logs, shown when all have ended. With
# arguments (a test file, `-k ...`) PostgreSQL runs them once, unsplit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

.venv/bin/ruff check src tests benchmarks

port=${PGPORT_TEST:-55432}
if [ "$#" -eq 0 ]; then
    # Balanced by their time on PostgreSQL. The second half is everything else, so a new test directory
    # is never left out.
    first="tests/search tests/web tests/hostile tests/standards"
    rest=$(ls -d tests/*/ tests/test_*.py | sed 's#/$##' | grep -v -x -F -e tests/__pycache__ $(printf -- '-e %s ' $first) | tr '\n' ' ')
    halves=("$first" "$rest")
else
    halves=("$*")
fi
pg_pids=()
pg_logs=()
for n in "${!halves[@]}"; do
    log=$(mktemp /tmp/readingroom-pg-tests.XXXXXX.log)
    pg_logs+=("$log")
    if [ "$#" -eq 0 ]; then
        # shellcheck disable=SC2086  # the half is a list of paths
        PGPORT_TEST=$((port + n)) scripts/with-postgres.sh .venv/bin/python -m pytest -q -p no:cacheprovider ${halves[$n]} >"$log" 2>&1 &
    else
        PGPORT_TEST=$port scripts/with-postgres.sh .venv/bin/python -m pytest -q -p no:cacheprovider "$@" >"$log" 2>&1 &
    fi
    pg_pids+=($!)
done

sqlite_status=0
.venv/bin/python -m pytest "$@" || sqlite_status=$?

pg_status=0
for n in "${!pg_pids[@]}"; do
    wait "${pg_pids[$n]}" || pg_status=$?
    echo
    echo "=== the same suite on PostgreSQL ($((n + 1)) of ${#pg_pids[@]}: ${halves[$n]}) ==="
    cat "${pg_logs[$n]}"
    rm -f "${pg_logs[$n]}"
done
if [ "$sqlite_status" -ne 0 ] || [ "$pg_status" -ne 0 ]; then
    echo "test: failed (SQLite exit $sqlite_status, PostgreSQL exit $pg_status)" >&2
    exit 1
fi
