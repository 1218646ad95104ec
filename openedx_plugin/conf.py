"""
Every ``OPENEDX_BADGES_*`` setting, with its one default, and the one place they are read.

``settings/common.py`` fills these defaults into the host's settings (an operator's YAML
or Tutor value wins); code reads a setting with ``conf.get(name)``, so no default is
restated at the point of use. Toggles carry the Open edX code annotations
(``.. toggle_name:``), the other settings ``.. setting_name:`` ones, so that
code-annotations lists them in the platform's settings reference.
"""

import copy

# Scopes of OPENEDX_BADGES_RATE_LIMITS and their limits ("N/s", "N/m", "N/h"; None: no limit).
# A host's dict may name only some scopes: a scope it leaves out keeps the limit here, except
# the two oldest scopes ("verify", "push"), whose absence has always meant "no limit".
RATE_LIMIT_DEFAULTS = {
    "verify": "120/m",  # per client address, the public verification page
    "push": "10/m",  # per learner, sending a badge to a backpack and retrying
    "api": "120/m",  # per learner (per address before sign-in), the wallet's REST API
    "check_now": "10/m",  # per learner, the block's "check my progress" evaluations
    "dcc_request": "30/h",  # per learner, wallet links (each writes a challenge row)
    "dcc_exchange": "30/m",  # per client address, the public DCC exchange endpoint
    "dcc_exchange_id": "10/h",  # per exchange id, guessing or hammering one exchange
}
RATE_LIMIT_LEGACY_SCOPES = frozenset({"verify", "push"})

