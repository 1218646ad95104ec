"""
The beat entry of the bundle refresh, added by the plugin settings (no Django app import here).

Only when ``OPENEDX_BADGES_BUNDLE_DIR`` names a folder: a site that keeps no static copy
runs nothing. The LMS's celery reads ``CELERYBEAT_SCHEDULE`` (see settings/common.py).
"""

TASK = "openedx_badges.export_bundle"
DEFAULT_SECONDS = 3600.0


def add_beat_entry(settings):
    if not getattr(settings, "OPENEDX_BADGES_BUNDLE_DIR", ""):
        return
    schedule = getattr(settings, "CELERYBEAT_SCHEDULE", None)
    if schedule is None:
        schedule = settings.CELERYBEAT_SCHEDULE = {}
    seconds = float(getattr(settings, "OPENEDX_BADGES_BUNDLE_REFRESH_SECONDS", DEFAULT_SECONDS))
    schedule.setdefault(TASK, {"task": TASK, "schedule": seconds})
