#!/usr/bin/env bash
# Installs what readingroom needs on Debian 12 with Python 3.11: system packages, then a virtualenv
# in .venv with readingroom and its dependencies. Safe to run again: it skips what is already there.
#   scripts/setup.sh          what serving the reading room needs (Tesseract for OCR, fonts)
#   scripts/setup.sh --test   also what the tests need (Chromium, PostgreSQL, Redis, Ghostscript)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

# Tesseract's models for the languages archives hold most: English, Russian, German, French, Polish,
# Simplified and Traditional Chinese, Japanese, Korean.
packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-pol
          tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-jpn tesseract-ocr-kor ghostscript poppler-utils unpaper fonts-dejavu-core python3-venv)
if [ "$want_tests" = 1 ]; then
  packages+=(chromium fonts-noto-cjk postgresql redis-server)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "setup: readingroom needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating the virtualenv .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when the dependency list changed.
stamp=".venv/.readingroom-installed"
digest="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed="$(cat "$stamp" 2>/dev/null || true)"
# A test install (suffix -1) has everything a serving install (-0) needs.
if [ "$installed" != "$digest-$want_tests" ] && [ "$installed" != "$digest-1" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  if [ "$want_tests" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  echo "$digest-$want_tests" > "$stamp"
fi
echo "setup: ready"
