"""Defaults for every environment; each can be overridden in the host's settings."""


def plugin_settings(settings):
    """Add the plugin's defaults to the host project's settings module."""
    defaults = {
        # Origin under which public documents (credentials, assertions, did.json)
        # are published, e.g. "https://lms.example.com". Empty: use LMS_ROOT_URL.
        "OPENEDX_BADGES_PUBLIC_BASE_URL": "",
        # Fernet keys (urlsafe base64, 32 bytes) that encrypt private signing keys
        # at rest. The first encrypts; all decrypt, so keys can be rotated by
        # prepending a new one. Empty: a key is derived from SECRET_KEY (fine for
        # development, and production.py refuses it).
        "OPENEDX_BADGES_KEY_ENCRYPTION_KEYS": [],
        # Identity used for new issuers: "did:web" (keys can rotate) or "did:key".
        "OPENEDX_BADGES_DEFAULT_IDENTITY": "did:web",
        # Largest accepted badge or issuer image, in bytes and in pixels.
        "OPENEDX_BADGES_MAX_IMAGE_BYTES": 512 * 1024,
        "OPENEDX_BADGES_MAX_IMAGE_PIXELS": 2048 * 2048,
        # Bits per Bitstring Status List (the spec's minimum is 131,072).
        "OPENEDX_BADGES_STATUS_LIST_SIZE": 131072,
        # Celery queue for the plugin's tasks; None: the host's default queue.
        "OPENEDX_BADGES_CELERY_QUEUE": None,
        # .. toggle_name: OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE
        # .. toggle_implementation: DjangoSetting
        # .. toggle_default: True
        # .. toggle_description: When a course certificate is revoked, revoke the badges whose
        #    rules required that certificate.
        # .. toggle_use_cases: open_edx
        # .. toggle_creation_date: 2026-11-27
        "OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE": True,
        # .. toggle_name: OPENEDX_BADGES_NOTIFY_LEARNERS
        # .. toggle_implementation: DjangoSetting
        # .. toggle_default: True
        # .. toggle_description: Email learners when they earn a badge.
        # .. toggle_use_cases: open_edx
        # .. toggle_creation_date: 2026-11-27
        "OPENEDX_BADGES_NOTIFY_LEARNERS": True,
    }
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    # The sweeper re-queues evaluations stored while the broker was down, for hosts that
    # run celery beat; ``manage.py badges_sweep`` does the same from cron or a Tutor job.
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
    if schedule is None:
        schedule = {}
        settings.CELERY_BEAT_SCHEDULE = schedule
    schedule.setdefault("openedx_badges.sweep_pending", {"task": "openedx_badges.sweep_pending", "schedule": 300.0})
