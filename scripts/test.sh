#!/usr/bin/env bash
# The test command (make test). One pass per platform we support, each on the Python and the
# package versions that platform runs, plus today's newest versions:
#
#   ulmo      Python 3.11, requirements/test-ulmo.txt (Open edX Ulmo's pins): the full suite on
#             SQLite, then the app, stand-in and integration tests on MariaDB
#   verawood  Python 3.12, requirements/test-verawood.txt (Verawood's pins): the same
#   newest    Python 3.12, requirements/test.txt (newest releases): the full suite on SQLite
#   tutor21   the Tutor plugin's tests under Tutor 21 (Ulmo), requirements/tutor21.txt
#   tutor22   the same under Tutor 22 (Verawood), requirements/tutor22.txt
#
# The Python of each release is the one Tutor builds it with (overhangio/tutor,
# tutor/templates/build/openedx/Dockerfile: 3.11.8 at v21.0.8, 3.12.13 at v22.0.0).
# Choose passes with BADGES_PASSES="ulmo tutor22" (default: all); extra arguments go to pytest.
# With CI=true (tests/ci.py decides) nothing optional is optional: a missing Python, Node,
# MariaDB or Redis fails the run; elsewhere those parts are skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

ci() { python3 tests/ci.py; }
failures=0
ran=0
summary=()
PASSES="${BADGES_PASSES:-ulmo verawood newest tutor21 tutor22}"
# The pass that runs tests/a11y: the first of ulmo, verawood, newest that this run has.
A11Y_PASS=""
for candidate in $PASSES; do
  case "$candidate" in ulmo|verawood|newest) A11Y_PASS="$candidate"; break ;; esac
done

# The Node packages of the tests: the independent verifier (tests/interop), the DCC Learner
# Credential Wallet's own libraries (tests/dcc_wallet), axe-core for the accessibility check
# (tests/a11y) and frontend-plugin-framework for the MFE header check (tests/tutor/node).
# Their tests fail loudly in CI if missing.
if command -v npm >/dev/null 2>&1; then
  for dir in tests/interop tests/dcc_wallet tests/a11y tests/tutor/node; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
      echo "== installing the Node packages of $dir (npm ci)"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) && touch "$dir/node_modules"
    fi
  done
elif ci; then
  echo "npm is required in CI for the interoperability tests" >&2; exit 1
else
  echo "!! npm not found: the interoperability tests will be skipped (install Node.js 20+ to run them)"
fi

port_up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mariadb=0; port_up 3306 && mariadb=1
# mysqlclient builds against libmariadb-dev (.ci/run installs it); without it, outside CI, skip MariaDB.
if [ "$mariadb" = 1 ] && ! ci && ! pkg-config --exists libmariadb 2>/dev/null && ! pkg-config --exists mariadb 2>/dev/null; then
  echo "!! libmariadb-dev not installed (mysqlclient cannot build): the MariaDB parts are skipped"; mariadb=0
fi
if ci; then
  [ "$mariadb" = 1 ] || { echo "MariaDB on 127.0.0.1:3306 is required in CI" >&2; exit 1; }
  port_up 6379 || { echo "Redis on 127.0.0.1:6379 is required in CI (integration tests)" >&2; exit 1; }
fi

# run NAME COMMAND...: run one part, time it, count its failure.
run() {
  local name="$1" start=$SECONDS status=0; shift
  echo "== $name"
  ran=$((ran + 1))
  "$@" || status=$?
  summary+=("$(printf '%-44s %4ss  %s' "$name" $((SECONDS - start)) "$([ $status = 0 ] && echo ok || echo FAILED)")")
  [ $status = 0 ] || failures=$((failures + 1))
}

# venv_for NAME PYTHON_VERSION REQUIREMENTS...: print the venv's directory, made if needed; nothing if
# that Python is missing outside CI.
venv_for() {
  local dir="$1" version="$2" py; shift 2
  py=$(find_python "$version" || true)
  if [ -z "$py" ]; then
    if ci; then echo "Python $version is required in CI" >&2; exit 1; fi
    echo "!! Python $version not found: skipping $dir" >&2; return 0
  fi
  make_venv "$dir" "$py" "$@" >&2
  echo "$dir"
}

