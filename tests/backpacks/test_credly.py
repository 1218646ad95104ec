"""Credly organisation issuing: automatic issue on award, revoke on revocation, token failures."""

from datetime import datetime

import pytest

from openedx_plugin.awards import awarding
from openedx_plugin.models import PushAttempt

from .servers.credly import TOKEN


@pytest.fixture
def named_learner(learner):
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    return learner


def test_award_issues_and_revocation_revokes(credly_provider, credly_server, badge_class, named_learner, commit):
    with commit():
        award, _ = awarding.manual_award(badge_class, named_learner, staff_user="staff", reason="test")
    attempt = PushAttempt.objects.get(award=award, operation="push")
    assert attempt.status == "sent" and attempt.remote_id in credly_server.badges
    issued = credly_server.badges[attempt.remote_id]
    assert issued["recipient_email"] == named_learner.email
    assert (issued["issued_to_first_name"], issued["issued_to_last_name"]) == ("Ada", "Lovelace")
    assert issued["badge_template_id"] == "tmpl-1234"
    assert datetime.strptime(issued["issued_at"], "%Y-%m-%d %H:%M:%S %z") == award.issued_on

    with commit():
        awarding.revoke(award, "Plagiarism")
    revoke = PushAttempt.objects.get(award=award, operation="revoke")
    assert revoke.status == "sent"
    assert credly_server.badges[attempt.remote_id]["state"] == "revoked"
    assert credly_server.badges[attempt.remote_id]["revoke_reason"] == "Plagiarism"


def test_unmapped_badge_is_not_sent(credly_provider, credly_server, badge_class, named_learner, commit):
    credly_provider.settings["templates"] = {}
    credly_provider.save()
    with commit():
        awarding.manual_award(badge_class, named_learner, staff_user="staff", reason="test")
    assert not PushAttempt.objects.exists() and not credly_server.requests


def test_expired_token_fails_once_with_a_reason(credly_provider, credly_server, award, commit):
    from openedx_plugin.backpacks import services
    from openedx_plugin.backpacks.providers.base import set_provider_secret

    set_provider_secret(credly_provider, "expired-token-abcdef")
    with commit():
        attempt = services.push(award, credly_provider)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.attempts) == ("failed", 1)  # a 401 is not retried
    assert "HTTP 401" in attempt.last_error
    assert "expired-token-abcdef" not in attempt.last_error and TOKEN not in attempt.last_error

    set_provider_secret(credly_provider, TOKEN)  # the operator replaces it, then retries
    with commit():
        services.retry_push(attempt)
    attempt.refresh_from_db()
    assert attempt.status == "sent" and len(credly_server.badges) == 1


def test_a_sent_badge_is_not_issued_twice(credly_provider, credly_server, award, commit):
    from openedx_plugin.backpacks import services

    with commit():
        services.push(award, credly_provider)
    with commit():
        services.push(award, credly_provider, force=True)  # Credly does not upsert: still one badge
    with commit():
        services.queue_auto_pushes(award)
    assert len(credly_server.badges) == 1 and PushAttempt.objects.count() == 1
