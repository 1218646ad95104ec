"""Every OPENEDX_BADGES_* setting has one default, in conf.py, and is read through conf.get."""

import pathlib
import re

import pytest

from openedx_plugin import conf
from openedx_plugin.settings import common

APP = pathlib.Path(__file__).resolve().parents[2] / "openedx_plugin"
NAME = re.compile(r"\bOPENEDX_BADGES_[A-Z0-9_]*[A-Z0-9]\b")


def app_sources():
    return [path for path in APP.rglob("*.py") if "migrations" not in path.parts]


def test_every_setting_the_app_names_has_its_default_in_conf():
    named = {name for path in app_sources() for name in NAME.findall(path.read_text())}
    assert named - set(conf.DEFAULTS) == set()


def test_no_default_is_restated_where_a_setting_is_read():
    restated = [f"{path.relative_to(APP)}:{number}" for path in app_sources() if path.name != "conf.py"
                for number, line in enumerate(path.read_text().splitlines(), 1)
                if re.search(r"getattr\(settings,\s*[\"']OPENEDX_BADGES_", line)]
    assert restated == []


def test_the_plugin_settings_install_the_conf_defaults():
    class Host:
        pass

    host = Host()
    common.plugin_settings(host)
    for name, default in conf.DEFAULTS.items():
        if name not in conf.NOT_INSTALLED:
            assert getattr(host, name) == default, name


def test_a_host_value_wins_and_an_unknown_name_is_an_error(settings):
    settings.OPENEDX_BADGES_STATUS_LIST_SIZE = 16
    assert conf.get("OPENEDX_BADGES_STATUS_LIST_SIZE") == 16
    with pytest.raises(KeyError):
        conf.get("OPENEDX_BADGES_NO_SUCH_THING")


def test_every_toggle_and_setting_is_annotated():
    text = (APP / "conf.py").read_text()
    annotated = set(re.findall(r"\.\. (?:toggle|setting)_name: (OPENEDX_BADGES_\w+)", text))
    assert annotated == set(conf.DEFAULTS)
    for name, default in conf.DEFAULTS.items():
        if isinstance(default, bool):
            assert f".. toggle_name: {name}" in text, name


def test_every_rate_limit_scope_in_use_has_a_default():
    used = set()
    for path in app_sources():
        text = path.read_text()
        used |= set(re.findall(r"(?:ratelimit\.hit|ratelimit\.limit_for|ratelimit|drf_throttle|hit)\(\s*\"(\w+)\"", text))
    assert used and used <= set(conf.RATE_LIMIT_DEFAULTS), used