# release_pass NAME PYTHON_VERSION REQUIREMENTS: the full suite on SQLite, then the MariaDB part.
release_pass() {
  local name="$1" version="$2" reqs="$3" venv extra=()
  # mysqlclient needs libmariadb-dev to build: installed where MariaDB runs (always in CI).
  [ "$mariadb" = 1 ] && extra=(requirements/mysql.txt)
  venv=$(venv_for ".venv-$name" "$version" "$reqs" "${extra[@]}")
  [ -n "$venv" ] || return 0
  local once=()
  # The accessibility check (tests/a11y: axe-core in Chromium over every page and state, at two
  # widths in two languages, about 4 minutes) reads the HTML the pages send, which the Python
  # and package versions do not change: it runs in the first release pass only.
  [ "$name" = "$A11Y_PASS" ] || once=(--ignore=tests/a11y)
  run "$name: Python $version, full suite, SQLite" \
    "$venv/bin/python" -m pytest -p no:cacheprovider --ignore=tests/integration --ignore=tests/tutor "${once[@]}" \
    "${PYTEST_ARGS[@]}"
  if [ "$mariadb" = 1 ]; then
    # The integration tests start their own celery workers on Redis databases 5 and 6.
    run "$name: Python $version, app+standin+integration, MariaDB" \
      env BADGES_DB=mysql "$venv/bin/python" -m pytest -p no:cacheprovider tests/app tests/standin tests/integration \
      "${PYTEST_ARGS[@]}"
  else
    echo "!! MariaDB not reachable on 127.0.0.1:3306: the $name MariaDB part is skipped"
  fi
}

newest_pass() {
  local venv
  venv=$(venv_for .venv-py312 3.12 requirements/test.txt)
  [ -n "$venv" ] || return 0
  local once=()
  [ "newest" = "$A11Y_PASS" ] || once=(--ignore=tests/a11y)  # see release_pass
  run "newest: Python 3.12, full suite, SQLite" \
    "$venv/bin/python" -m pytest -p no:cacheprovider --ignore=tests/integration --ignore=tests/tutor "${once[@]}" \
    "${PYTEST_ARGS[@]}"
}

# tutor_pass MAJOR PYTHON_VERSION: tests/tutor alone, in a venv with that Tutor (no Django needed).
tutor_pass() {
  local major="$1" version="$2" venv
  venv=$(venv_for ".venv-tutor$major" "$version" "requirements/tutor$major.txt")
  [ -n "$venv" ] || return 0
  run "tutor$major: Tutor $major, Python $version, tests/tutor" \
    env BADGES_EXPECT_TUTOR="$major" "$venv/bin/python" -m pytest -p no:cacheprovider --confcutdir=tests/tutor \
    tests/tutor "${PYTEST_ARGS[@]}"
}

PYTEST_ARGS=("$@")
for pass in $PASSES; do
  case "$pass" in
    ulmo) release_pass ulmo 3.11 requirements/test-ulmo.txt ;;
    verawood) release_pass verawood 3.12 requirements/test-verawood.txt ;;
    newest) newest_pass ;;
    tutor21) tutor_pass 21 3.11 ;;
    tutor22) tutor_pass 22 3.12 ;;
    *) echo "unknown pass $pass (ulmo verawood newest tutor21 tutor22)" >&2; exit 2 ;;
  esac
done

echo "== summary (seconds)"
printf '  %s\n' "${summary[@]:-nothing ran}"
[ "$ran" -gt 0 ] || { echo "no test pass could run (Python 3.11 or 3.12 needed)" >&2; exit 1; }
if [ "$failures" -ne 0 ]; then echo "$failures test run(s) failed" >&2; exit 1; fi
echo "all test runs passed"
