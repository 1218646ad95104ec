"""
CSRF (issue 8, part 3): every unsafe method on every route is refused without the token.

The only CSRF-exempt route is the DCC exchange, called by a wallet app, not a browser
session; it is bound to a single-use challenge signed into the presentation, so it is
asserted to refuse a missing or invalid challenge instead.
"""

import json

import pytest

from .conftest import BLOCK_KEY, client_for
from .test_access_matrix import _admin_urls, handler_matrix, matrix

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
CSRF_EXEMPT = {"openedx_badges:backpacks:dcc-exchange"}


def _send(client, method, url):
    return getattr(client, method)(url, data=json.dumps({"public": False}), content_type="application/json")


@pytest.mark.parametrize("role", ["owner", "superuser"])
def test_unsafe_methods_need_the_token(world, role):
    client = client_for(role, world["users"], enforce_csrf_checks=True)
    urls = [url for name, (_m, url, _d, _e) in matrix(world).items() if name not in CSRF_EXEMPT]
    urls += [f"/xblock/{BLOCK_KEY}/handler/{name}/" for name in handler_matrix()]
    urls += _admin_urls(world)
    failures = []
    for url in urls:
        for method in UNSAFE:
            response = _send(client, method, url)
            if response.status_code != 403:
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    # nothing changed on the way
    world["award"].refresh_from_db()
    assert world["award"].public is True


def test_form_post_without_token_is_refused_with_the_csrf_failure(world):
    client = client_for("owner", world["users"], enforce_csrf_checks=True)
    response = client.post(f"/badges/wallet/{world['award'].uuid}/", {"public": ""})
    assert response.status_code == 403 and b"CSRF" in response.content


def test_the_token_lets_the_same_post_through(world):
    """The control: with the token the wallet's sharing form works (so the 403s above are CSRF's)."""
    client = client_for("owner", world["users"], enforce_csrf_checks=True)
    page = client.get(f"/badges/wallet/{world['award'].uuid}/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    response = client.post(f"/badges/wallet/{world['award'].uuid}/", {"public": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.mark.parametrize("body", [
    b"",
    b"not json",
    json.dumps({}).encode(),
    json.dumps({"type": ["VerifiablePresentation"], "holder": "did:key:z6Mkfake"}).encode(),
    json.dumps({"verifiablePresentation": {"type": ["VerifiablePresentation"],
                                           "proof": {"challenge": "wrong", "domain": "x"}}}).encode(),
])
def test_dcc_exchange_is_exempt_but_challenge_bound(world, body):
    client = client_for("anonymous", world["users"], enforce_csrf_checks=True)
    from openedx_plugin.backpacks import services

    exchange = services.dcc_request(world["users"]["owner"], world["dcc"], world["award"])
    exchange_id = exchange["challenge"].exchange_id  # a real, open exchange: only the challenge is missing
    for target in (exchange_id, "no-such-exchange"):
        response = client.post(f"/badges/backpacks/dcc/exchange/{target}", data=body,
                               content_type="application/json")
        assert response.status_code == 400, (target, response.content)
        assert "proof" not in response.json()  # no credential handed out
