"""The stand-in LMS's own app: connects plugin receivers at start-up, as the LMS's plugins app does."""

import logging

from django.apps import AppConfig

log = logging.getLogger(__name__)

# Receivers whose work the stand-in courseware does itself. edx-completion's
# scorable_block_completion loads the scored block's XBlock class to read its
# completion mode; the stand-in's problems are rows, not XBlocks, so the courseware
# calls the same BlockCompletion.objects.submit_completion for them (courseware.py).
DONE_BY_THE_COURSEWARE = {"completion.handlers.scorable_block_completion"}

# edx-completion's switch (migrations/0003_course_roles_real_completion.py turns it on).
COMPLETION_SWITCH = "completion.enable_completion_tracking"


def connect_plugin_receivers(project_type):
    """
    edx-django-utils' ``connect_plugin_receivers``, for a host without the platform's modules.

    Plugins name platform signals by their real paths (edx-completion names
    ``lms.djangoapps.grades.signals.signals.PROBLEM_WEIGHTED_SCORE_CHANGED``). Paths that
    compat knows resolve to the stand-in's signal of that name, which the stand-in
    courseware sends; any other path that does not import here is skipped with a log line,
    where the LMS would fail to start.
    """
    from edx_django_utils.plugins import constants, registry, utils  # pylint: disable=import-outside-toplevel

    from openedx_plugin import compat  # pylint: disable=import-outside-toplevel

    by_path = {path: name for name, path in compat.PLATFORM_OBJECTS.items()}
    for app_config in registry.get_plugin_app_configs(project_type):
        config = getattr(app_config, constants.PLUGIN_APP_CLASS_ATTRIBUTE_NAME, {})
        signals_config = config.get(constants.PluginSignals.CONFIG, {}).get(project_type)
        if not signals_config:
            continue
        module = utils.import_module(utils.get_module_path(app_config, signals_config, constants.PluginSignals))
        for receiver in signals_config.get(constants.PluginSignals.RECEIVERS, []):
            func = utils.import_attr_in_module(module, receiver[constants.PluginSignals.RECEIVER_FUNC_NAME])
            if f"{func.__module__}.{func.__name__}" in DONE_BY_THE_COURSEWARE:
                continue
            path = receiver[constants.PluginSignals.SIGNAL_PATH]
            try:
                signal = (compat.get_platform_object(by_path[path]) if path in by_path
                          else utils.import_attr(path))
                sender_path = receiver.get(constants.PluginSignals.SENDER_PATH)
                sender = utils.import_attr(sender_path) if sender_path else None
            except ImportError:
                log.info("Stand-in LMS: %s's receiver %s listens to %s, which this host does not have.",
                         app_config.name, func.__name__, path)
                continue
            signal.connect(func, sender=sender,
                           dispatch_uid=receiver.get(constants.PluginSignals.DISPATCH_UID) or func)


class StandInLmsConfig(AppConfig):
    name = "lms_standin"
    verbose_name = "Stand-in LMS"

    def ready(self):
        from django.db.models.signals import post_migrate  # pylint: disable=import-outside-toplevel

        from .settings.base import PROJECT_TYPE  # pylint: disable=import-outside-toplevel

        connect_plugin_receivers(PROJECT_TYPE)
        post_migrate.connect(completion_tracking_stays_on, sender=self)


def completion_tracking_stays_on(using="default", **kwargs):
    """
    The stand-in starts with edx-completion's switch on (migration 0003); a database flush
    (``flush``, and the transactional tests' teardown, which then send ``post_migrate``) would
    otherwise leave the next test's courseware unable to record completion.
    """
    from waffle.models import Switch  # pylint: disable=import-outside-toplevel

    Switch.objects.using(using).get_or_create(name=COMPLETION_SWITCH, defaults={"active": True})
