"""
Issue 21: a learner binds their badge to a DID they prove outside the DCC exchange, by
signing the site's challenge into a DID-Auth presentation. Single use, own awards only,
a clear 400 for a bad presentation; the bound credential verifies with the Node verifier.
"""

import json

import pytest
from django.urls import reverse

from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.persistence import binding
from tests.backpacks.wallet_client import TestWallet

from . import nodeverifier

pytestmark = [pytest.mark.interop, pytest.mark.django_db]


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner)[0]


def _url(award):
    return reverse("openedx_badges:wallet-bind-did", kwargs={"award_uuid": award.uuid})


def test_a_signed_challenge_binds_the_badge(client, learner, award, tmp_path):
    nodeverifier.ensure_node_modules()
    client.force_login(learner)
    challenge = client.get(_url(award)).json()
    wallet = TestWallet()
    presentation = wallet.presentation(challenge["challenge"], challenge["domain"])
    response = client.post(_url(award), presentation, content_type="application/json")
    assert response.status_code == 200, response.content
    bound = response.json()
    assert bound["credentialSubject"]["id"] == wallet.did
    assert bound["credentialStatus"] == award.ob3_credential["credentialStatus"]
    assert binding.dids_of(award) == [wallet.did]
    assert wallet.did in client.get(f"/badges/wallet/{award.uuid}/").content.decode()

    replay = client.post(_url(award), presentation, content_type="application/json")
    assert replay.status_code == 400 and "challenge" in replay.json()["error"]

    issuer = award.badge_class.issuer
    (tmp_path / "bound.json").write_text(json.dumps(bound))
    documents = {public_urls.did_json_url(issuer): {"json": issuing.did_document(issuer)}}
    for status_list in (award.status_list, award.suspension_list):
        documents[public_urls.status_list_url(status_list)] = {"json": issuing.status_list_credential(status_list)}
    [result] = nodeverifier.verify([{"kind": "ob3", "path": str(tmp_path / "bound.json")}], documents)
    assert result["verified"] and result["revoked"] is False, result["errors"]


def test_the_form_posts_back_to_the_wallet_page(client, learner, award):
    client.force_login(learner)
    challenge = client.get(_url(award)).json()["challenge"]
    wallet = TestWallet()
    response = client.post(_url(award), {"presentation": json.dumps(wallet.presentation(challenge))})
    assert response.status_code == 302 and response["Location"].endswith(f"/badges/wallet/{award.uuid}/")
    assert binding.dids_of(award) == [wallet.did]


@pytest.mark.parametrize("body", [b"not json", b"[" * 5000, json.dumps({"type": ["VerifiablePresentation"]}).encode()])
def test_bad_presentations_are_a_400(client, learner, award, body):
    client.force_login(learner)
    client.get(_url(award))
    response = client.post(_url(award), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]
    assert binding.dids_of(award) == []


def test_a_wrong_challenge_or_another_learners_award_is_refused(client, learner, other_learner, award):
    client.force_login(learner)
    client.get(_url(award))
    wrong = client.post(_url(award), TestWallet().presentation("not-the-challenge"), content_type="application/json")
    assert wrong.status_code == 400
    client.force_login(other_learner)
    assert client.get(_url(award)).status_code == 404
    assert client.post(_url(award), {}, content_type="application/json").status_code == 404
    client.logout()
    assert client.get(_url(award)).status_code == 302


def test_the_post_needs_the_csrf_token(learner, award):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    challenge = browser.get(_url(award)).json()["challenge"]
    response = browser.post(_url(award), {"presentation": json.dumps(TestWallet().presentation(challenge))})
    assert response.status_code == 403 and binding.dids_of(award) == []
