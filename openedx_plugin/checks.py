"""
Django system checks: what would make the plugin sign badly or not at all, said at start-up
(``manage.py check``, every ``runserver`` and deploy) instead of at the first award.

- ``openedx_badges.E001``: production without ``OPENEDX_BADGES_KEY_ENCRYPTION_KEYS`` (signing
  keys would be refused at first use);
- ``openedx_badges.E002``: an encryption key that is not a Fernet key;
- ``openedx_badges.E003``: an issuer identity other than did:web or did:key;
- ``openedx_badges.W001``: no public base URL (neither ``OPENEDX_BADGES_PUBLIC_BASE_URL`` nor
  ``LMS_ROOT_URL``): credentials would name no verifiable origin;
- ``openedx_badges.W002``: a public base URL that is not an absolute https URL in production.
"""

from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks

from . import conf
from .models import IDENTITY_DID_KEY, IDENTITY_DID_WEB


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs=None, **kwargs):
    """Signing keys are encrypted at rest with the operator's keys in production, and each key is usable."""
    errors = []
    configured = list(conf.get("OPENEDX_BADGES_KEY_ENCRYPTION_KEYS") or [])
    if not configured and conf.get("OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS"):
        errors.append(checks.Error(
            "OPENEDX_BADGES_KEY_ENCRYPTION_KEYS is empty; production refuses to encrypt signing keys "
            "with a key derived from SECRET_KEY.",
            hint="Set it to a list of Fernet keys (python -c 'from cryptography.fernet import Fernet; "
                 "print(Fernet.generate_key().decode())').",
            id="openedx_badges.E001"))
    for position, key in enumerate(configured):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(checks.Error(
                f"OPENEDX_BADGES_KEY_ENCRYPTION_KEYS[{position}] is not a Fernet key "
                "(32 bytes, urlsafe base64).", id="openedx_badges.E002"))
    return errors


@checks.register()
def check_issuer(app_configs=None, **kwargs):
    """New issuers get an identity a verifier can resolve: did:web or did:key."""
    identity = conf.get("OPENEDX_BADGES_DEFAULT_IDENTITY")
    if identity not in (IDENTITY_DID_WEB, IDENTITY_DID_KEY):
        return [checks.Error(f"OPENEDX_BADGES_DEFAULT_IDENTITY is {identity!r}; it must be 'did:web' or 'did:key'.",
                             id="openedx_badges.E003")]
    return []


@checks.register()
def check_public_base_url(app_configs=None, **kwargs):
    """Every credential names the origin it is published under; without one, nothing verifies."""
    base = conf.get("OPENEDX_BADGES_PUBLIC_BASE_URL") or getattr(settings, "LMS_ROOT_URL", "") or ""
    if not base:
        return [checks.Warning(
            "No public base URL: set OPENEDX_BADGES_PUBLIC_BASE_URL (or LMS_ROOT_URL).",
            hint="Credentials, did:web documents and verification links are published under it.",
            id="openedx_badges.W001")]
    parts = urlsplit(base)
    if conf.get("OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS") and (parts.scheme != "https" or not parts.hostname):
        return [checks.Warning(
            f"The public base URL {base!r} is not an absolute https URL; did:web needs https.",
            id="openedx_badges.W002")]
    return []
