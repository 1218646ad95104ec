"""
Issue 17, finding 9: the OAuth callback accepts only the ``state`` of the connection the
learner started, also when that learner has a connection waiting for its callback.

The older forged-state test (tests/backpacks/test_ob3_api.py) tried a learner without a
pending connection, so a callback that took "this learner's pending connection" whatever
the state passed it. Here the learner has one pending, holds the host's genuine code, and
comes back with a state they made up: refused, no token requested, nothing connected.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests

from openedx_plugin.models import BackpackConnection
from tests.backpacks.conftest import _fast, ob3_host, ob3_provider  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _authorize(client, provider):
    """Start connecting and let the host answer; returns the callback's path and query."""
    response = client.post(f"/badges/backpacks/{provider.pk}/connect/")
    assert response.status_code == 302, response.content
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    return back.path, dict(parse_qsl(back.query))


def test_a_forged_state_is_refused_while_a_connection_is_pending(client, learner, ob3_provider, ob3_host):  # noqa: F811
    client.force_login(learner)
    path, params = _authorize(client, ob3_provider)
    pending = BackpackConnection.objects.get(user=learner, provider=ob3_provider)
    assert pending.state == BackpackConnection.PENDING and pending.oauth_state == params["state"]

    for forged in ("forged", "", params["state"][:-1], params["state"].upper() + "x"):
        page = client.get(f"{path}?{urlencode(dict(params, state=forged))}", follow=True).content.decode()
        assert "does not match" in page, forged
    assert len(ob3_host.calls("/oauth/token")) == 0
    assert BackpackConnection.objects.get(pk=pending.pk).state == BackpackConnection.PENDING

    # the genuine state still completes the connection the learner started
    client.get(f"{path}?{urlencode(params)}")
    assert BackpackConnection.objects.get(pk=pending.pk).state == BackpackConnection.CONNECTED
    assert len(ob3_host.calls("/oauth/token")) == 1


def test_another_learners_state_is_refused(client, learner, other_learner, ob3_provider, ob3_host):  # noqa: F811
    """Both learners pending: the other's genuine state does not complete (or fail) this learner's."""
    client.force_login(other_learner)
    _, theirs = _authorize(client, ob3_provider)
    client.force_login(learner)
    path, mine = _authorize(client, ob3_provider)
    page = client.get(f"{path}?{urlencode(dict(mine, state=theirs['state']))}", follow=True).content.decode()
    assert "does not match" in page
    assert len(ob3_host.calls("/oauth/token")) == 0
    assert set(BackpackConnection.objects.values_list("state", flat=True)) == {BackpackConnection.PENDING}
