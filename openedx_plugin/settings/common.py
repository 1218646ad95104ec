"""
Defaults for every environment; each can be overridden in the host's settings.

Every ``OPENEDX_BADGES_*`` name below can be set from the operator's YAML file (or
Tutor config, which writes it): the platform loads YAML keys as Django settings, and
a default here only fills in what is not set yet.
"""

from ..visibility.settings import visibility_settings

# Dict settings whose keys the operator may give only in part (production.py merges).
DICT_DEFAULTS = {
    "OPENEDX_BADGES_RATE_LIMITS": {"verify": "120/m", "push": "10/m"},
}


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
        # --- Backpacks and wallets (openedx_plugin/backpacks) ---
        # .. toggle_name: OPENEDX_BADGES_AUTO_PUSH
        # .. toggle_implementation: DjangoSetting
        # .. toggle_default: True
        # .. toggle_description: Send each new award to the backpacks where the learner turned on
        #    automatic sending, and to operator-level providers (Credly) set to push every award.
        #    Off: pushes happen only when a learner asks.
        # .. toggle_use_cases: open_edx
        # .. toggle_creation_date: 2026-11-27
        "OPENEDX_BADGES_AUTO_PUSH": True,
        # .. toggle_name: OPENEDX_BADGES_BACKPACK_ALLOW_HTTP
        # .. toggle_implementation: DjangoSetting
        # .. toggle_default: False
        # .. toggle_description: Allow plain http to backpack hosts other than loopback. Tokens would
        #    travel unencrypted: for closed test networks only.
        # .. toggle_use_cases: open_edx
        # .. toggle_creation_date: 2026-11-27
        "OPENEDX_BADGES_BACKPACK_ALLOW_HTTP": False,
        # Seconds to wait for a backpack to accept the connection, then to answer.
        "OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT": 5,
        "OPENEDX_BADGES_BACKPACK_READ_TIMEOUT": 15,
        # Largest answer read from a backpack, in bytes.
        "OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES": 1024 * 1024,
        # Retries of a push after a timeout, refused connection or 5xx, before it is marked failed;
        # the wait starts at RETRY_BACKOFF seconds, doubles, is capped at RETRY_BACKOFF_MAX, with jitter.
        # BACKOFF, BACKOFF_MAX and TIME_LIMIT are read when workers start.
        "OPENEDX_BADGES_PUSH_MAX_RETRIES": 5,
        "OPENEDX_BADGES_PUSH_RETRY_BACKOFF": 30,
        "OPENEDX_BADGES_PUSH_RETRY_BACKOFF_MAX": 3600,
        # Seconds one push may run (soft limit; the hard limit is 30 s later).
        "OPENEDX_BADGES_PUSH_TIME_LIMIT": 120,
        # Seconds a learner has to come back from a backpack's sign-in page.
        "OPENEDX_BADGES_OAUTH_STATE_TTL": 600,
        # Seconds a DCC wallet link (its one-time challenge) stays valid.
        "OPENEDX_BADGES_DCC_CHALLENGE_TTL": 900,
        # What this LMS tells Open Badges 3.0 hosts about itself when it registers as their client
        # (client_name, client_uri, logo_uri, tos_uri, policy_uri); empty values: PLATFORM_NAME and
        # the public base URL with /favicon.ico, /tos and /privacy.
        "OPENEDX_BADGES_OB3_CLIENT": {},
        # --- Bulk awards, caching and rate limits (docs/performance.md) ---
        # Learners per batch of a bulk award (bulk_issue.award_many, badges_bulk_award): one
        # holders query, one locked status-list update and one bulk insert per batch.
        "OPENEDX_BADGES_BULK_BATCH_SIZE": 500,
        # A staff bulk award (admin, badges_award --csv) of at least this many learners goes
        # through the batched path; smaller ones award one learner at a time.
        "OPENEDX_BADGES_BULK_STREAM_THRESHOLD": 200,
        # Seconds a serialized public document (did.json, issuer, key, badge class, status list,
        # revocation list, hosted assertion, credential) stays in Django's cache; entries are
        # invalidated when they change (versioned keys), so this only bounds memory. 0: no caching.
        "OPENEDX_BADGES_PUBLIC_CACHE_SECONDS": 3600,
        # Seconds the verification page may reuse a verification result (never past the
        # credential's expiry; invalidated on revocation, key rotation and edits). 0: verify every time.
        "OPENEDX_BADGES_VERIFY_CACHE_SECONDS": 300,
        # Fixed-window rate limits: "verify" per client address on the public verification page,
        # "push" per learner on sending a badge to a backpack (POST) and retrying; "N/s", "N/m"
        # or "N/h"; None for no limit. Over the limit: 429 with Retry-After.
        "OPENEDX_BADGES_RATE_LIMITS": dict(DICT_DEFAULTS["OPENEDX_BADGES_RATE_LIMITS"]),
    }
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
