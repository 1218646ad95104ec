"""
The DCC Learner Credential Wallet, played by its own npm libraries, against our exchange.

Deep link (what the learner's page offers) -> the wallet's DID-Auth presentation
(``@digitalcredentials/vc`` ``signPresentation`` with ``Ed25519Signature2020``, as the
wallet's ``app/lib/present.ts``) POSTed over HTTP to the exchange on a live server ->
the credential, checked by the wallet's verifier (``@digitalcredentials/verifier-core``
``verifyCredential``) with no network: the site's did:web document and status list come
from the same live server, every other URL is refused.
"""

import html
import re

import pytest

from openedx_plugin.models import PushAttempt, WalletChallenge

from .lcw import run_wallet

SITE = "https://lms.example.com"
OB3_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dcc_provider(db):
    from openedx_plugin.models import BackpackProvider

    return BackpackProvider.objects.create(kind="dcc", name="Learner Credential Wallet")


@pytest.fixture
def award(badge_class, learner):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(badge_class, learner)[0]


def _links_on_page(client, learner, provider, award):
    """The two wallet links, read from the page the learner sees (not from the view's context)."""
    client.force_login(learner)
    page = client.get(f"/badges/backpacks/{provider.pk}/wallet/{award.uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    links = [html.unescape(href) for href in re.findall(r'href="((?:dccrequest://|https://lcw\.app/)[^"]+)"', text)]
    assert len(links) == 2, links
    assert text.count("<svg") >= 2  # both links also as QR codes
    return links


def _log(verification):
    return {entry["id"]: entry for entry in verification.get("log", [])}


def test_real_wallet_libraries_complete_the_exchange(client, learner, dcc_provider, award, live_server):
    deep_link, https_link = _links_on_page(client, learner, dcc_provider, award)
    assert deep_link.startswith("dccrequest://request?") and https_link.startswith("https://lcw.app/request.html?")

    out = run_wallet(deep_link, site_origin=SITE, local_origin=live_server.url)

    assert "error" not in out, out.get("error")
    proof = out["presentation"]["proof"]
    assert proof["type"] == "Ed25519Signature2020" and proof["proofPurpose"] == "authentication"
    assert out["presentation"]["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                              "https://w3id.org/security/suites/ed25519-2020/v1"]
    assert out["status"] == 200, out["body"]
    award.refresh_from_db()
    assert out["body"] == award.bound_credentials.get(did=out["did"]).credential  # issue 21: bound to its DID
    row = WalletChallenge.objects.get()
    assert row.used_at is not None and row.holder == out["did"]
    assert PushAttempt.objects.get(award=award).status == PushAttempt.SENT

    verification = out["verification"]
    log = _log(verification)
    assert "errors" not in verification, verification.get("errors")
    assert log["valid_signature"]["valid"] is True, verification
    assert log["expiration"]["valid"] is True, verification
    assert log["revocation_status"]["valid"] is True, verification
    # Offline, no issuer registry is known: the wallet shows the issuer as unregistered.
    assert log["registered_issuer"]["valid"] is False
    # Nothing left the machine: the only URL refused is the OB 3.0 JSON schema, which the
    # verifier fetches for an informational schema check (not part of "verified").
    assert set(out["refused"]) <= {OB3_SCHEMA}, out["refused"]
    assert f"{SITE}/.well-known/did.json" in out["served"]


def test_the_https_form_of_the_link_works_too(client, learner, dcc_provider, award, live_server):
    _deep, https_link = _links_on_page(client, learner, dcc_provider, award)
    out = run_wallet(https_link, site_origin=SITE, local_origin=live_server.url)
    assert out["status"] == 200, out["body"]


def test_real_wallet_presentation_replayed_is_refused(client, learner, dcc_provider, award, live_server):
    deep_link, _https = _links_on_page(client, learner, dcc_provider, award)
    out = run_wallet(deep_link, site_origin=SITE, local_origin=live_server.url)
    assert out["status"] == 200
    url = out["params"]["vc_request_url"].replace(SITE, "")
    replay = client.post(url, out["presentation"], content_type="application/json")
    assert replay.status_code == 400 and "already used" in replay.json()["error"]


def test_real_wallet_with_a_wrong_challenge_is_refused_and_the_link_survives(client, learner, dcc_provider, award,
                                                                              live_server):
    deep_link, _https = _links_on_page(client, learner, dcc_provider, award)
    out = run_wallet(deep_link, site_origin=SITE, local_origin=live_server.url, tamper="challenge")
    assert out["status"] == 400 and "challenge" in out["body"]["error"]
    assert out["wallet_error"].startswith("Unable to receive credential")
    assert WalletChallenge.objects.get().used_at is None
    assert run_wallet(deep_link, site_origin=SITE, local_origin=live_server.url)["status"] == 200
