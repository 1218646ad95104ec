"""
The Tutor plugin on each Tutor it claims: 21 (Ulmo) and 22 (Verawood).

scripts/test.sh runs tests/tutor once under each (requirements/tutor21.txt, tutor22.txt).
Tutor 22 added ``hooks.Actions.ENV_SAVED`` (overhangio/tutor, tutor/hooks/catalog.py on the
verawood branch; absent at v21.0.8); the plugin keeps the rendered encryption key through it
there, and through ``CONFIG_LOADED`` on Tutor 21. The CLI test of test_tutor_plugin.py
(test_key_reaching_the_environment_is_saved) checks the outcome under both.
"""

import os
import tomllib

import pytest

from tests.ci import in_ci

from .conftest import KEY, PLUGIN_DIR
from .test_tutor_plugin import _saved_config


def _major(tutor):
    return int(tutor.__about__.__version__.split(".")[0])


def test_tutor_is_one_the_plugin_claims(tutor):
    """pyproject.toml claims exactly the Tutor majors CI runs the plugin under."""
    claimed = tomllib.loads((PLUGIN_DIR / "pyproject.toml").read_text())["project"]["dependencies"]
    assert claimed == ["tutor>=21.0.8,<23.0.0"]
    assert _major(tutor) in (21, 22)


def _callbacks(action):
    return [callback.func.__name__ for callback in action.callbacks]


def test_the_key_is_kept_through_the_action_this_tutor_has(tutor):
    from tutor import hooks

    if _major(tutor) >= 22:
        assert hasattr(hooks.Actions, "ENV_SAVED")
        assert "_keep_rendered_key" in _callbacks(hooks.Actions.ENV_SAVED)
        assert "_keep_loaded_key" not in _callbacks(hooks.Actions.CONFIG_LOADED)
    else:
        assert not hasattr(hooks.Actions, "ENV_SAVED")
        assert "_keep_loaded_key" in _callbacks(hooks.Actions.CONFIG_LOADED)


def test_loading_the_config_outside_the_cli_writes_nothing(tutor, tmp_path):
    """The Python API (no ``tutor --root`` command running) has no project to write to."""
    from tutor_openedx_badges import plugin

    root = tmp_path / "root"
    root.mkdir()
    (root / "config.yml").write_text("LMS_HOST: lms.example.com\n")
    plugin._keep_loaded_key({KEY: "a-key"})  # pylint: disable=protected-access
    assert KEY not in _saved_config(root)


def test_ci_runs_this_under_a_known_tutor(tutor):
    """In CI each Tutor venv must really hold the Tutor its requirements file names."""
    if not in_ci():
        pytest.skip("checked in CI, where scripts/test.sh says which Tutor it expects")
    expected = os.environ.get("BADGES_EXPECT_TUTOR")
    if expected is None:
        pytest.fail("BADGES_EXPECT_TUTOR is not set: run the Tutor tests through scripts/test.sh", pytrace=False)
    assert str(_major(tutor)) == expected
