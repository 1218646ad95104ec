"""
One answer to "is this a CI run?" (tests/ci.py), for every test and for scripts/test.sh.

Four spellings used to disagree (``CI=yes`` was CI for the Tutor tests only, ``CI=false`` was
CI for the browser, interop and notification tests), so a run could be half strict.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci import in_ci

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), ("0", False), ("false", False), ("False", False), ("no", False), ("off", False),
    ("true", True), ("1", True), ("yes", True), ("TRUE", True), ("github-actions", True),
])
def test_in_ci(value, expected):
    environ = {} if value is None else {"CI": value}
    assert in_ci(environ) is expected


def test_the_shell_asks_the_same_question():
    for value, code in (("true", 0), ("false", 1), ("", 1)):
        result = subprocess.run([sys.executable, str(REPO / "tests" / "ci.py")], env={"CI": value}, check=False)
        assert result.returncode == code, value


# os.environ.get("CI"), os.environ["CI"], getenv("CI"), and the shell's ${CI...} / $CI
READS_CI = re.compile(r"""(environ(\.get)?\(?\[?\s*["']CI["']|getenv\(\s*["']CI["']|\$\{?CI\b(?!_))""")


def test_nothing_else_decides():
    readers = []
    for folder in ("tests", "scripts", "lms_standin"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix not in (".py", ".sh") or "node_modules" in path.parts or path.name == "ci.py":
                continue
            if path == Path(__file__).resolve():
                continue
            if READS_CI.search(path.read_text(encoding="utf-8", errors="replace")):
                readers.append(str(path.relative_to(REPO)))
    assert readers == [], f"ask tests.ci.in_ci() (or `python3 tests/ci.py` in shell) instead: {readers}"


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_integration_tests_without_mariadb_fail_in_ci_and_skip_elsewhere(ci, outcome):
    """A CI that runs plain pytest or tox on SQLite must not pass the integration tests by skipping them."""
    environ = {key: value for key, value in os.environ.items() if key not in ("CI", "BADGES_DB")}
    environ["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header",
         "tests/integration/test_triggers.py::test_problem_score_awards_the_assessment_badge"],
        cwd=REPO, env=environ, capture_output=True, text=True, timeout=300, check=False)
    assert outcome in result.stdout, result.stdout[-3000:]
    if ci:
        assert "BADGES_DB=mysql" in result.stdout and "(required in CI)" in result.stdout
