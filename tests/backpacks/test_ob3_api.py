"""Open Badges 3.0 API hosts: discovery, registration, PKCE, tokens, upsert, refresh, failures."""

import logging

import pytest

from openedx_plugin.backpacks import services
from openedx_plugin.backpacks.providers.base import access_token, refresh_token
from openedx_plugin.credentials import keystore
from openedx_plugin.models import BackpackConnection, PushAttempt

from .conftest import connect_ob3
from .servers.ob3_host import UPSERT


@pytest.fixture
def connected(learner_client, ob3_provider, ob3_host, commit, learner):
    response = connect_ob3(learner_client, ob3_provider, commit)
    assert response.status_code == 302
    return BackpackConnection.objects.get(user=learner, provider=ob3_provider)


def push(award, provider, connection, commit, **kwargs):
    with commit():
        attempt = services.push(award, provider, connection, **kwargs)
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def send(connected, award, ob3_provider, commit):
    """Push the award to the learner's connected host."""
    return lambda **kwargs: push(award, ob3_provider, connected, commit, **kwargs)


def test_connect_registers_with_pkce_and_stores_tokens_encrypted(connected, ob3_host):
    assert connected.state == "connected"
    registration = ob3_host.calls("/oauth/register")[0].json()
    assert registration["redirect_uris"] == ["http://127.0.0.1:8000/badges/backpacks/callback/"]
    assert registration["scope"] == f"{UPSERT} offline_access"
    assert registration["token_endpoint_auth_method"] == "client_secret_basic"
    assert registration["software_id"] == "openedx-open-badges"
    token_call = ob3_host.calls("/oauth/token")[0]
    assert token_call.form()["grant_type"] == "authorization_code"
    assert token_call.basic()[0] == connected.client_id  # client_secret_basic
    token = access_token(connected)
    assert token in ob3_host.access
    assert token.encode() not in bytes(connected.access_token_encrypted)
    assert connected.oauth_state == "" and connected.pkce_verifier_encrypted is None
    assert connected.auto_push is True  # the provider's default


def test_upsert_twice_replaces_never_duplicates(connected, award, ob3_provider, ob3_host, commit):
    first = push(award, ob3_provider, connected, commit)
    assert (first.status, first.attempts) == ("sent", 1)
    assert first.remote_id == award.ob3_credential["id"]
    again = push(award, ob3_provider, connected, commit)  # not forced: the sent attempt is left alone
    assert again.pk == first.pk and again.attempts == 1
    forced = push(award, ob3_provider, connected, commit, force=True)
    assert forced.pk == first.pk and forced.status == "sent"
    assert ob3_host.upserts == [201, 200]
    assert list(ob3_host.credentials) == [award.ob3_credential["id"]]
    assert ob3_host.credentials[award.ob3_credential["id"]] == award.ob3_credential  # the signed document
    assert PushAttempt.objects.count() == 1


def test_expired_access_token_is_refreshed(connected, award, ob3_provider, ob3_host, commit):
    old_access, old_refresh = access_token(connected), refresh_token(connected)
    ob3_host.expire_access_tokens()
    attempt = push(award, ob3_provider, connected, commit)
    assert attempt.status == "sent"
    connected.refresh_from_db()
    assert access_token(connected) != old_access and refresh_token(connected) != old_refresh
    assert ob3_host.calls("/oauth/token")[-1].form()["grant_type"] == "refresh_token"


