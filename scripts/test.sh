#!/usr/bin/env bash
# The test command (make test): every Python we can find (3.11 as .venv, 3.12 as .venv-py312),
# the Node verifier for interop tests, and a second run on MariaDB when it runs: the app and
# stand-in tests, and the integration tests (a real celery worker on Redis, tests/integration).
# With CI=true nothing optional is optional: a missing Python, Node, MariaDB or Redis fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }
failures=0
ran=0

# The independent verifier's packages (tests/interop). nodeverifier.py fails loudly in CI if missing.
if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then
    echo "== installing the Node verifier (npm ci)"
    (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error) && touch tests/interop/node_modules
  fi
elif ci; then
  echo "npm is required in CI for the interoperability tests" >&2; exit 1
else
  echo "!! npm not found: the interoperability tests will be skipped (install Node.js 20+ to run them)"
fi

port_up() {  # port_up VENV PORT
  "$1/bin/python" - "$2" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}
mariadb_up() { port_up "$1" 3306; }

for version in 3.11 3.12; do
  py=$(find_python "$version" || true)
  if [ -z "$py" ]; then
    if ci; then echo "Python $version is required in CI" >&2; exit 1; fi
    echo "!! Python $version not found: skipping its run"; continue
  fi
  venv=.venv; [ "$version" = "3.11" ] || venv=".venv-py${version/./}"
  make_venv "$venv" "$py" requirements/test.txt
  echo "== Python $version: full suite on SQLite (the integration tests run in the MariaDB pass below)"
  ran=$((ran + 1))
  "$venv/bin/python" -m pytest -p no:cacheprovider --ignore=tests/integration "$@" || failures=$((failures + 1))

  if mariadb_up "$venv"; then
    "$venv/bin/python" -c 'import MySQLdb' 2>/dev/null || "$venv/bin/python" -m pip install -q -r requirements/mysql.txt || true
  fi
  if mariadb_up "$venv" && "$venv/bin/python" -c 'import MySQLdb' 2>/dev/null; then
    # The integration tests start their own celery workers and point them (and themselves) at
    # Redis databases 5 and 6; they fail without Redis in CI and are skipped without it elsewhere.
    port_up "$venv" 6379 || echo "!! Redis not reachable on 127.0.0.1:6379: the integration tests will be skipped"
    echo "== Python $version: app, stand-in and integration tests on MariaDB (127.0.0.1:3306)"
    BADGES_DB=mysql "$venv/bin/python" -m pytest -p no:cacheprovider tests/app tests/standin tests/integration \
      || failures=$((failures + 1))
  elif ci; then
    echo "MariaDB on 127.0.0.1:3306 (and mysqlclient) are required in CI" >&2; failures=$((failures + 1))
  else
    echo "!! MariaDB not reachable on 127.0.0.1:3306 (or mysqlclient not installable): the MariaDB run is skipped"
  fi
done

[ "$ran" -gt 0 ] || { echo "no Python 3.11 or 3.12 found" >&2; exit 1; }
if [ "$failures" -ne 0 ]; then echo "$failures test run(s) failed" >&2; exit 1; fi
echo "all test runs passed"
