"""
Issue 21: an earner-bound credential through the DCC wallet's exchange.

The wallet's own libraries prove control of their did:key (DID-Auth) on a live server; the
exchange answers with the learner's credential issued again with ``credentialSubject.id``
= that DID, alongside the same salted email hash, with the same status entries. The
wallet's verifier (verifier-core) and the independent Node verifier (verify.mjs) accept
it; revoking the award revokes the bound copy too; the wallet page lists the DID for its
owner only.
"""

import json

import pytest

from openedx_plugin.awards import awarding
from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import BackpackProvider
from openedx_plugin.persistence import binding
from tests.interop import nodeverifier

from .lcw import run_wallet
from .test_lcw_exchange import SITE, _links_on_page, _log

pytestmark = pytest.mark.django_db(transaction=True)
SEED = "11" * 32


@pytest.fixture
def dcc_provider(db):
    return BackpackProvider.objects.create(kind="dcc", name="Learner Credential Wallet")


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner)[0]


def _node(credential, award, tmp_path):
    award.refresh_from_db()
    issuer = award.badge_class.issuer
    path = tmp_path / "bound.json"
    path.write_text(json.dumps(credential))
    documents = {public_urls.did_json_url(issuer): {"json": issuing.did_document(issuer)}}
    for status_list in (award.status_list, award.suspension_list):
        status_list.refresh_from_db()
        documents[public_urls.status_list_url(status_list)] = {"json": issuing.status_list_credential(status_list)}
    return nodeverifier.verify([{"kind": "ob3", "path": str(path), "recipient_email": award.user.email.lower()}],
                               documents)[0]


def test_the_exchange_returns_a_credential_bound_to_the_wallets_did(client, learner, other_learner, dcc_provider,
                                                                    award, live_server, tmp_path):
    nodeverifier.ensure_node_modules()
    deep_link, _https = _links_on_page(client, learner, dcc_provider, award)
    out = run_wallet(deep_link, site_origin=SITE, local_origin=live_server.url, seed_hex=SEED)
    assert out["status"] == 200, out["body"]
    bound, did = out["body"], out["did"]
    assert did.startswith("did:key:z6Mk")
    award.refresh_from_db()
    subject, original = bound["credentialSubject"], award.ob3_credential["credentialSubject"]
    assert subject["id"] == did
    assert subject["identifier"] == original["identifier"]  # the email-hash identity, alongside
    assert subject["achievement"] == original["achievement"]
    assert bound["credentialStatus"] == award.ob3_credential["credentialStatus"]  # revocation covers both
    assert bound["id"] != award.ob3_credential["id"] and bound["id"].startswith("urn:uuid:")
    assert binding.dids_of(award) == [did]

    # the wallet's own verifier
    log = _log(out["verification"])
    assert "errors" not in out["verification"], out["verification"].get("errors")
    assert log["valid_signature"]["valid"] is True and log["revocation_status"]["valid"] is True
    # the independent verifier, with the recipient check on the hashed email
    result = _node(bound, award, tmp_path)
    assert result["verified"] and result["revoked"] is False, result["errors"]

    # the wallet page shows the binding to its owner, and to no one else
    page = client.get(f"/badges/wallet/{award.uuid}/")
    assert page.status_code == 200 and did in page.content.decode()
    client.force_login(other_learner)
    assert client.get(f"/badges/wallet/{award.uuid}/").status_code == 404

    # the same wallet collecting again gets the same document; a revocation reaches the bound copy
    client.force_login(learner)
    again_link, _https = _links_on_page(client, learner, dcc_provider, award)
    again = run_wallet(again_link, site_origin=SITE, local_origin=live_server.url, seed_hex=SEED)
    assert again["status"] == 200 and again["body"] == bound
    awarding.revoke(award, "Awarded in error.")
    assert _node(bound, award, tmp_path)["revoked"] is True


def test_a_revoked_award_is_not_bound(award):
    awarding.revoke(award, "Awarded in error.")
    with pytest.raises(binding.BindingError):
        binding.bind(award, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")


def test_only_dids_are_bound(award):
    with pytest.raises(binding.BindingError):
        binding.bind(award, "mailto:someone@example.com")


def test_retirement_forgets_the_bound_dids(award, learner):
    from openedx_plugin import handlers

    binding.bind(award, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    handlers.on_user_retired(user=learner)
    assert binding.dids_of(award) == []