def test_refresh_before_push_when_known_expired(connected, award, ob3_provider, ob3_host, commit):
    from datetime import timedelta

    from django.utils import timezone

    BackpackConnection.objects.filter(pk=connected.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    connected.refresh_from_db()
    assert push(award, ob3_provider, connected, commit).status == "sent"
    assert len(ob3_host.calls("/ims/ob/v3p0/credentials")) == 1  # no wasted 401


def test_server_errors_are_retried_then_succeed(connected, award, ob3_provider, ob3_host, commit):
    ob3_host.fail("/ims/ob/v3p0/credentials", 500, 503)
    attempt = push(award, ob3_provider, connected, commit)
    assert (attempt.status, attempt.attempts, attempt.last_error) == ("sent", 3, "")


def test_server_errors_finally_fail_with_a_reason(connected, award, ob3_provider, ob3_host, commit):
    ob3_host.fail("/ims/ob/v3p0/credentials", 500, 500, 502, 500)
    attempt = push(award, ob3_provider, connected, commit)
    assert (attempt.status, attempt.attempts) == ("failed", 3)
    assert "HTTP 502" in attempt.last_error and "Gave up after 3 tries" in attempt.last_error
    assert len(ob3_host.upserts) == 0


def test_timeouts_are_retried_and_reported(send, ob3_host, settings):
    settings.OPENEDX_BADGES_BACKPACK_READ_TIMEOUT = 0.3
    settings.OPENEDX_BADGES_PUSH_MAX_RETRIES = 1
    ob3_host.fail("/ims/ob/v3p0/credentials", ("sleep", 0.8), ("sleep", 0.8))
    attempt = send()
    assert attempt.status == "failed"
    assert "did not answer in time" in attempt.last_error


def test_timeout_then_success(send, ob3_host, settings):
    settings.OPENEDX_BADGES_BACKPACK_READ_TIMEOUT = 0.3
    ob3_host.fail("/ims/ob/v3p0/credentials", ("sleep", 0.8))
    assert send().status == "sent"


def test_garbage_discovery_is_a_clear_error(learner_client, ob3_provider, ob3_host, learner):
    ob3_host.fail("/ims/ob/v3p0/discovery", "garbage")
    response = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/connect/", follow=True)
    text = response.content.decode()
    assert "not JSON" in text
    connection = BackpackConnection.objects.get(user=learner)
    assert connection.state == "failed" and "not JSON" in connection.last_error


def test_garbage_upsert_answer_fails_without_retry(connected, award, ob3_provider, ob3_host, commit):
    ob3_host.fail("/ims/ob/v3p0/credentials", "garbage")
    attempt = push(award, ob3_provider, connected, commit)
    assert (attempt.status, attempt.attempts) == ("failed", 1)
    assert "not JSON" in attempt.last_error


def test_tokens_never_reach_errors_or_logs(send, connected, ob3_host, caplog):
    token = access_token(connected)
    ob3_host.fail("/ims/ob/v3p0/credentials", "echo_auth")
    with caplog.at_level(logging.DEBUG):
        attempt = send()
    assert attempt.status == "failed"
    assert "[redacted]" in attempt.last_error
    assert token not in attempt.last_error
    assert token not in caplog.text
    assert refresh_token(connected) not in caplog.text


def test_callback_checks_state_and_user(learner_client, ob3_provider, ob3_host, other_learner, client):
    from urllib.parse import urlsplit

    import requests

    response = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/connect/")
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    learner_client.logout()
    client.force_login(other_learner)  # someone else arriving with the learner's code
    client.get(f"{back.path}?{back.query}", follow=True)
    assert not BackpackConnection.objects.filter(state="connected").exists()
    assert len(ob3_host.calls("/oauth/token")) == 0
    forged = client.get("/badges/backpacks/callback/?code=x&state=forged", follow=True)
    assert "does not match" in forged.content.decode()


def test_pkce_verifier_is_checked_by_the_host(learner_client, ob3_provider, ob3_host, learner, commit):
    """The host checks S256(verifier) == challenge (the connect tests pass it); a wrong verifier is refused."""
    import requests

    response = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/connect/")
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    connection = BackpackConnection.objects.get(user=learner)
    connection.pkce_verifier_encrypted = keystore.encrypt(b"wrong" * 10)
    connection.save()
    from urllib.parse import urlsplit

    back = urlsplit(answer.headers["Location"])
    page = learner_client.get(f"{back.path}?{back.query}", follow=True).content.decode()
    assert "PKCE verification failed" in page
    assert BackpackConnection.objects.get(user=learner).state == "failed"


def test_registration_is_reused_for_the_next_learner(connected, ob3_provider, ob3_host, other_learner, commit):
    from django.test import Client

    client = Client()
    client.force_login(other_learner)
    assert connect_ob3(client, ob3_provider, commit).status_code == 302
    assert len(ob3_host.calls("/oauth/register")) == 1
    assert BackpackConnection.objects.get(user=other_learner).client_id == connected.client_id


def test_endpoints_on_another_host_are_refused(learner_client, ob3_provider, ob3_host, learner, monkeypatch):
    original = ob3_host.discovery

    def moved():
        doc = original()
        doc["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]["tokenUrl"] = \
            "https://evil.example/token"
        return doc

    monkeypatch.setattr(ob3_host, "discovery", moved)
    page = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/connect/", follow=True).content.decode()
    assert "neither" in page and "refused" in page
    assert not ob3_host.calls("/oauth/register")


def test_auto_push_on_award(connected, badge_class, learner, ob3_host, commit):
    from openedx_plugin.awards import awarding

    with commit():
        award, created = awarding.manual_award(badge_class, learner, staff_user="staff", reason="test")
    assert created
    attempt = PushAttempt.objects.get(award=award)
    assert attempt.status == "sent" and attempt.connection_id == connected.pk
    assert award.ob3_credential["id"] in ob3_host.credentials
