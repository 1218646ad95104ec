"""App configuration: how the LMS and Studio discover and wire the plugin."""

from django.apps import AppConfig

# Project and settings names as edx-platform's plugin framework spells them
# (``openedx.core.djangoapps.plugins.constants``), restated so this module
# never imports the platform.
LMS = "lms.djangoapp"
CMS = "cms.djangoapp"


def _settings(*kinds):
    return {kind: {"relative_path": f"settings.{kind}"} for kind in kinds}


OPENEDX_EVENTS = "openedx_events.learning.signals"
COMPAT = "openedx_plugin.compat"


def _receiver(func, signal_path, uid, sender_path=None):
    entry = {"receiver_func_name": func, "signal_path": signal_path, "dispatch_uid": f"openedx_badges.{uid}"}
    if sender_path:
        entry["sender_path"] = sender_path
    return entry


# openedx-events by their stable paths; the platform's internal signals (no stability
# contract) through compat, which resolves them to the platform's objects in the LMS.
_RECEIVERS = [
    _receiver("on_course_passing_status", f"{OPENEDX_EVENTS}.COURSE_PASSING_STATUS_UPDATED", "passing"),
    _receiver("on_course_passing_status", f"{OPENEDX_EVENTS}.CCX_COURSE_PASSING_STATUS_UPDATED", "ccx_passing"),
    _receiver("on_persistent_grade", f"{OPENEDX_EVENTS}.PERSISTENT_GRADE_SUMMARY_CHANGED", "grade_summary"),
    _receiver("on_certificate", f"{OPENEDX_EVENTS}.CERTIFICATE_CREATED", "cert_created"),
    _receiver("on_certificate", f"{OPENEDX_EVENTS}.CERTIFICATE_CHANGED", "cert_changed"),
    _receiver("on_certificate_revoked", f"{OPENEDX_EVENTS}.CERTIFICATE_REVOKED", "cert_revoked"),
    _receiver("on_problem_score", f"{COMPAT}.PROBLEM_WEIGHTED_SCORE_CHANGED", "problem_score"),
    _receiver("on_subsection_score", f"{COMPAT}.SUBSECTION_SCORE_CHANGED", "subsection_score"),
    _receiver("on_course_grade_passed", f"{COMPAT}.COURSE_GRADE_PASSED_FIRST_TIME", "passed_first_time"),
    _receiver("on_course_grade_passed", f"{COMPAT}.COURSE_GRADE_NOW_PASSED", "now_passed"),
    _receiver("on_block_completion", "django.db.models.signals.post_save", "completion",
              sender_path=f"{COMPAT}.BlockCompletion"),
    _receiver("on_user_retired", f"{COMPAT}.USER_RETIRE_LMS_MISC", "retire_user"),
]


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
            LMS: {"relative_path": "handlers", "receivers": _RECEIVERS},
        },
    }

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the models exist, and
        # these modules use them. ``caching`` connects its invalidation receivers on import
        # (every process that can edit issuers, badges or keys, Studio too, must have them);
        # ``checks`` registers the plugin's system checks.
        from django.db.models.signals import post_delete, post_save  # pylint: disable=import-outside-toplevel

        from . import checks  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        from .awards import rule_index  # pylint: disable=import-outside-toplevel
        from .credentials import caching  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        from .models import BadgeClass, BadgeRule  # pylint: disable=import-outside-toplevel

        def invalidate(**kwargs):
            rule_index.invalidate()

        for model in (BadgeRule, BadgeClass):  # weak=False: the closure has no other reference
            name = model.__name__
            post_save.connect(invalidate, sender=model, weak=False, dispatch_uid=f"openedx_badges.index.save.{name}")
            post_delete.connect(invalidate, sender=model, weak=False, dispatch_uid=f"openedx_badges.index.del.{name}")
