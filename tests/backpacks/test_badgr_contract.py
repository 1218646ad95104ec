"""Canvas Credentials (badgr-server): its duplicate signal, and the verified-email rule stated to learners."""

import pytest

from openedx_plugin.credentials import public_urls
from openedx_plugin.models import BackpackConnection

from .test_badgr import push


@pytest.fixture
def connected(learner_client, badgr_provider, badgr_server, learner):
    access, refresh = badgr_server.issue_tokens()
    learner_client.post(f"/badges/backpacks/{badgr_provider.pk}/connect/",
                        {"access_token": access, "refresh_token": refresh})
    return BackpackConnection.objects.get(user=learner, provider=badgr_provider)


def test_duplicate_badge_signal_counts_as_sent(connected, award, badgr_provider, badgr_server, commit):
    badgr_server.imported[public_urls.assertion_url(award)] = "already-there"
    attempt = push(award, badgr_provider, connected, commit)
    assert attempt.status == "sent" and attempt.last_error == ""


def test_unverified_recipient_fails_with_the_verified_email_reason(connected, award, badgr_provider, badgr_server,
                                                                   commit, learner):
    badgr_server.unverified_urls.add(public_urls.assertion_url(award))
    attempt = push(award, badgr_provider, connected, commit)
    assert attempt.status == "failed"
    assert "verified" in attempt.last_error and learner.email in attempt.last_error


def test_a_refusal_mentioning_already_is_not_taken_for_a_duplicate(connected, award, badgr_provider, badgr_server,
                                                                   commit, monkeypatch):
    """Only badgr-server's DUPLICATE_BADGE name means "already there"; wording proves nothing."""
    from .servers.badgr import envelope

    monkeypatch.setattr(badgr_server, "handle", lambda request: (
        400, envelope("Validation Error", ["This assertion was already revoked by its issuer."]), {}))
    attempt = push(award, badgr_provider, connected, commit)
    assert attempt.status == "failed"


def test_connect_page_states_the_verified_email_rule(learner_client, badgr_provider, learner):
    page = learner_client.get(f"/badges/backpacks/{badgr_provider.pk}/connect/").content.decode()
    assert "<strong>verified</strong>" in page and learner.email in page
