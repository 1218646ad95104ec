"""The tracker is platform code: only compat imports eventtracking; the settings module imports no models."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "openedx_plugin"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_compat_imports_eventtracking():
    importers = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                 if any(name.split(".")[0] == "eventtracking" for name in imported_modules(path))}
    assert importers == {"compat.py"}


def test_visibility_settings_import_nothing_of_the_app():
    """Run while the host's settings load: any import of models or openedx-events there breaks start-up."""
    names = set(imported_modules(PACKAGE / "visibility" / "settings.py"))
    assert not names, names


@pytest.mark.parametrize("module", ["event_bus", "tracking", "overview"])
def test_platform_code_only_through_compat(module):
    names = set(imported_modules(PACKAGE / "visibility" / f"{module}.py"))
    assert not {name for name in names if name.split(".")[0] in ("lms", "openedx", "common", "cms")}
