"""
The award email: through edx-ace when the host configured an ACE email channel,
through Django's mail otherwise; in the learner's language either way.
"""

import importlib.util
from unittest import mock

import pytest
from django.core import mail

from openedx_plugin import compat
from openedx_plugin.awards import notifications
from openedx_plugin.credentials import issuing
from tests.ci import in_ci

pytestmark = pytest.mark.django_db

ACE_INSTALLED = importlib.util.find_spec("edx_ace") is not None
# Skipped on a developer's machine without edx-ace; in CI (requirements/test.txt) it must run.
requires_ace = pytest.mark.skipif(not ACE_INSTALLED and not in_ci(),
                                  reason="edx-ace is not installed (it is in requirements/test.txt)")


@pytest.fixture
def award(badge_class, learner):
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    made, _ = issuing.award_badge(badge_class, learner)
    return made


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setattr(compat, "user_language", lambda user: "fr")


def _forget_ace_plugins():
    """ACE loads its channels and policies once per process (``@once``); settings changes need a reload."""
    if not ACE_INSTALLED:
        return
    from edx_ace import channel, policy

    for loader in (channel.channels, policy.policies):
        vars(loader.__wrapped__).pop("__once_result", None)


@pytest.fixture
def ace_settings(settings):
    """The LMS's ACE set-up, with the Django email channel (the email lands in mail.outbox)."""
    _forget_ace_plugins()
    settings.ACE_ENABLED_CHANNELS = ["django_email"]
    settings.ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
    settings.ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"
    settings.ACE_ENABLED_POLICIES = []
    yield settings
    _forget_ace_plugins()


# --- Django's mail ---------------------------------------------------------------------------


def test_django_mail_in_the_default_language(award, learner, settings):
    assert not notifications.ace_email_configured()
    assert notifications.notify_awarded(award) is True
    [sent] = mail.outbox
    assert sent.to == [learner.email]
    assert sent.subject == "You earned the badge “Data Wrangler”"
    assert "Hello Ada Lovelace," in sent.body
    assert notifications.wallet_url(award) in sent.body  # the wallet's page, where downloads and sharing are
    assert notifications.wallet_url(award) == f"{settings.LMS_ROOT_URL}/badges/wallet/{award.uuid}/"
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and html.startswith("<!DOCTYPE html>")
    assert f'href="{notifications.wallet_url(award)}"' in html
    assert "Test Academy has awarded you the badge “Data Wrangler”" in html
    assert 'dir="ltr"' in html


def test_django_mail_in_the_learners_language(award, french):
    assert notifications.notify_awarded(award) is True
    [sent] = mail.outbox
    assert sent.subject == "Vous avez obtenu le badge « Data Wrangler »"
    assert "Bonjour Ada Lovelace," in sent.body
    assert "Voir votre badge" in sent.alternatives[0][0]


def test_mail_errors_are_logged_not_raised(award, caplog):
    with mock.patch("openedx_plugin.awards.notifications.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")):
        assert notifications.notify_awarded(award) is False
    assert "Could not email award" in caplog.text


def test_no_email_when_switched_off(award, settings):
    settings.OPENEDX_BADGES_NOTIFY_LEARNERS = False
    assert notifications.notify_awarded(award) is False
    assert not mail.outbox


# --- edx-ace ---------------------------------------------------------------------------------


@requires_ace
def test_ace_path_renders_the_ace_templates(award, learner, ace_settings):
    assert notifications.ace_email_configured()
    with mock.patch.object(notifications, "_send_with_django_mail") as django_mail:
        assert notifications.notify_awarded(award) is True
    django_mail.assert_not_called()
    [sent] = mail.outbox
    assert sent.to == [learner.email]
    assert sent.from_email == ace_settings.DEFAULT_FROM_EMAIL
    assert sent.subject == "You earned the badge “Data Wrangler”"
    assert "Hello Ada Lovelace," in sent.body
    assert "See it, download it or share it here:" in sent.body
    assert notifications.wallet_url(award) in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "<title>You earned the badge “Data Wrangler”" in html  # head.html
    assert 'dir="ltr"' in html and "Test Academy has awarded you the badge “Data Wrangler”" in html
    assert notifications.wallet_url(award) in html


@requires_ace
def test_ace_path_in_the_learners_language(award, ace_settings, french):
    assert notifications.notify_awarded(award) is True
    [sent] = mail.outbox
    assert sent.subject == "Vous avez obtenu le badge « Data Wrangler »"
    assert "Bonjour Ada Lovelace," in sent.body
    assert "Voir votre badge" in sent.alternatives[0][0]


@requires_ace
def test_ace_in_arabic_is_right_to_left(award, ace_settings, monkeypatch):
    monkeypatch.setattr(compat, "user_language", lambda user: "ar")
    assert notifications.notify_awarded(award) is True
    assert 'dir="rtl"' in mail.outbox[0].alternatives[0][0]


@requires_ace
def test_ace_errors_are_logged_not_raised(award, ace_settings, caplog):
    with mock.patch("edx_ace.ace.send", side_effect=RuntimeError("broken channel")):
        assert notifications.notify_awarded(award) is False
    assert "through edx-ace" in caplog.text
    assert not mail.outbox


@requires_ace
def test_ace_policies_of_the_host_apply(award, ace_settings):
    from edx_ace.channel import ChannelType
    from edx_ace.policy import PolicyResult

    deny_email = mock.Mock(check=lambda message: PolicyResult(deny={ChannelType.EMAIL}))
    with mock.patch("edx_ace.policy.policies", return_value=[deny_email]):
        notifications.notify_awarded(award)
    assert not mail.outbox  # the host's opt-out is honoured, not bypassed through Django's mail


@requires_ace
@pytest.mark.parametrize("overrides", [
    {"ACE_ENABLED_CHANNELS": []},                        # ACE installed but not configured
    {"ACE_CHANNEL_DEFAULT_EMAIL": None},                 # ACE would fail on the missing setting
    {"ACE_ENABLED_CHANNELS": ["no_such_channel"]},       # no email channel: ACE would drop the email
])
def test_ace_not_configured_uses_django_mail(award, ace_settings, overrides):
    for name, value in overrides.items():
        setattr(ace_settings, name, value)
    assert not notifications.ace_email_configured()
    with mock.patch("edx_ace.ace.send") as ace_send:
        assert notifications.notify_awarded(award) is True
    ace_send.assert_not_called()
    [sent] = mail.outbox
    assert sent.alternatives[0][0].startswith("<!DOCTYPE html>")  # the Django-mail template


def test_without_edx_ace_uses_django_mail(award, settings):
    settings.ACE_ENABLED_CHANNELS = ["django_email"]
    settings.ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
    with mock.patch.dict("sys.modules", {"edx_ace": None, "edx_ace.channel": None}):
        assert not notifications.ace_email_configured()
        assert notifications.notify_awarded(award) is True
    assert len(mail.outbox) == 1 and mail.outbox[0].alternatives[0][0].startswith("<!DOCTYPE html>")
