"""App configuration: how the LMS and Studio discover and wire the plugin."""

from django.apps import AppConfig

# Project and settings names as edx-platform's plugin framework spells them
# (``openedx.core.djangoapps.plugins.constants``), restated so this module
# never imports the platform.
LMS = "lms.djangoapp"
CMS = "cms.djangoapp"


def _settings(*kinds):
    return {kind: {"relative_path": f"settings.{kind}"} for kind in kinds}


class OpenBadgesConfig(AppConfig):
    """The Open Badges plugin app."""

    name = "openedx_plugin"
    label = "openedx_badges"
    verbose_name = "Open Badges"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {
            LMS: {"namespace": "openedx_badges", "regex": r"^", "relative_path": "urls"},
            CMS: {"namespace": "openedx_badges", "regex": r"^", "relative_path": "urls"},
        },
        "settings_config": {
            LMS: _settings("common", "production", "test"),
            CMS: _settings("common", "production", "test"),
        },
        "signals_config": {
            LMS: {
                "relative_path": "handlers",
                "receivers": [
                    {
                        "receiver_func_name": "on_user_retired",
                        "signal_path": "openedx_plugin.compat.USER_RETIRE_LMS_MISC",
                        "dispatch_uid": "openedx_badges.retire_user",
                    },
                ],
            },
        },
    }
