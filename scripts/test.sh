#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, then pytest on SQLite (the embedded default) and,
# at the same time, the whole suite again on a real PostgreSQL server started here (search, web, OCR,
# hostile tests and the browser's day-two walk included). Tests about SQLite itself skip there, and so do
# the other browser tests (what a browser does with a page; its views run there in tests/web), saying why.
#
# The runs overlap because most of each waits on processes it started (servers, workers, a browser,
# Tesseract): one after the other they took 28 minutes on a 2-core machine. Each engine's run is split in
# two halves, four pytest processes in all (each PostgreSQL half on a server of its own): with one process
# per engine, one of them ran alone for minutes at the end while the other core idled (24-27 minutes;
# 21.8 in four).
# The first SQLite half prints as it goes; the others go to logs, shown when all have ended. With
# arguments (a test file, `-k ...`) each engine runs them once, unsplit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

.venv/bin/ruff check src tests benchmarks

port=${PGPORT_TEST:-55432}
if [ "$#" -eq 0 ]; then
    # About half of the time each (the second half ran 4 minutes longer without tests/ocr: 20.7 against
    # 16.7 and 20.1 minutes). The second half is everything else, so a new test directory is never left out.
    first="tests/search tests/web tests/hostile tests/standards tests/ocr"
    rest=$(ls -d tests/*/ tests/test_*.py | sed 's#/$##' | grep -v -x -F -e tests/__pycache__ $(printf -- '-e %s ' $first) | tr '\n' ' ')
    halves=("$first" "$rest")
else
    halves=("")
fi

pids=()
logs=()
names=()
background() {  # name, then the command; its output to a log
    local log
    log=$(mktemp /tmp/readingroom-tests.XXXXXX.log)
    "${@:2}" >"$log" 2>&1 &
    pids+=($!)
    logs+=("$log")
    names+=("$1")
}
for n in "${!halves[@]}"; do
    # shellcheck disable=SC2086  # a half is a list of paths
    background "PostgreSQL${halves[$n]:+, $((n + 1)) of ${#halves[@]}: ${halves[$n]}}" \
        env PGPORT_TEST=$((port + n)) scripts/with-postgres.sh .venv/bin/python -m pytest -q -p no:cacheprovider ${halves[$n]} "$@"
    if [ "$n" -gt 0 ]; then  # the first SQLite half runs in the foreground, below
        # shellcheck disable=SC2086
        background "SQLite, $((n + 1)) of ${#halves[@]}: ${halves[$n]}" .venv/bin/python -m pytest -q -p no:cacheprovider ${halves[$n]} "$@"
    fi
done

status=0
# shellcheck disable=SC2086
.venv/bin/python -m pytest ${halves[0]} "$@" || status=$?
failed=()
[ "$status" -eq 0 ] || failed+=("SQLite${halves[0]:+, 1 of ${#halves[@]}}")
for n in "${!pids[@]}"; do
    code=0
    wait "${pids[$n]}" || code=$?
    echo
    echo "=== ${names[$n]} ==="
    cat "${logs[$n]}"
    rm -f "${logs[$n]}"
    [ "$code" -eq 0 ] || failed+=("${names[$n]%%:*}")
done
if [ "${#failed[@]}" -ne 0 ]; then
    echo "test: failed: $(printf '%s; ' "${failed[@]}")" >&2
    exit 1
fi
