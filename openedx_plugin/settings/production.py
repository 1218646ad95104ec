"""Production overrides: read from the operator's YAML/ENV_TOKENS and refuse unsafe defaults."""


def plugin_settings(settings):
    """Take the plugin's settings from ``ENV_TOKENS`` where the LMS provides them."""
    env_tokens = getattr(settings, "ENV_TOKENS", {}) or {}
    for name in (
        "OPENEDX_BADGES_PUBLIC_BASE_URL",
        "OPENEDX_BADGES_KEY_ENCRYPTION_KEYS",
        "OPENEDX_BADGES_DEFAULT_IDENTITY",
        "OPENEDX_BADGES_MAX_IMAGE_BYTES",
        "OPENEDX_BADGES_MAX_IMAGE_PIXELS",
        "OPENEDX_BADGES_CELERY_QUEUE",
        "OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE",
        "OPENEDX_BADGES_NOTIFY_LEARNERS",
    ):
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
    settings.OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS = True
