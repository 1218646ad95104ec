"""The host loads the plugin only through edx-django-utils, as the LMS does: check what that wired up."""

import importlib.metadata

from django.conf import settings
from django.urls import reverse

from openedx_plugin import compat


def test_entry_points_are_declared():
    eps = importlib.metadata.entry_points()
    assert "openedx_plugin.apps:OpenBadgesConfig" in {ep.value for ep in eps.select(group="lms.djangoapp")}
    assert "openedx_plugin.apps:OpenBadgesConfig" in {ep.value for ep in eps.select(group="cms.djangoapp")}
    assert "badge_xblock:BadgeXBlock" in {ep.value for ep in eps.select(group="xblock.v1")}


def test_app_installed_through_get_plugin_apps():
    assert "openedx_plugin.apps.OpenBadgesConfig" in settings.INSTALLED_APPS


def test_plugin_settings_applied_common_then_test():
    assert settings.OPENEDX_BADGES_DEFAULT_IDENTITY == "did:web"
    assert settings.OPENEDX_BADGES_STATUS_LIST_SIZE == 131072
    # the test settings module of the plugin set this key
    assert settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS == ["dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTEyMzQ="]


def test_urls_registered_through_plugin_url_patterns():
    assert reverse("openedx_badges:did-default") == "/.well-known/did.json"
    assert reverse("openedx_badges:status-list", kwargs={"list_uuid": "5b3c1e7e-0000-4000-8000-000000000000"}) \
        .startswith("/badges/v1/status/")


def test_retirement_receiver_connected_to_platform_signal_stand_in():
    signal = compat.USER_RETIRE_LMS_MISC
    assert any(entry[0][0] == "openedx_badges.retire_user" for entry in signal.receivers)


def test_production_settings_keep_the_yaml_values():
    """The platform makes YAML keys settings before plugins' production settings run (no ENV_TOKENS)."""
    from types import SimpleNamespace

    from openedx_plugin.settings import common, production

    host = SimpleNamespace()
    common.plugin_settings(host)  # lms/envs/common.py: add_plugins(COMMON)
    host.OPENEDX_BADGES_PUBLIC_BASE_URL = "https://lms.example.org"  # production.py: vars().update(YAML)
    production.plugin_settings(host)
    assert host.OPENEDX_BADGES_PUBLIC_BASE_URL == "https://lms.example.org"
    assert host.OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS is True
