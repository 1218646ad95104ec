"""Settings for test runs of a host project."""

from . import common


def plugin_settings(settings):
    """Use the common defaults with a fixed encryption key so tests are repeatable."""
    common.plugin_settings(settings)
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = ["dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTEyMzQ="]
