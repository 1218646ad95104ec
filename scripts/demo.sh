#!/usr/bin/env bash
# The demo command (make demo): the stand-in LMS with the plugin, sample data, on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
py=$(find_python 3.11 || find_python 3.12 || true)
[ -n "$py" ] || { echo "Python 3.11 or 3.12 is needed" >&2; exit 1; }
make_venv .venv "$py" requirements/demo.txt
export DJANGO_SETTINGS_MODULE=lms_standin.settings.demo
HOST="${DEMO_HOST:-127.0.0.1}"; PORT="${DEMO_PORT:-8000}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py demo_seed --base-url "http://$HOST:$PORT"
echo "== the stand-in LMS runs on http://$HOST:$PORT/ (admin: admin / admin); Ctrl-C stops it"
exec .venv/bin/python manage.py runserver "$HOST:$PORT" --insecure
