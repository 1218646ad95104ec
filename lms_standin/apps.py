"""The stand-in LMS's own app: connects plugin receivers at start-up, as the LMS's plugins app does."""

from django.apps import AppConfig


class StandInLmsConfig(AppConfig):
    name = "lms_standin"
    verbose_name = "Stand-in LMS"

    def ready(self):
        from edx_django_utils.plugins import connect_plugin_receivers  # pylint: disable=import-outside-toplevel

        from .settings.base import PROJECT_TYPE  # pylint: disable=import-outside-toplevel

        connect_plugin_receivers(PROJECT_TYPE)
