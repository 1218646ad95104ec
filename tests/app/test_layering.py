"""The layers import only downwards, and only compat.py names the platform."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLATFORM_PREFIXES = ("lms", "cms", "openedx.", "common.djangoapps", "xmodule")


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_engine_imports_no_django():
    for path in (ROOT / "openedx_plugin" / "engine").rglob("*.py"):
        for name in imports_of(path):
            assert not name.startswith(("django", "openedx_plugin.models", "badge_xblock")), (path, name)


def test_engine_imports_cleanly_without_django_in_a_fresh_interpreter():
    code = ("import sys, openedx_plugin.engine.dataintegrity, openedx_plugin.engine.ob3, "
            "openedx_plugin.engine.ob2, openedx_plugin.engine.baking, openedx_plugin.engine.verify; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_only_compat_touches_platform_code():
    for path in (ROOT / "openedx_plugin").rglob("*.py"):
        if path.name == "compat.py":
            continue
        for name in imports_of(path):
            assert not name.startswith(PLATFORM_PREFIXES) or name.startswith("openedx_events"), (path, name)


def test_app_does_not_import_the_xblock():
    for path in (ROOT / "openedx_plugin").rglob("*.py"):
        for name in imports_of(path):
            assert not name.startswith("badge_xblock"), (path, name)