DEFAULTS = {
    # .. setting_name: OPENEDX_BADGES_PUBLIC_BASE_URL
    # .. setting_default: "" (LMS_ROOT_URL)
    # .. setting_description: Origin under which public documents (credentials, assertions,
    #    did.json) are published, e.g. "https://lms.example.com". Empty: LMS_ROOT_URL.
    "OPENEDX_BADGES_PUBLIC_BASE_URL": "",
    # .. setting_name: OPENEDX_BADGES_KEY_ENCRYPTION_KEYS
    # .. setting_default: []
    # .. setting_description: Fernet keys (urlsafe base64, 32 bytes) that encrypt private signing
    #    keys at rest. The first encrypts; all decrypt, so keys rotate by prepending a new one.
    #    Empty: a key is derived from SECRET_KEY (development only; production refuses it).
    "OPENEDX_BADGES_KEY_ENCRYPTION_KEYS": [],
    # .. toggle_name: OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: False
    # .. toggle_description: Refuse to sign without OPENEDX_BADGES_KEY_ENCRYPTION_KEYS; the
    #    production settings turn it on, and a system check reports it at start-up.
    # .. toggle_use_cases: open_edx
    # .. toggle_creation_date: 2026-11-27
    "OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS": False,
    # .. setting_name: OPENEDX_BADGES_DEFAULT_IDENTITY
    # .. setting_default: "did:web"
    # .. setting_description: Identity of new issuers: "did:web" (keys can rotate) or "did:key".
    "OPENEDX_BADGES_DEFAULT_IDENTITY": "did:web",
    # .. setting_name: OPENEDX_BADGES_MAX_IMAGE_BYTES
    # .. setting_default: 524288
    # .. setting_description: Largest accepted badge or issuer image, in bytes.
    "OPENEDX_BADGES_MAX_IMAGE_BYTES": 512 * 1024,
    # .. setting_name: OPENEDX_BADGES_MAX_IMAGE_PIXELS
    # .. setting_default: 4194304
    # .. setting_description: Largest accepted badge or issuer image, in pixels.
    "OPENEDX_BADGES_MAX_IMAGE_PIXELS": 2048 * 2048,
    # .. setting_name: OPENEDX_BADGES_STATUS_LIST_SIZE
    # .. setting_default: 131072
    # .. setting_description: Bits per Bitstring Status List (the specification's minimum).
    "OPENEDX_BADGES_STATUS_LIST_SIZE": 131072,
    # .. setting_name: OPENEDX_BADGES_CELERY_QUEUE
    # .. setting_default: None
    # .. setting_description: Celery queue of the plugin's tasks; None: the host's default queue.
    "OPENEDX_BADGES_CELERY_QUEUE": None,
    # .. setting_name: OPENEDX_BADGES_PLATFORM_STANDIN
    # .. setting_default: ""
    # .. setting_description: Dotted path of a module implementing compat's contract outside the
    #    LMS (the demo's stand-in, tests). Empty: the real platform.
    "OPENEDX_BADGES_PLATFORM_STANDIN": "",
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
    # --- The learner's pages (issue 18) ---
    # .. setting_name: OPENEDX_BADGES_EXPIRY_NOTICE_DAYS
    # .. setting_default: 30
    # .. setting_description: Days before a badge expires when the learner is emailed about it
    #    (once per award, by the periodic task openedx_badges.notify_expiring) and the wallet
    #    lists it under "Expiring soon". 0: neither.
    "OPENEDX_BADGES_EXPIRY_NOTICE_DAYS": 30,
    # .. toggle_name: OPENEDX_BADGES_PUBLIC_PROFILES
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: True
    # .. toggle_description: Let learners turn on a public badge profile page
    #    (/badges/u/<slug>/) listing the badges they made public. Each learner's page stays off
    #    until they turn it on; off here, every profile page answers 404.
    # .. toggle_use_cases: open_edx
    # .. toggle_creation_date: 2026-12-05
    "OPENEDX_BADGES_PUBLIC_PROFILES": True,
    # .. setting_name: OPENEDX_BADGES_DASHBOARD_URL
    # .. setting_default: "" (LMS_ROOT_URL + "/dashboard")
    # .. setting_description: The learner dashboard the wallet links back to. The LMS's
    #    /dashboard already sends sites with the Learner Home MFE there.
    "OPENEDX_BADGES_DASHBOARD_URL": "",
    # .. setting_name: OPENEDX_BADGES_LOGOUT_URL
    # .. setting_default: "" (LMS_ROOT_URL + "/logout")
    # .. setting_description: The wallet's sign-out link.
    "OPENEDX_BADGES_LOGOUT_URL": "",
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
    # .. setting_name: OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS
    # .. setting_default: ()
    # .. setting_description: Private or loopback backpack hosts the operator allows anyway,
    #    as "host" (any port) or "host:port" entries; every other private address is refused.
    "OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS": (),
    # .. setting_name: OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT
    # .. setting_default: 5
    # .. setting_description: Seconds to wait for a backpack to accept the connection.
    "OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT": 5,
    # .. setting_name: OPENEDX_BADGES_BACKPACK_READ_TIMEOUT
    # .. setting_default: 15
    # .. setting_description: Seconds to wait for a backpack's answer.
    "OPENEDX_BADGES_BACKPACK_READ_TIMEOUT": 15,
    # .. setting_name: OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES
    # .. setting_default: 1048576
    # .. setting_description: Largest answer read from a backpack, in bytes.
    "OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES": 1024 * 1024,
    # .. setting_name: OPENEDX_BADGES_PUSH_MAX_RETRIES
    # .. setting_default: 5
    # .. setting_description: Retries of a push after a timeout, refused connection or 5xx,
    #    before it is marked failed (read at run time).
    "OPENEDX_BADGES_PUSH_MAX_RETRIES": 5,
    # .. setting_name: OPENEDX_BADGES_PUSH_RETRY_BACKOFF
    # .. setting_default: 30
    # .. setting_description: First wait before a push retry, in seconds; it doubles each time,
    #    with jitter (read when workers start).
    "OPENEDX_BADGES_PUSH_RETRY_BACKOFF": 30,
    # .. setting_name: OPENEDX_BADGES_PUSH_RETRY_BACKOFF_MAX
    # .. setting_default: 3600
    # .. setting_description: Longest wait between push retries, in seconds (read when workers start).
    "OPENEDX_BADGES_PUSH_RETRY_BACKOFF_MAX": 3600,
    # .. setting_name: OPENEDX_BADGES_PUSH_TIME_LIMIT
    # .. setting_default: 120
    # .. setting_description: Seconds one push may run (soft limit; the hard limit is 30 s later).
    "OPENEDX_BADGES_PUSH_TIME_LIMIT": 120,
    # .. setting_name: OPENEDX_BADGES_OAUTH_STATE_TTL
    # .. setting_default: 600
    # .. setting_description: Seconds a learner has to come back from a backpack's sign-in page.
    "OPENEDX_BADGES_OAUTH_STATE_TTL": 600,
    # .. setting_name: OPENEDX_BADGES_DCC_CHALLENGE_TTL
    # .. setting_default: 900
    # .. setting_description: Seconds a DCC wallet link (its one-time challenge) stays valid.
    "OPENEDX_BADGES_DCC_CHALLENGE_TTL": 900,
    # .. setting_name: OPENEDX_BADGES_DCC_MAX_FAILURES
    # .. setting_default: 5
    # .. setting_description: Refused presentations after which a DCC challenge (or a DID-binding challenge) dies.
    "OPENEDX_BADGES_DCC_MAX_FAILURES": 5,
    # .. setting_name: OPENEDX_BADGES_OB3_CLIENT
    # .. setting_default: {}
    # .. setting_description: What this LMS tells Open Badges 3.0 hosts about itself when it
    #    registers as their client (client_name, client_uri, logo_uri, tos_uri, policy_uri); empty
    #    values: PLATFORM_NAME and the public base URL with /favicon.ico, /tos and /privacy.
    "OPENEDX_BADGES_OB3_CLIENT": {},
    # .. setting_name: OPENEDX_BADGES_OB3_AUTHORIZATION_HOSTS
    # .. setting_default: ()
    # .. setting_description: Hosts, besides the backpack's own, whose OAuth authorization and
    #    token endpoints an Open Badges 3.0 host may name in its service description.
    "OPENEDX_BADGES_OB3_AUTHORIZATION_HOSTS": (),
    # --- The event bus and the tracking log (docs/tracking-events.md, operator guide) ---
    # .. toggle_name: OPENEDX_BADGES_EVENT_BUS_ENABLED
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: False
    # .. toggle_description: Produce BADGE_AWARDED and BADGE_REVOKED to the event bus
    #   (EVENT_BUS_PRODUCER must name a producer, e.g. edx_event_bus_redis.create_producer).
    # .. toggle_use_cases: opt_in
    # .. toggle_creation_date: 2026-12-05
    "OPENEDX_BADGES_EVENT_BUS_ENABLED": False,
    # .. setting_name: OPENEDX_BADGES_EVENT_BUS_TOPIC
    # .. setting_default: "learning-badges-lifecycle"
    # .. setting_description: The event bus topic of the badge events (the credentials service's).
    "OPENEDX_BADGES_EVENT_BUS_TOPIC": "learning-badges-lifecycle",
    # .. toggle_name: OPENEDX_BADGES_TRACKING_ENABLED
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: True
    # .. toggle_description: Emit the edx.badge.* tracking events (docs/tracking-events.md).
    # .. toggle_use_cases: opt_out
    # .. toggle_creation_date: 2026-12-05
    "OPENEDX_BADGES_TRACKING_ENABLED": True,
    # --- The static verification bundle (docs/persistence.md) ---
    # .. setting_name: OPENEDX_BADGES_BUNDLE_DIR
    # .. setting_default: ""
    # .. setting_description: Folder the static verification bundle is written to (the admin's
    #    export action and the scheduled refresh); empty: no bundle, and no refresh is scheduled.
    "OPENEDX_BADGES_BUNDLE_DIR": "",
    # .. setting_name: OPENEDX_BADGES_BUNDLE_ORIGIN
    # .. setting_default: ""
    # .. setting_description: Origin (scheme://host[:port]) whose documents the bundle holds;
    #    empty: every origin the issuers name.
    "OPENEDX_BADGES_BUNDLE_ORIGIN": "",
    # .. setting_name: OPENEDX_BADGES_BUNDLE_REFRESH_SECONDS
    # .. setting_default: 3600
    # .. setting_description: Seconds between two refreshes of the bundle under celery beat, so
    #    revocations keep reaching the static copy.
    "OPENEDX_BADGES_BUNDLE_REFRESH_SECONDS": 3600,
    # --- Bulk awards, caching and rate limits (docs/performance.md) ---
    # .. setting_name: OPENEDX_BADGES_BULK_BATCH_SIZE
    # .. setting_default: 500
    # .. setting_description: Learners per batch of a bulk award (bulk_issue.award_many,
    #    badges_bulk_award): one holders query, one locked status-list update per list and one
    #    bulk insert per batch.
    "OPENEDX_BADGES_BULK_BATCH_SIZE": 500,
    # .. setting_name: OPENEDX_BADGES_BULK_STREAM_THRESHOLD
    # .. setting_default: 200
    # .. setting_description: A staff bulk award (admin, badges_award --csv) of at least this many
    #    learners goes through the batched path; smaller ones award one learner at a time.
    "OPENEDX_BADGES_BULK_STREAM_THRESHOLD": 200,
    # .. setting_name: OPENEDX_BADGES_PUBLIC_CACHE_SECONDS
    # .. setting_default: 3600
    # .. setting_description: Seconds a serialized public document stays in Django's cache;
    #    entries are invalidated when they change (versioned keys), so this only bounds memory.
    #    0: no caching.
    "OPENEDX_BADGES_PUBLIC_CACHE_SECONDS": 3600,
    # .. setting_name: OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS
    # .. setting_default: 60
    # .. setting_description: How long the course team's dashboard keeps a badge's counts (earned,
    #    in progress, suspended, revoked, expired) in the cache; each count reads the badge's
    #    awards, and an action of the team forgets them at once. 0: count on every view.
    "OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS": 60,
    # .. setting_name: OPENEDX_BADGES_VERIFY_CACHE_SECONDS
    # .. setting_default: 300
    # .. setting_description: Seconds the verification page may reuse a verification result (never
    #    past the credential's expiry; invalidated on revocation, key rotation and edits).
    "OPENEDX_BADGES_VERIFY_CACHE_SECONDS": 300,
    # .. setting_name: OPENEDX_BADGES_RATE_LIMITS
    # .. setting_default: {"verify": "120/m", "push": "10/m"}
    # .. setting_description: Fixed-window rate limits by scope (RATE_LIMIT_DEFAULTS names every
    #    scope and its limit); over a limit: 429 with Retry-After. A YAML dict that names only
    #    some scopes is completed in production with the default ones.
    "OPENEDX_BADGES_RATE_LIMITS": {"verify": "120/m", "push": "10/m"},
    # .. setting_name: OPENEDX_BADGES_LEVEL_TAXONOMY
    # .. setting_default: "openedx-badges-levels"
    # .. setting_description: Export id of the content-tagging taxonomy whose tags are the levels
    #    an author gives a badge, weakest first (``badges_import_levels`` imports the default one
    #    shipped with the plugin). While no such taxonomy exists, the shipped levels are offered.
    "OPENEDX_BADGES_LEVEL_TAXONOMY": "openedx-badges-levels",
    # .. setting_name: OPENEDX_BADGES_CATEGORY_TAXONOMY
    # .. setting_default: ""
    # .. setting_description: Export id of the content-tagging taxonomy whose top-level tags are
    #    the categories an author files a badge under. Empty: categories are typed freely.
    "OPENEDX_BADGES_CATEGORY_TAXONOMY": "",
    # .. setting_name: OPENEDX_BADGES_SKILL_SEARCH_LIMIT
    # .. setting_default: 20
    # .. setting_description: Most tags the badge editor's skill search answers with at once.
    "OPENEDX_BADGES_SKILL_SEARCH_LIMIT": 20,
}


def get(name):
    """
    The host's value of ``name``, else its one default here: every reader of a setting
    comes through this, so a default is written once. An unknown name is a KeyError
    (a typo fails in tests, not silently in production).
    """
    if name not in DEFAULTS:
        raise KeyError(f"{name} is not an Open Badges setting (openedx_plugin/conf.py).")
    # Django's settings only here: the plugin settings modules and the Tutor plugin's tests
    # import this module for its defaults, where Django may not be installed.
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    return getattr(settings, name, DEFAULTS[name])


# Set by the plugin's production settings themselves, not by operators: not installed as defaults.
NOT_INSTALLED = frozenset({"OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS"})


def defaults():
    """Fresh copies of the defaults the plugin settings install (hosts may mutate theirs)."""
    return {name: copy.deepcopy(value) for name, value in DEFAULTS.items() if name not in NOT_INSTALLED}
