"""
The DCC exchange against what the real wallet sends, and against what an attacker sends.

The fixture ``fixtures/lcw_didauth_presentation.json`` was made by the DCC Learner
Credential Wallet's own libraries (tests/dcc_wallet/wallet.mjs, a fixed seed); these
tests need no Node.js. The end-to-end run with the libraries is tests/dcc_wallet.
"""

import copy
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from openedx_plugin import ratelimit
from openedx_plugin.backpacks import didauth
from openedx_plugin.engine import ed25519_2020, jsonld, keys
from openedx_plugin.models import WalletChallenge

from .wallet_client import TestWallet

CAPTURED = json.loads((Path(__file__).parent / "fixtures" / "lcw_didauth_presentation.json").read_text())
WALLET_CONTEXT = [jsonld.VC_V2, jsonld.ED25519_2020_V1]


class Lcw2020Wallet(TestWallet):
    """A did:key holder signing as the DCC wallet does: Ed25519Signature2020, two contexts."""

    __test__ = False

    def presentation(self, challenge, domain=None):
        unsigned = {"@context": list(WALLET_CONTEXT), "type": ["VerifiablePresentation"], "holder": self.did}
        return ed25519_2020.sign(unsigned, self.key, self.vm, proof_purpose="authentication",
                                 challenge=challenge, domain=domain)


