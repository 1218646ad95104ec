"""
Issue 17, finding 8: the award email's subject and plain-text part are plain text.

Before, they went through HTML autoescaping, so a badge called ``Tom's "Data" & <Co>``
arrived as ``Tom&#x27;s &quot;Data&quot; &amp; &lt;Co&gt;``; the HTML part must still
escape. A name with CR/LF is refused at save (tests/app/test_badge_validation.py); a
legacy one still gets its email, on one subject line.
"""

import importlib.util

import pytest
from django.core import mail

from openedx_plugin.awards import notifications
from openedx_plugin.credentials import issuing
from openedx_plugin.models import BadgeClass
from tests.ci import in_ci

pytestmark = pytest.mark.django_db
NAME = "Tom's \"Data\" & <Co>"
ISSUER = "O'Reilly & Sons"
ACE_INSTALLED = importlib.util.find_spec("edx_ace") is not None


@pytest.fixture
def award(badge_class, learner):
    learner.first_name, learner.last_name = "Zoë", "O'Hara"
    learner.save()
    BadgeClass.objects.filter(pk=badge_class.pk).update(name=NAME, description="Joins \"tables\" & <views>.")
    badge_class.issuer.name = ISSUER
    badge_class.issuer.save()
    return issuing.award_badge(BadgeClass.objects.get(pk=badge_class.pk), learner)[0]


def _assert_plain(sent):
    assert sent.subject == f"You earned the badge “{NAME}”"
    assert NAME in sent.body and ISSUER in sent.body and "Hello Zoë O'Hara," in sent.body
    assert 'Joins "tables" & <views>.' in sent.body
    for entity in ("&quot;", "&amp;", "&lt;", "&gt;", "&#x27;", "&#39;"):
        assert entity not in sent.subject and entity not in sent.body, entity
    html = sent.alternatives[0][0]
    assert "&lt;Co&gt;" in html and "<Co>" not in html  # the HTML part still escapes


def test_django_mail_subject_and_text_are_plain(award):
    assert notifications.notify_awarded(award) is True
    _assert_plain(mail.outbox[0])


@pytest.mark.skipif(not ACE_INSTALLED and not in_ci(), reason="edx-ace is not installed")
def test_ace_subject_and_text_are_plain(award, settings):
    from edx_ace import channel, policy

    for loader in (channel.channels, policy.policies):
        vars(loader.__wrapped__).pop("__once_result", None)
    settings.ACE_ENABLED_CHANNELS = ["django_email"]
    settings.ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
    settings.ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"
    settings.ACE_ENABLED_POLICIES = []
    try:
        assert notifications.notify_awarded(award) is True
        sent = mail.outbox[0]
        _assert_plain(sent)
        assert f"<title>You earned the badge “{NAME}”" not in sent.alternatives[0][0]  # head.html escapes
    finally:
        for loader in (channel.channels, policy.policies):
            vars(loader.__wrapped__).pop("__once_result", None)


def test_a_legacy_name_with_a_line_break_still_gets_its_email(badge_class, learner):
    BadgeClass.objects.filter(pk=badge_class.pk).update(name="Data\r\nWrangler")
    award = issuing.award_badge(BadgeClass.objects.get(pk=badge_class.pk), learner)[0]
    assert notifications.notify_awarded(award) is True
    assert mail.outbox[0].subject == "You earned the badge “Data Wrangler”"
