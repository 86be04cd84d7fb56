#!/usr/bin/env bash
# The test command (README: "Run the tests"). Sets up everything on a fresh Debian machine:
# system packages, a virtual environment, the project with its test extras, a PostgreSQL test
# role; then ruff and the whole suite on SQLite and on PostgreSQL, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pg_dump >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

echo "== ruff"
.venv/bin/ruff check .

echo "== migrations are complete"
QINGLIAN_TESTING=true QINGLIAN_DATA_DIR="$(mktemp -d)" DJANGO_SETTINGS_MODULE=qinglian.test_settings \
  .venv/bin/python -m django makemigrations --check --dry-run >/dev/null

echo "== tests on SQLite"
.venv/bin/pytest -n "${QINGLIAN_TEST_WORKERS:-2}" -m "not slow" "$@"

echo "== tests on PostgreSQL"
export QINGLIAN_DATABASE_URL
QINGLIAN_DATABASE_URL=$(bash scripts/pg-test-db.sh)
.venv/bin/pytest -n "${QINGLIAN_TEST_WORKERS:-2}" "$@"
