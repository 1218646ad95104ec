"""
Tutor itself, loaded in this process with the plugin, for tests/tutor.

scripts/test.sh runs this folder in small venvs of its own, one per Tutor release the plugin
claims (requirements/tutor21.txt, tutor22.txt), with ``--confcutdir=tests/tutor`` so the
Django fixtures of tests/conftest.py stay out.
"""

import importlib
import importlib.metadata
import importlib.util
import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.ci import in_ci

REPO = Path(__file__).resolve().parents[2]
PLUGIN_DIR = REPO / "tutor-plugin"
NAME = "openedx_badges"
DIST = "tutor-contrib-openedx-badges"
KEY = "OPENEDX_BADGES_KEY_ENCRYPTION_KEY"


def entry_point_of_plugin():
    for entry_point in importlib.metadata.entry_points(group="tutor.plugin.v1"):
        if entry_point.name == NAME:
            return entry_point
    return None


def _install_plugin():
    """``pip install -e tutor-plugin``: --no-deps because tutor is there already (checked before)."""
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", str(PLUGIN_DIR)]
    if importlib.util.find_spec("setuptools") is not None:
        command.insert(-2, "--no-build-isolation")  # no download needed when setuptools is at hand
    subprocess.run(command, check=True)
    site.addsitedir(sysconfig.get_paths()["purelib"])  # the editable install's .pth, in this process
    importlib.invalidate_caches()


@pytest.fixture(scope="session")
def plugins_root(tmp_path_factory):
    """An empty folder for file plugins, so the operator's own ~/.local/share/tutor-plugins stay out."""
    return tmp_path_factory.mktemp("tutor-plugins")


@pytest.fixture(scope="session")
def tutor(plugins_root):
    """Tutor with its core hooks ready and this plugin discovered and loaded, in this process."""
    os.environ["TUTOR_PLUGINS_ROOT"] = str(plugins_root)  # read when tutor is imported
    os.environ.pop("TUTOR_IGNORE_ENTRYPOINT_PLUGINS", None)
    try:
        import tutor  # noqa: F401
    except ImportError:
        if in_ci():
            pytest.fail("tutor is required in CI: pip install -r requirements/tutor22.txt -e tutor-plugin")
        pytest.skip("tutor is not installed (pip install -r requirements/tutor22.txt -e tutor-plugin)")
    if entry_point_of_plugin() is None or importlib.util.find_spec("tutor_openedx_badges") is None:
        _install_plugin()
    from tutor import hooks, plugins
    from tutor.commands import cli  # noqa: F401  (registers what the CLI adds, e.g. iter_mounts for compose)

    hooks.Actions.CORE_READY.do()  # discovers entry-point plugins, once per process
    plugins.load(NAME)
    return sys.modules["tutor"]
