"""
The Tutor plugin's switches for issue 14: the badge events on the event bus (off by
default, on with OPENEDX_BADGES_EVENT_BUS) and the tracking events (on by default).
The settings patch is rendered and run as the LMS's settings would run it.
"""


import pytest

from .test_tutor_plugin import _config, _exec_settings, _render_patch

AWARDED = "org.openedx.learning.badge.awarded.v1"
REVOKED = "org.openedx.learning.badge.revoked.v1"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "tutor-root"


def _settings(tutor, root, **user):
    return _exec_settings(_render_patch(_config(tutor, root, **user), "openedx-common-settings"),
                          EVENT_BUS_PRODUCER_CONFIG={
                              "org.openedx.learning.course.passing.status.updated.v1": {
                                  "learning-badges-lifecycle": {"event_key_field": "x", "enabled": True}}})


def test_event_bus_is_off_by_default_and_tracking_on(tutor, root):
    settings = _settings(tutor, root)
    assert settings["OPENEDX_BADGES_EVENT_BUS_ENABLED"] is False
    assert settings["OPENEDX_BADGES_TRACKING_ENABLED"] is True
    config = settings["EVENT_BUS_PRODUCER_CONFIG"]
    assert config[AWARDED] == {"learning-badges-lifecycle": {"event_key_field": "badge.uuid", "enabled": False}}
    assert config[REVOKED]["learning-badges-lifecycle"]["enabled"] is False


def test_operator_turns_the_event_bus_on(tutor, root):
    settings = _settings(tutor, root, OPENEDX_BADGES_EVENT_BUS=True, OPENEDX_BADGES_TRACKING=False)
    config = settings["EVENT_BUS_PRODUCER_CONFIG"]
    for event_type in (AWARDED, REVOKED):
        assert config[event_type]["learning-badges-lifecycle"] == {"event_key_field": "badge.uuid", "enabled": True}
    # the platform's other entries are kept
    assert config["org.openedx.learning.course.passing.status.updated.v1"]["learning-badges-lifecycle"]["enabled"]
    assert settings["OPENEDX_BADGES_TRACKING_ENABLED"] is False


def test_topic_can_be_changed(tutor, root):
    settings = _settings(tutor, root, OPENEDX_BADGES_EVENT_BUS=True, OPENEDX_BADGES_EVENT_BUS_TOPIC="badges")
    assert settings["EVENT_BUS_PRODUCER_CONFIG"][AWARDED]["badges"]["enabled"] is True
    assert settings["OPENEDX_BADGES_EVENT_BUS_TOPIC"] == "badges"


def test_the_plugin_reads_what_the_patch_sets(tutor, root):
    """The plugin's production settings keep the operator's switch (visibility/settings.py)."""
    import types  # pylint: disable=import-outside-toplevel

    from openedx_plugin.visibility.settings import visibility_settings  # pylint: disable=import-outside-toplevel

    module = types.SimpleNamespace(**{k: v for k, v in _settings(tutor, root, OPENEDX_BADGES_EVENT_BUS=True).items()
                                      if k.isupper()})
    visibility_settings(module)
    assert module.EVENT_BUS_PRODUCER_CONFIG[AWARDED]["learning-badges-lifecycle"]["enabled"] is True
