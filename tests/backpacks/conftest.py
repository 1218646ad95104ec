"""Fixtures: the local protocol servers, providers, an award, and fast retry settings."""

from urllib.parse import urlsplit

import pytest
import requests

from .servers.badgr import BadgrServer
from .servers.credly import ORG, TOKEN, CredlyServer
from .servers.ob3_host import OB3Host


@pytest.fixture(autouse=True)
def _fast(settings):
    """Short timeouts and few retries; eager celery re-runs retries inline, so nothing sleeps."""
    settings.OPENEDX_BADGES_BACKPACK_READ_TIMEOUT = 3
    settings.OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT = 2
    settings.OPENEDX_BADGES_PUSH_MAX_RETRIES = 2
    settings.CELERY_TASK_ALWAYS_EAGER = True


def allow_local(settings, server):
    """Outbound calls to loopback are refused unless listed: each test lists its own server, and only it."""
    target = urlsplit(server.base).netloc
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [
        *getattr(settings, "OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS", []), target]
    return server


@pytest.fixture
def ob3_host(settings):
    server = OB3Host().start()
    yield allow_local(settings, server)
    server.stop()


@pytest.fixture
def badgr_server(settings):
    server = BadgrServer().start()
    yield allow_local(settings, server)
    server.stop()


@pytest.fixture
def credly_server(settings):
    server = CredlyServer().start()
    yield allow_local(settings, server)
    server.stop()


@pytest.fixture
def award(badge_class, learner):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(badge_class, learner)[0]


@pytest.fixture
def ob3_provider(db, ob3_host):
    from openedx_plugin.models import BackpackProvider

    return BackpackProvider.objects.create(kind="ob3_api", name="Test OB3 Host", base_url=ob3_host.base,
                                           auto_push_default=True)


@pytest.fixture
def badgr_provider(db, badgr_server):
    from openedx_plugin.models import BackpackProvider

    return BackpackProvider.objects.create(kind="badgr", name="Test Badgr", base_url=badgr_server.base,
                                           settings={"region": "eu"}, auto_push_default=True)


@pytest.fixture
def credly_provider(db, credly_server, badge_class):
    from openedx_plugin.backpacks.providers.base import set_provider_secret
    from openedx_plugin.models import BackpackProvider

    provider = BackpackProvider.objects.create(
        kind="credly", name="Test Credly", base_url=credly_server.base, auto_push_default=True,
        settings={"organization_id": ORG, "environment": "sandbox",
                  "templates": {str(badge_class.uuid): "tmpl-1234"}})
    set_provider_secret(provider, TOKEN)
    return provider


@pytest.fixture
def dcc_provider(db):
    from openedx_plugin.models import BackpackProvider

    return BackpackProvider.objects.create(kind="dcc", name="Learner Credential Wallet")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued pushes) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def connect_ob3(client, provider, commit):
    """Walk the authorization code flow as a browser would; returns the callback response."""
    response = client.post(f"/badges/backpacks/{provider.pk}/connect/")
    assert response.status_code == 302, response.content
    authorize = response["Location"]
    assert authorize.startswith(provider.base_url)
    answer = requests.get(authorize, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/badges/backpacks/callback/"
    with commit():
        return client.get(f"{back.path}?{back.query}")
