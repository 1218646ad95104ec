"""The plugin's Django system checks report bad configuration at start-up, by id."""

from django.core import checks
from django.core.management import call_command

from openedx_plugin import checks as badge_checks

GOOD_KEY = "dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTEyMzQ="


def ids(messages):
    return sorted(message.id for message in messages)


def test_the_checks_are_registered_and_pass_on_the_test_settings():
    registered = set(checks.registry.registry.get_checks())
    assert {badge_checks.check_encryption_keys, badge_checks.check_issuer,
            badge_checks.check_public_base_url} <= registered
    call_command("check")  # raises SystemCheckError on any error


def test_production_without_encryption_keys_is_an_error(settings):
    settings.OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS = True
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = []
    assert ids(badge_checks.check_encryption_keys()) == ["openedx_badges.E001"]
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = [GOOD_KEY]
    assert badge_checks.check_encryption_keys() == []


def test_a_key_that_is_not_a_fernet_key_is_an_error(settings):
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = [GOOD_KEY, "not-a-key"]
    messages = badge_checks.check_encryption_keys()
    assert ids(messages) == ["openedx_badges.E002"] and "[1]" in messages[0].msg


def test_an_unknown_issuer_identity_is_an_error(settings):
    settings.OPENEDX_BADGES_DEFAULT_IDENTITY = "did:example"
    assert ids(badge_checks.check_issuer()) == ["openedx_badges.E003"]


def test_a_missing_or_plain_http_public_base_url_is_reported(settings):
    settings.OPENEDX_BADGES_PUBLIC_BASE_URL = ""
    settings.LMS_ROOT_URL = ""
    assert ids(badge_checks.check_public_base_url()) == ["openedx_badges.W001"]
    settings.OPENEDX_BADGES_PUBLIC_BASE_URL = "http://lms.example.com"
    settings.OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS = True
    assert ids(badge_checks.check_public_base_url()) == ["openedx_badges.W002"]
    settings.OPENEDX_BADGES_PUBLIC_BASE_URL = "https://lms.example.com"
    assert badge_checks.check_public_base_url() == []
