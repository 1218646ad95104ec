"""
Defaults for every environment; each can be overridden in the host's settings.
The names, their defaults and their annotations are in ``openedx_plugin/conf.py``.

Every ``OPENEDX_BADGES_*`` name below can be set from the operator's YAML file (or
Tutor config, which writes it): the platform loads YAML keys as Django settings, and
a default here only fills in what is not set yet.
"""

from .. import conf
from ..visibility.settings import visibility_settings

# Dict settings whose keys the operator may give only in part (production.py merges).
DICT_DEFAULTS = {"OPENEDX_BADGES_RATE_LIMITS": conf.DEFAULTS["OPENEDX_BADGES_RATE_LIMITS"]}


def plugin_settings(settings):
    """Add the plugin's defaults (``conf.DEFAULTS``: each setting's one default) to the host's settings."""
    defaults = conf.defaults()
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    visibility_settings(settings)  # the event bus entries and the tracking switch (visibility/settings.py)
    # The sweeper re-queues evaluations stored while the broker was down, for hosts that
    # run celery beat; ``manage.py badges_sweep`` does the same from cron or a Tutor job.
    # The LMS and Studio configure celery with config_from_object('django.conf:settings')
    # and no namespace (openedx/core/lib/celery/__init__.py), so beat reads the old-style
    # name CELERYBEAT_SCHEDULE, as the platform's own settings write it; a
    # CELERY_BEAT_SCHEDULE entry would never run there.
    schedule = getattr(settings, "CELERYBEAT_SCHEDULE", None)
    if schedule is None:
        schedule = {}
        settings.CELERYBEAT_SCHEDULE = schedule
    schedule.setdefault("openedx_badges.sweep_pending", {"task": "openedx_badges.sweep_pending", "schedule": 300.0})
    # Pushes left pending while the broker was down are queued again.
    schedule.setdefault("openedx_badges.requeue_pushes", {"task": "openedx_badges.requeue_pushes", "schedule": 600.0})
    # Issue 18: "your badge expires soon" emails, once per award (OPENEDX_BADGES_EXPIRY_NOTICE_DAYS).
    schedule.setdefault("openedx_badges.notify_expiring", {"task": "openedx_badges.notify_expiring",
                                                           "schedule": 3600.0})
    # Issue 21: the static verification bundle's refresh, when OPENEDX_BADGES_BUNDLE_DIR is set.
    add_bundle_refresh(settings)


# --- the static verification bundle's refresh (issue 21) ------------------------------------------
# Only when OPENEDX_BADGES_BUNDLE_DIR names a folder: a site that keeps no static copy runs
# nothing. Called again by production.py, where YAML values are already settings.

BUNDLE_TASK = "openedx_badges.export_bundle"


def _host_value(settings, name):
    """The host's value of ``name`` while settings load (django.conf is not ready), else conf's default."""
    return getattr(settings, name, conf.DEFAULTS[name])


def add_bundle_refresh(settings):
    """Schedule the bundle's refresh in the schedule the LMS's beat reads (``CELERYBEAT_SCHEDULE``)."""
    if not _host_value(settings, "OPENEDX_BADGES_BUNDLE_DIR"):
        return
    schedule = getattr(settings, "CELERYBEAT_SCHEDULE", None)
    if schedule is None:
        schedule = settings.CELERYBEAT_SCHEDULE = {}
    seconds = _host_value(settings, "OPENEDX_BADGES_BUNDLE_REFRESH_SECONDS")  # a number, from YAML too
    schedule.setdefault(BUNDLE_TASK, {"task": BUNDLE_TASK, "schedule": seconds})
