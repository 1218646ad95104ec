"""
Settings for the event bus and the tracking log, applied by the plugin's settings modules.

Imported while the host's settings load: no models, no app imports here.
"""

from .. import conf

# The topic and key the credentials service produces the same two events with
# (openedx/credentials credentials/settings/base.py, EVENT_BUS_PRODUCER_CONFIG),
# so a site's consumers of badge events read one topic whichever service awarded.
TOPIC = conf.DEFAULTS["OPENEDX_BADGES_EVENT_BUS_TOPIC"]
EVENT_KEY_FIELD = "badge.uuid"
EVENT_TYPES = ("org.openedx.learning.badge.awarded.v1", "org.openedx.learning.badge.revoked.v1")


def producer_config(topic=TOPIC, enabled=True):
    """The ``EVENT_BUS_PRODUCER_CONFIG`` entries for the badge events."""
    return {event_type: {topic: {"event_key_field": EVENT_KEY_FIELD, "enabled": enabled}}
            for event_type in EVENT_TYPES}


def visibility_settings(settings):
    """
    Defaults, and the badge events' entries in ``EVENT_BUS_PRODUCER_CONFIG``.

    The entries are always present, so openedx-events connects its producing handler
    to the two signals at start-up (it reads the dict once, in ``ready``); whether it
    produces is read at each send, from ``enabled``, which follows
    ``OPENEDX_BADGES_EVENT_BUS_ENABLED``. An operator's own entry for the topic keeps
    its key field. Run from common and again from production, after the YAML is loaded.
    """
    for name in ("OPENEDX_BADGES_EVENT_BUS_ENABLED", "OPENEDX_BADGES_EVENT_BUS_TOPIC",
                 "OPENEDX_BADGES_TRACKING_ENABLED"):
        if not hasattr(settings, name):
            setattr(settings, name, conf.DEFAULTS[name])
    config = dict(getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", None) or {})
    enabled = bool(settings.OPENEDX_BADGES_EVENT_BUS_ENABLED)
    for event_type, topics in producer_config(settings.OPENEDX_BADGES_EVENT_BUS_TOPIC, enabled).items():
        merged = {topic: dict(entry) for topic, entry in (config.get(event_type) or {}).items()}
        for topic, entry in topics.items():
            merged.setdefault(topic, entry)["enabled"] = enabled
        config[event_type] = merged
    settings.EVENT_BUS_PRODUCER_CONFIG = config
    # The overview's award tallies move on every ten minutes (visibility/overview.py).
    schedule = getattr(settings, "CELERYBEAT_SCHEDULE", None)
    if schedule is None:
        schedule = settings.CELERYBEAT_SCHEDULE = {}
    schedule.setdefault("openedx_badges.refresh_overview", {"task": "openedx_badges.refresh_overview",
                                                           "schedule": 600.0})
