"""Canvas Credentials (Badgr): learner tokens, import by URL, refresh, duplicates, regions."""

import pytest

from openedx_plugin.backpacks import services
from openedx_plugin.backpacks.providers import for_provider
from openedx_plugin.backpacks.providers.base import access_token
from openedx_plugin.credentials import public_urls
from openedx_plugin.models import BackpackConnection, BackpackProvider, PushAttempt


@pytest.fixture
def connected(learner_client, badgr_provider, badgr_server, learner):
    access, refresh = badgr_server.issue_tokens()
    response = learner_client.post(f"/badges/backpacks/{badgr_provider.pk}/connect/",
                                   {"access_token": access, "refresh_token": refresh})
    assert response.status_code == 302
    return BackpackConnection.objects.get(user=learner, provider=badgr_provider)


def push(award, provider, connection, commit, **kwargs):
    with commit():
        attempt = services.push(award, provider, connection, **kwargs)
    attempt.refresh_from_db()
    return attempt


def test_connect_form_is_shown(learner_client, badgr_provider):
    page = learner_client.get(f"/badges/backpacks/{badgr_provider.pk}/connect/").content.decode()
    assert 'name="access_token"' in page and "password is never asked" in page


def test_import_sends_the_hosted_assertion_url(connected, award, badgr_provider, badgr_server, commit):
    attempt = push(award, badgr_provider, connected, commit)
    assert attempt.status == "sent"
    call = badgr_server.calls("/v2/backpack/import")[0]
    assert call.json() == {"url": public_urls.assertion_url(award)}
    assert attempt.remote_id == badgr_server.imported[public_urls.assertion_url(award)]


def test_duplicate_import_counts_as_sent(connected, award, badgr_provider, badgr_server, commit):
    badgr_server.imported[public_urls.assertion_url(award)] = "already"  # imported by hand earlier
    attempt = push(award, badgr_provider, connected, commit)
    assert (attempt.status, attempt.attempts, attempt.last_error) == ("sent", 1, "")
    assert len(badgr_server.imported) == 1


def test_repeated_push_never_duplicates(connected, award, badgr_provider, badgr_server, commit):
    push(award, badgr_provider, connected, commit)
    again = push(award, badgr_provider, connected, commit, force=True)
    assert again.status == "sent"
    assert len(badgr_server.imported) == 1 and PushAttempt.objects.count() == 1


def test_expired_token_is_refreshed_at_o_token(connected, award, badgr_provider, badgr_server, commit):
    old = access_token(connected)
    badgr_server.expire_access_tokens()
    attempt = push(award, badgr_provider, connected, commit)
    assert attempt.status == "sent"
    connected.refresh_from_db()
    assert access_token(connected) != old
    assert badgr_server.calls("/o/token")[0].form()["grant_type"] == "refresh_token"


def test_refused_refresh_asks_to_reconnect(connected, award, badgr_provider, badgr_server, commit):
    badgr_server.expire_access_tokens()
    badgr_server.refresh.clear()
    attempt = push(award, badgr_provider, connected, commit)
    assert attempt.status == "failed" and "Connect your account again" in attempt.last_error
    connected.refresh_from_db()
    assert connected.state == "failed"


def test_server_errors_retried(connected, award, badgr_provider, badgr_server, commit):
    badgr_server.fail("/v2/backpack/import", 503)
    attempt = push(award, badgr_provider, connected, commit)
    assert (attempt.status, attempt.attempts) == ("sent", 2)


def test_regional_hosts():
    provider = BackpackProvider(kind="badgr", name="x", settings={"region": "eu"})
    assert for_provider(provider).base == "https://api.eu.badgr.io"
    provider.settings = {"region": "sg"}
    assert for_provider(provider).base == "https://api.sg.badgr.io"
    provider.settings = {}
    assert for_provider(provider).base == "https://api.badgr.io"
