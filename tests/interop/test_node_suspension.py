"""
Issue 17, finding 4, seen by an independent verifier: Digital Bazaar's stack (through
tests/interop/verify.mjs) reads our two credentialStatus entries, each from the list of
its purpose, and reports a suspension as suspended (not revoked), its lifting as clear,
and a revocation as revoked.
"""

import json

import pytest

from openedx_plugin.awards import awarding
from openedx_plugin.credentials import issuing, public_urls

from . import nodeverifier

pytestmark = [pytest.mark.interop, pytest.mark.django_db]
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def award(learner):
    issuer = issuing.create_issuer("Interop Academy", "https://academy.example/", "badges@academy.example",
                                   public_base_url=BASE, is_default=True)
    badge = issuing.create_badge_class(issuer, "Suspendable", "Can be put on hold.",
                                       criteria_narrative="Be held.", course_key="course-v1:X+Y+Z")
    return issuing.award_badge(badge, learner)[0]


def _node_verify(award, tmp_path):
    award.refresh_from_db()
    issuer = award.badge_class.issuer
    files = {
        "credential.json": award.ob3_credential,
        "did.json": issuing.did_document(issuer),
        "revocation.json": issuing.status_list_credential(award.status_list),
        "suspension.json": issuing.status_list_credential(award.suspension_list),
    }
    for name, document in files.items():
        (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    documents = {
        public_urls.did_json_url(issuer): str(tmp_path / "did.json"),
        public_urls.status_list_url(award.status_list): str(tmp_path / "revocation.json"),
        public_urls.status_list_url(award.suspension_list): str(tmp_path / "suspension.json"),
    }
    [result] = nodeverifier.verify([{"kind": "ob3", "path": str(tmp_path / "credential.json")}], documents)
    return result


def _purposes(result):
    return {entry["statusPurpose"]: entry["status"] for entry in result.get("statuses", [])}


def test_node_verifier_reports_suspension_and_its_lifting(award, tmp_path):
    fresh = _node_verify(award, tmp_path)
    assert fresh["verified"], fresh["errors"]
    assert _purposes(fresh) == {"revocation": False, "suspension": False}
    assert fresh["revoked"] is False and not fresh.get("suspended")

    awarding.suspend(award, "Under review")
    held = _node_verify(award, tmp_path)
    assert _purposes(held) == {"revocation": False, "suspension": True}
    assert held["suspended"] is True and held["revoked"] is False

    issuing.reinstate_award(award)
    lifted = _node_verify(award, tmp_path)
    assert lifted["verified"], lifted["errors"]
    assert _purposes(lifted) == {"revocation": False, "suspension": False} and not lifted.get("suspended")


def test_node_verifier_reports_a_revocation_as_final(award, tmp_path):
    awarding.revoke(award, "Plagiarism")
    revoked = _node_verify(award, tmp_path)
    assert revoked["revoked"] is True
    with pytest.raises(issuing.NotReversible):
        issuing.reinstate_award(award)
    assert _node_verify(award, tmp_path)["revoked"] is True
