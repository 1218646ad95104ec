"""
Open Badges 3.0 API: what the specification allows and we used to refuse, or asks and we did not send.

Each test fails on the code before issue 15: 304 from upsertCredential, an authorization
server on another host, ``scope`` in the token request, the granted scope, Imsx_StatusInfo
error reasons, and an expired registration (``client_secret_expires_at``).
"""

import time
from urllib.parse import urlsplit

import pytest
import requests

from openedx_plugin.backpacks.providers.ob3_api import OB3ApiProvider
from openedx_plugin.models import BackpackConnection

from .conftest import connect_ob3
from .servers.ob3_host import UPSERT, imsx
from .test_ob3_api import push


@pytest.fixture
def connected(learner_client, ob3_provider, ob3_host, commit, learner):
    assert connect_ob3(learner_client, ob3_provider, commit).status_code == 302
    return BackpackConnection.objects.get(user=learner, provider=ob3_provider)


def test_304_not_modified_counts_as_sent(connected, award, ob3_provider, ob3_host, commit):
    ob3_host.not_modified_when_unchanged = True
    push(award, ob3_provider, connected, commit)
    again = push(award, ob3_provider, connected, commit, force=True)
    assert ob3_host.upserts == [201, 304]
    assert again.status == "sent" and again.last_error == ""


def test_token_request_carries_the_scope(connected, ob3_host):
    form = ob3_host.calls("/oauth/token")[0].form()
    assert form["grant_type"] == "authorization_code" and form["scope"].split() == [UPSERT, "offline_access"]


def test_grant_without_credential_upsert_is_refused_at_connect(learner_client, ob3_provider, ob3_host, commit,
                                                               learner):
    ob3_host.grant_scope = "offline_access"
    page = connect_ob3(learner_client, ob3_provider, commit)
    assert page.status_code == 302
    connection = BackpackConnection.objects.get(user=learner, provider=ob3_provider)
    assert connection.state == "failed" and "credential.upsert" in connection.last_error


def test_imsx_description_becomes_the_reason(connected, award, ob3_provider, ob3_host, commit, monkeypatch):
    original = ob3_host.handle

    def refusing(request):
        if request.path == "/ims/ob/v3p0/credentials":
            return 403, imsx("forbidden", "This account may not hold credentials of this issuer."), {}
        return original(request)

    monkeypatch.setattr(ob3_host, "handle", refusing)
    attempt = push(award, ob3_provider, connected, commit)
    assert attempt.status == "failed"
    assert "This account may not hold credentials of this issuer." in attempt.last_error


def test_expired_shared_registration_is_replaced(connected, ob3_provider, ob3_host, commit, client,
                                                 other_learner):
    assert connected.client_secret_expires_at is None  # 0 from the host: never expires
    ob3_host.secret_lifetime = 3600
    client.force_login(other_learner)
    BackpackConnection.objects.filter(pk=connected.pk).update(client_secret_expires_at=None)
    # the registration the first learner made expires (at the host and in our records)
    for registered in ob3_host.clients.values():
        registered["client_secret_expires_at"] = time.time() - 1
    from datetime import timedelta

    from django.utils import timezone

    BackpackConnection.objects.filter(pk=connected.pk).update(
        client_secret_expires_at=timezone.now() - timedelta(seconds=1))
    assert connect_ob3(client, ob3_provider, commit).status_code == 302
    second = BackpackConnection.objects.get(user=other_learner, provider=ob3_provider)
    assert second.state == "connected", second.last_error
    assert len(ob3_host.calls("/oauth/register")) == 2 and second.client_id != connected.client_id
    assert second.client_secret_expires_at is not None and second.client_secret_expires_at > timezone.now()


# --- where the authorization server may be -------------------------------------------------


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://example.org/oauth/token", True),
    ("https://auth.example.org/oauth/token", True),  # the spec's own example: auth.1edtech.org
    ("https://a.b.example.org/token", True),
    ("https://example.org:8443/oauth/token", False),  # same host, other port: another server
    ("http://auth.example.org/oauth/token", False),
    ("https://notexample.org/token", False),
    ("https://example.org.evil.test/token", False),
    ("https://evil.test/token", False),
])
def test_authorization_server_rule(url, allowed, settings):
    from openedx_plugin.models import BackpackProvider

    provider = OB3ApiProvider(BackpackProvider(kind="ob3_api", name="x", base_url="https://example.org"))
    assert provider.authorization_server_allowed(url) is allowed


def test_operator_listed_authorization_host(settings):
    from openedx_plugin.models import BackpackProvider

    provider = OB3ApiProvider(BackpackProvider(kind="ob3_api", name="x", base_url="https://badges.example.org",
                                               settings={"authorization_hosts": ["login.idp.example"]}))
    assert provider.authorization_server_allowed("https://login.idp.example/token")
    assert not provider.authorization_server_allowed("https://auth.example.org/token")
    settings.OPENEDX_BADGES_OB3_AUTHORIZATION_HOSTS = ["auth.example.org"]
    assert provider.authorization_server_allowed("https://auth.example.org/token")


def test_connect_through_an_authorization_server_on_another_host(learner_client, ob3_provider, ob3_host, commit,
                                                                 learner, award, settings):
    ob3_host.auth_host = "localhost"  # same machine, another host name: a different origin
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [
        *settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS, f"localhost:{ob3_host.auth_base.rsplit(':', 1)[1]}"]
    page = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/connect/", follow=True).content.decode()
    assert "refused" in page and not ob3_host.calls("/oauth/register")  # not listed: refused
    ob3_provider.settings = {"authorization_hosts": ["localhost"]}
    ob3_provider.save()
    from django.core.cache import cache

    cache.clear()  # the refused discovery was not cached, but be explicit
    response = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/connect/")
    authorize = response["Location"]
    assert authorize.startswith(ob3_host.auth_base + "/oauth/authorize"), BackpackConnection.objects.get(user=learner).last_error
    answer = requests.get(authorize, allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    with commit():
        learner_client.get(f"{back.path}?{back.query}")
    assert all(call.headers["Host"].startswith("localhost:") for call in ob3_host.calls("/oauth/"))
    connection = BackpackConnection.objects.get(user=learner, provider=ob3_provider)
    assert connection.state == "connected", connection.last_error
    assert push(award, ob3_provider, connection, commit).status == "sent"
