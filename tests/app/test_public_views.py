"""Public endpoints: no login, correct content types, revocation answered as the specs say."""

import json

import pytest

from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.engine import baking

pytestmark = pytest.mark.django_db


def path_of(url):
    return url.split("https://lms.example.com", 1)[1]


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner, evidence=[{"name": "Project", "narrative": "Well done."}])[0]


def get_json(client, url, status=200):
    response = client.get(path_of(url))
    assert response.status_code == status, response.content[:300]
    assert response["Access-Control-Allow-Origin"] == "*"
    return response, json.loads(response.content)


def test_did_json_lists_the_issuer_key(client, issuer):
    response, document = get_json(client, public_urls.did_json_url(issuer))
    assert response["Content-Type"].startswith("application/did+json")
    assert document["id"] == "did:web:lms.example.com"
    assert document["assertionMethod"]
    assert response.wsgi_request.user.is_anonymous


def test_credential_json(client, award):
    response, document = get_json(client, public_urls.credential_url(award))
    assert response["Content-Type"].startswith("application/vc")
    assert document == award.ob3_credential


def test_status_list_credential(client, award):
    response, document = get_json(client, award.ob3_credential["credentialStatus"][0]["statusListCredential"])
    assert response["Content-Type"].startswith("application/vc")
    assert "BitstringStatusListCredential" in document["type"]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_2_0_documents(client, award):
    _, assertion = get_json(client, public_urls.assertion_url(award))
    assert assertion["verification"]["type"] in ("hosted", "HostedBadge")
    _, badge = get_json(client, assertion["badge"])
    assert badge["type"] == "BadgeClass"
    response, issuer = get_json(client, badge["issuer"])
    assert response["Content-Type"].startswith("application/ld+json")
    assert issuer["type"] == "Issuer" and issuer["email"]
    key_urls = issuer["publicKey"] if isinstance(issuer["publicKey"], list) else [issuer["publicKey"]]
    _, key = get_json(client, key_urls[0])
    assert key["type"] == "CryptographicKey" and "BEGIN PUBLIC KEY" in key["publicKeyPem"]
    _, revocations = get_json(client, issuer["revocationList"])
    assert revocations["type"] == "RevocationList"


def test_revoked_hosted_assertion_answers_410_with_revoked_true(client, award):
    issuing.revoke_award(award, "Plagiarism")
    _, assertion = get_json(client, public_urls.assertion_url(award), status=410)
    assert assertion["revoked"] is True
    assert assertion["revocationReason"] == "Plagiarism"


@pytest.mark.parametrize("version", ["ob3", "ob2"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_baked_images_carry_the_documents(client, award, version, fmt):
    response = client.get(path_of(public_urls.baked_url(award, version, fmt)))
    assert response.status_code == 200
    assert response["Content-Type"] == ("image/png" if fmt == "png" else "image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    unbaked = baking.unbake_png(response.content) if fmt == "png" else baking.unbake_svg(response.content)
    assert unbaked is not None
    found_version, payload = unbaked
    assert found_version == version
    expected = award.ob3_credential if version == "ob3" else award.ob2_assertion
    assert json.loads(payload) == expected


def test_verification_page_says_verified_then_revoked(client, award):
    page = client.get(path_of(public_urls.verify_page_url(award)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Verified" in text and "Data Wrangler" in text and "Test Academy" in text
    assert "learner@example.com" not in text.lower() and "learner" not in text.split("<main>")[1].lower()
    issuing.revoke_award(award, "Issued by mistake")
    text = client.get(path_of(public_urls.verify_page_url(award))).content.decode()
    assert "revoked" in text and "Issued by mistake" in text


def test_unknown_ids_are_404(client, db):
    assert client.get("/badges/v1/credentials/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/badges/verify/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/.well-known/did.json").status_code == 404


def test_public_documents_refuse_writes(client, award):
    assert client.post(path_of(public_urls.credential_url(award))).status_code == 405