@pytest.fixture
def link(learner_client, dcc_provider, award):
    page = learner_client.get(f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/")
    assert page.status_code == 200
    return TestWallet.read_link(page.context["link"]["deep_link"])


def post(client, url, body, **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(urlsplit(url).path, data, content_type="application/json", **extra)


# --- the real wallet's presentation -------------------------------------------------------


def test_presentation_made_by_the_wallet_libraries_verifies():
    holder = didauth.verify_presentation(CAPTURED["presentation"], challenge=CAPTURED["challenge"])
    assert holder == CAPTURED["presentation"]["holder"]


def test_python_signer_matches_the_wallet_libraries_byte_for_byte():
    """Ed25519 is deterministic: same key, same options, same proofValue, or one side is wrong."""
    key = keys.ed25519_from_seed(bytes.fromhex(CAPTURED["seed_hex"]))
    theirs = CAPTURED["presentation"]
    assert keys.did_key(key) == theirs["holder"]
    ours = ed25519_2020.sign({k: v for k, v in theirs.items() if k != "proof"}, key,
                             theirs["proof"]["verificationMethod"], proof_purpose="authentication",
                             challenge=CAPTURED["challenge"], created=theirs["proof"]["created"])
    assert ours["proof"] == theirs["proof"]


@pytest.mark.parametrize("change", ["challenge", "holder", "context", "purpose", "signature", "created"])
def test_wallet_presentation_altered_is_refused(change):
    vp = copy.deepcopy(CAPTURED["presentation"])
    if change == "challenge":
        vp["proof"]["challenge"] = "another"
    elif change == "holder":
        vp["holder"] = TestWallet().did
    elif change == "context":
        vp["@context"] = [jsonld.VC_V2]
    elif change == "purpose":
        vp["proof"]["proofPurpose"] = "assertionMethod"
    elif change == "signature":
        vp["proof"]["proofValue"] = "z" + "1" * 86
    else:
        vp["proof"]["created"] = "2020-01-01T00:00:00Z"
    with pytest.raises(didauth.PresentationError):
        didauth.verify_presentation(vp, challenge=CAPTURED["challenge"] if change != "challenge" else "captured")


def test_wallet_2020_presentation_completes_the_exchange(link, award, client):
    wallet = Lcw2020Wallet()
    response = post(client, link["vc_request_url"], wallet.presentation(link["challenge"]))
    assert response.status_code == 200, response.content
    assert response.json() == award.bound_credentials.get(did=wallet.did).credential  # issue 21: bound to its DID
    assert WalletChallenge.objects.get().holder == wallet.did
    replay = post(client, link["vc_request_url"], wallet.presentation(link["challenge"]))
    assert replay.status_code == 400 and "already used" in replay.json()["error"]


def test_signer_other_than_holder_is_refused(link, client):
    wallet, other = Lcw2020Wallet(), Lcw2020Wallet()
    vp = other.presentation(link["challenge"])
    vp["holder"] = wallet.did
    response = post(client, link["vc_request_url"], vp)
    assert response.status_code == 400 and "holder" in response.json()["error"]


# --- the shape check: nothing but DID-Auth reaches the canonicaliser ----------------------


def _blank_node_bomb(challenge, nodes=8):
    """Issue 17's attack: an extra property of blank nodes that all reference each other."""
    wallet = Lcw2020Wallet()
    vp = wallet.presentation(challenge)
    vp["@context"] = [jsonld.VC_V2, {"@vocab": "https://example.org/#"}]
    vp["extra"] = [{"@id": f"_:b{i}", "p": [{"@id": f"_:b{j}"} for j in range(nodes) if j != i]}
                   for i in range(nodes)]
    return vp


@pytest.mark.parametrize("mutate", [
    lambda vp: vp.update(extra="x"),
    lambda vp: vp.update(holder="_:b0"),
    lambda vp: vp.update(holder={"id": vp["holder"]}),
    lambda vp: vp.update({"@context": [jsonld.VC_V2, {"@vocab": "https://example.org/#"}]}),
    lambda vp: vp.update({"@context": [jsonld.VC_V2, jsonld.OB3_CONTEXT]}),
    lambda vp: vp.update(type=["VerifiablePresentation", "Other"]),
    lambda vp: vp.update(verifiableCredential=[]),
    lambda vp: vp.update(id="_:b1"),
    lambda vp: vp["proof"].update(nested={"@id": "_:b2"}),
    lambda vp: vp["proof"].update(verificationMethod={"id": "_:b3"}),
    lambda vp: vp["proof"].update(challenge=["a", "b"]),
    lambda vp: vp["proof"].update(domain="_:b4"),
    lambda vp: vp["proof"].update(challenge="x" * 600),
    lambda vp: vp.update(proof=[vp["proof"], vp["proof"]]),
    lambda vp: vp["proof"].update(type="JsonWebSignature2020"),
])
@pytest.mark.parametrize("wallet_kind", [Lcw2020Wallet, TestWallet])
def test_anything_but_the_did_auth_shape_is_refused_before_json_ld(mutate, wallet_kind, link, client, monkeypatch):
    def no_json_ld(*args, **kwargs):
        raise AssertionError("JSON-LD processing of a presentation that should have been refused on its shape")

    vp = wallet_kind().presentation(link["challenge"])
    mutate(vp)
    monkeypatch.setattr(jsonld, "canonize", no_json_ld)
    monkeypatch.setattr(jsonld, "expand", no_json_ld)
    response = post(client, link["vc_request_url"], vp)
    assert response.status_code == 400, response.content
    assert response.json()["error"]


def test_blank_node_bomb_is_refused_cheaply(link, client):
    body = json.dumps(_blank_node_bomb(link["challenge"]))
    started = time.process_time()
    response = post(client, link["vc_request_url"], body)
    spent = time.process_time() - started
    assert response.status_code == 400 and "only @context, type, holder and proof" in response.json()["error"]
    assert spent < 0.05, spent


@pytest.mark.parametrize("body", [
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"@context": "\\ud800", "type": "VerifiablePresentation"}',
    b'{"\\udfff": 1}',
    b"\xff\xfe not utf-8",
    b"null",
    b'"just a string"',
    b'{"verifiablePresentation": "\\ud800"}',
])
def test_hostile_bodies_are_400_never_500(body, link, client):
    response = post(client, link["vc_request_url"], body)
    assert response.status_code in (400, 413), (response.status_code, response.content[:200])
    assert response.json()["error"]


def test_lone_surrogate_inside_a_well_shaped_presentation_is_400(link, client):
    vp = Lcw2020Wallet().presentation(link["challenge"])
    raw = json.dumps(vp).replace(link["challenge"], "\\ud800abc")
    response = post(client, link["vc_request_url"], raw)
    assert response.status_code == 400


# --- failed attempts and rate limits ------------------------------------------------------


def test_challenge_dies_after_a_few_failed_attempts(link, client, settings):
    settings.OPENEDX_BADGES_DCC_MAX_FAILURES = 3
    wallet = Lcw2020Wallet()
    for _ in range(3):
        assert post(client, link["vc_request_url"], wallet.presentation("wrong")).status_code == 400
    response = post(client, link["vc_request_url"], wallet.presentation(link["challenge"]))
    assert response.status_code == 400 and "withdrawn" in response.json()["error"]
    assert WalletChallenge.objects.get().used_at is None


def test_exchange_is_rate_limited_per_address_with_retry_after(link, client, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_exchange": "2/m", "dcc_exchange_id": None}
    for _ in range(2):
        assert post(client, "/badges/backpacks/dcc/exchange/nope", {}).status_code == 400
    limited = post(client, "/badges/backpacks/dcc/exchange/other", {})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    # another address is not affected
    assert post(client, "/badges/backpacks/dcc/exchange/nope", {}, REMOTE_ADDR="10.9.9.9").status_code == 400


def test_exchange_is_rate_limited_per_exchange(link, client, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_exchange": None, "dcc_exchange_id": "2/h"}
    for address in ("10.0.0.1", "10.0.0.2"):
        post(client, link["vc_request_url"], {}, REMOTE_ADDR=address)
    limited = post(client, link["vc_request_url"], {}, REMOTE_ADDR="10.0.0.3")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_defaults_apply_when_the_setting_names_other_scopes(settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"verify": "120/m"}
    assert ratelimit.limit_for("dcc_exchange") == (30, 60)
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_exchange": None}
    assert ratelimit.limit_for("dcc_exchange") is None


def test_wallet_links_are_rate_limited_per_learner(learner_client, dcc_provider, award, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_request": "2/h"}
    url = f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/"
    assert [learner_client.get(url).status_code for _ in range(2)] == [200, 200]
    limited = learner_client.get(url)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert WalletChallenge.objects.count() == 2  # the refused request wrote nothing


def test_wallet_page_shows_both_links_as_qr_codes(learner_client, dcc_provider, award):
    page = learner_client.get(f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/")
    text = page.content.decode()
    assert 'href="dccrequest://request?' in text and 'href="https://lcw.app/request.html?' in text
    assert text.count('class="obw-qr-svg"') == 2


@pytest.mark.parametrize("exchange_id", ["%ED%A0%80", "a%20b%0Ac", "x" * 300, "..%2F..%2Fetc", "%00", "%F0%9F%98%80"])
def test_hostile_exchange_ids_are_400(exchange_id, client, db):
    import warnings

    from django.core.cache import CacheKeyWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # memcached would refuse such a key outright
        response = client.post(f"/badges/backpacks/dcc/exchange/{exchange_id}", "{}",
                               content_type="application/json")
    assert response.status_code in (400, 404), response.status_code


def test_exchange_ids_that_cannot_be_ours_never_reach_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.post("/badges/backpacks/dcc/exchange/%ED%A0%80", "{}", content_type="application/json")
    assert response.status_code == 400
