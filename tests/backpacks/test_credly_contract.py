"""Credly: expiry and earner id sent, revoke emails follow suppress_email, duplicates reconciled by earner id."""

from datetime import datetime

import pytest

from openedx_plugin.awards import awarding
from openedx_plugin.backpacks import services
from openedx_plugin.models import PushAttempt


@pytest.fixture
def named_learner(learner):
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    return learner


def test_expiry_and_earner_id_are_sent(credly_provider, credly_server, badge_class, named_learner, commit):
    with commit():
        award, _ = awarding.manual_award(badge_class, named_learner, staff_user="staff", reason="test")
    assert award.valid_until is not None  # the badge class is valid for 365 days
    issued = credly_server.badges[PushAttempt.objects.get(award=award).remote_id]
    assert issued["issuer_earner_id"] == str(award.uuid)
    assert datetime.strptime(issued["expires_at"], "%Y-%m-%d %H:%M:%S %z") == award.valid_until


@pytest.mark.parametrize("suppress", [True, False])
def test_revoke_notification_follows_suppress_email(suppress, credly_provider, credly_server, badge_class,
                                                     named_learner, commit):
    credly_provider.settings["suppress_email"] = suppress
    credly_provider.save()
    with commit():
        award, _ = awarding.manual_award(badge_class, named_learner, staff_user="staff", reason="test")
    with commit():
        awarding.revoke(award, "Plagiarism")
    badge = credly_server.badges[PushAttempt.objects.get(award=award, operation="push").remote_id]
    assert badge["state"] == "revoked"
    assert badge["suppress_badge_notification_email"] is suppress
    assert badge["suppress_revoke_notification_email"] is suppress


def test_duplicate_is_reconciled_by_earner_id_not_by_message(credly_provider, credly_server, award, commit):
    with commit():
        first = services.push(award, credly_provider)
    first.refresh_from_db()
    remote = first.remote_id
    # Our record of the push is lost (say, the answer never arrived): a new push is refused as a duplicate.
    PushAttempt.objects.all().delete()
    with commit():
        again = services.push(award, credly_provider)
    again.refresh_from_db()
    assert again.status == "sent" and again.remote_id == remote  # the badge Credly holds, so revoke works
    assert len(credly_server.badges) == 1
    lookup = credly_server.calls(f"/v1/organizations/{credly_provider.settings['organization_id']}/badges", "GET")
    assert lookup and lookup[0].query["filter"] == [f"issuer_earner_id::{award.uuid}"]


def test_a_refusal_that_is_not_our_badge_fails_with_the_reason(credly_provider, credly_server, award, commit,
                                                               django_user_model, badge_class):
    """Another earner id holds this email's badge: not ours, so not counted as sent."""
    from openedx_plugin.credentials import issuing

    other = django_user_model.objects.create_user("twin", award.user.email, "pw")
    other_award = issuing.award_badge(badge_class, other)[0]
    with commit():
        services.push(other_award, credly_provider)
    with commit():
        attempt = services.push(award, credly_provider)
    attempt.refresh_from_db()
    assert attempt.status == "failed" and "HTTP 422" in attempt.last_error
