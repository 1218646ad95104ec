"""DCC Learner Credential Wallet: request links, DID-Auth presentations, single-use challenges."""

import copy
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from openedx_plugin.backpacks import didauth
from openedx_plugin.credentials import public_urls
from openedx_plugin.engine import dataintegrity, jsonld
from openedx_plugin.models import PushAttempt, WalletChallenge

from .wallet_client import TestWallet


@pytest.fixture
def link(learner_client, dcc_provider, award):
    page = learner_client.get(f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/")
    assert page.status_code == 200
    return page.context["link"]


def post(client, url, body):
    return client.post(urlsplit(url).path, body, content_type="application/json")


def test_links_carry_issuer_exchange_and_challenge(link, award):
    assert link["deep_link"].startswith("dccrequest://request?")
    assert link["https_link"].startswith("https://lcw.app/request.html?")
    params = TestWallet.read_link(link["deep_link"])
    assert params == TestWallet.read_link(link["https_link"])
    assert params["issuer"] == public_urls.issuer_did(award.badge_class.issuer)
    assert params["auth_type"] == "bearer"
    assert params["vc_request_url"].startswith("https://lms.example.com/badges/backpacks/dcc/exchange/")
    assert params["challenge"] == link["challenge"].challenge


def test_wallet_receives_the_signed_credential(link, award, client):
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    response = post(client, params["vc_request_url"], wallet.presentation(params["challenge"], "lms.example.com"))
    assert response.status_code == 200, response.content
    # issue 21: the wallet proved its DID, so it gets the credential bound to it
    assert response.json() == award.bound_credentials.get(did=wallet.did).credential
    assert response.json()["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    row = WalletChallenge.objects.get()
    assert row.used_at is not None and row.holder == wallet.did
    assert PushAttempt.objects.get(award=award).status == "sent"


def test_replayed_challenge_is_refused(link, client):
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    presentation = wallet.presentation(params["challenge"])
    assert post(client, params["vc_request_url"], presentation).status_code == 200
    replay = post(client, params["vc_request_url"], presentation)
    assert replay.status_code == 400 and "already used" in replay.json()["error"]


def test_wrong_challenge_is_refused(link, client):
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    response = post(client, params["vc_request_url"], wallet.presentation("not-the-challenge"))
    assert response.status_code == 400 and "challenge" in response.json()["error"]
    assert WalletChallenge.objects.get().used_at is None  # a wrong answer does not burn the link


def test_tampered_presentation_is_refused(link, client):
    wallet, other = TestWallet(), TestWallet()
    params = wallet.read_link(link["deep_link"])
    presentation = wallet.presentation(params["challenge"])
    tampered = copy.deepcopy(presentation)
    tampered["holder"] = other.did
    assert "not the DID that signed" in post(client, params["vc_request_url"], tampered).json()["error"]
    tampered = copy.deepcopy(presentation)
    tampered["proof"]["verificationMethod"] = other.vm
    tampered["holder"] = other.did
    assert "signature does not match" in post(client, params["vc_request_url"], tampered).json()["error"]
    tampered = copy.deepcopy(presentation)
    tampered["proof"]["proofPurpose"] = "assertionMethod"
    assert post(client, params["vc_request_url"], tampered).status_code == 400
    tampered = copy.deepcopy(presentation)
    tampered["extra"] = "not in any context"
    assert "only @context, type, holder and proof" in post(client, params["vc_request_url"], tampered).json()["error"]
    assert post(client, params["vc_request_url"], presentation).status_code == 200  # the real one still works


def test_expired_challenge_is_refused(link, client):
    WalletChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    response = post(client, params["vc_request_url"], wallet.presentation(params["challenge"]))
    assert response.status_code == 400 and "expired" in response.json()["error"]


def test_other_domain_is_refused(link, client):
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    response = post(client, params["vc_request_url"], wallet.presentation(params["challenge"], "evil.example"))
    assert response.status_code == 400 and "domain" in response.json()["error"]


def test_engine_sign_has_no_challenge_so_it_is_refused(link, client):
    """dataintegrity.sign cannot put a challenge in the proof: such a presentation is refused."""
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    unsigned = {"@context": [jsonld.VC_V2], "type": ["VerifiablePresentation"], "holder": wallet.did}
    signed = dataintegrity.sign(unsigned, wallet.key, wallet.vm, proof_purpose="authentication")
    response = post(client, params["vc_request_url"], signed)
    assert response.status_code == 400 and "challenge" in response.json()["error"]


def test_garbage_and_unknown_exchange(client, link):
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    assert client.post(urlsplit(params["vc_request_url"]).path, "{nope",
                       content_type="application/json").status_code == 400
    assert post(client, "/badges/backpacks/dcc/exchange/unknown", wallet.presentation("x")).status_code == 400
    assert client.get(urlsplit(params["vc_request_url"]).path).status_code == 405


def test_revoked_award_is_not_handed_out(link, award, client):
    from openedx_plugin.credentials import issuing

    issuing.revoke_award(award, "test")
    wallet = TestWallet()
    params = wallet.read_link(link["deep_link"])
    response = post(client, params["vc_request_url"], wallet.presentation(params["challenge"]))
    assert response.status_code == 400 and "revoked" in response.json()["error"]


def test_only_own_awards_get_links(client, other_learner, dcc_provider, award):
    client.force_login(other_learner)
    assert client.get(f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/").status_code == 404


def test_signed_presentation_roundtrip_in_isolation():
    wallet = TestWallet()
    signed = wallet.presentation("abc", "lms.example.com")
    assert signed["proof"]["challenge"] == "abc" and signed["proof"]["proofPurpose"] == "authentication"
    assert didauth.verify_presentation(signed, challenge="abc", domains={"lms.example.com"}) == wallet.did
