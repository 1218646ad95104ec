"""
The badge block in xblock-sdk's workbench (issue 19, item 14), in CI.

The cases (tests/xblock/workbench/cases.py) need the workbench's own Django settings,
so they run in a pytest process of their own; each case is reported here under its
own name. xblock-sdk (with ``XBlock[django]``) is a test requirement: when it is missing
the tests skip locally and fail when CI=true.
"""

import ast
import importlib.util
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.ci import in_ci

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "workbench" / "cases.py"
NAMES = [node.name for node in ast.parse(CASES.read_text()).body
         if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
MISSING = [name for name in ("workbench", "lazy", "djpyfs") if importlib.util.find_spec(name) is None]


def _in_ci():
    return in_ci()


@pytest.fixture(scope="module")
def workbench_run(tmp_path_factory):
    """Run every case once in the workbench's settings; {case: failure text or None}."""
    if MISSING:
        message = f"xblock-sdk's workbench needs {', '.join(MISSING)} (pip install xblock-sdk 'XBlock[django]')"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    report = tmp_path_factory.mktemp("workbench") / "report.xml"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest", "-o", "addopts=",
               "--ds=tests.xblock.workbench.settings", f"--junitxml={report}", str(CASES.relative_to(ROOT))]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if not report.exists():
        pytest.fail(f"the workbench run did not report:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("name").split("[")[0]
        failure = case.find("failure") if case.find("failure") is not None else case.find("error")
        skipped = case.find("skipped")
        text = failure.text if failure is not None else ("skipped: " + skipped.get("message", "")
                                                          if skipped is not None else None)
        if text or name not in outcomes:
            outcomes[name] = text
    return outcomes


@pytest.mark.parametrize("case", NAMES)
def test_in_the_workbench(case, workbench_run):
    assert case in workbench_run, f"{case} did not run in the workbench"
    assert workbench_run[case] is None, workbench_run[case]
