"""Issuing through the app: exactly-once awards, signatures, keys at rest, rotation, revocation."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import override_settings
from django.utils import timezone

from openedx_plugin.credentials import issuing, keystore, public_urls, verification
from openedx_plugin.engine import dataintegrity, keys, ob2, statuslist
from openedx_plugin.models import Award, SigningKey

pytestmark = pytest.mark.django_db


def test_issuer_gets_encrypted_keys_and_a_did_web(issuer):
    kinds = sorted(issuer.keys.values_list("kind", flat=True))
    assert kinds == ["ed25519", "rsa"]
    assert public_urls.issuer_did(issuer) == "did:web:lms.example.com"
    for key in issuer.keys.all():
        secret = keystore.decrypt(key.private_key_encrypted)
        assert secret not in bytes(key.private_key_encrypted)
        assert b"PRIVATE KEY" not in bytes(key.private_key_encrypted)


def test_keys_cannot_be_read_with_another_encryption_key(issuer):
    key = issuer.keys.first()
    with override_settings(OPENEDX_BADGES_KEY_ENCRYPTION_KEYS=["b3RoZXIta2V5LW5vdC1mb3ItcHJvZHVjdGlvbi0xMjM="]):
        with pytest.raises(keystore.KeyStoreError):
            keystore.decrypt(key.private_key_encrypted)


def test_award_is_signed_and_verifies(badge_class, learner):
    award, created = issuing.award_badge(badge_class, learner, evidence=[{"name": "Final project",
                                                                           "narrative": "Scored 91%."}],
                                         result=[{"type": ["Result"], "value": "91"}])
    assert created
    credential = award.ob3_credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:lms.example.com"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["credentialSubject"]["achievement"]["name"] == "Data Wrangler"
    assert credential["credentialSubject"]["result"] == [{"type": ["Result"], "value": "91"}]
    assert credential["evidence"][0]["narrative"] == "Scored 91%."
    assert credential["credentialStatus"][0]["statusListIndex"] == str(award.status_index)
    # one year of validity
    assert credential["validUntil"].startswith(str(award.issued_on.year + 1))
    result = verification.verify_award(award)
    assert result.ok, result.errors


def test_recipient_is_a_salted_hash_of_the_normalised_email(badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    assert "learner@example.com" not in str(award.ob3_credential).lower()
    identity = award.ob3_credential["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == ob2.hashed_email_recipient("  learner@example.com ",
                                                                   award.recipient_salt)["identity"]
    assert award.ob2_assertion["recipient"]["identity"] == identity["identityHash"]


def test_second_award_returns_the_first(badge_class, learner):
    first, created = issuing.award_badge(badge_class, learner)
    again, created_again = issuing.award_badge(badge_class, learner)
    assert created and not created_again
    assert again.pk == first.pk
    assert Award.objects.count() == 1


def test_race_lost_at_the_constraint_returns_the_winner(badge_class, learner):
    winner, _ = issuing.award_badge(badge_class, learner)
    # Another worker saw no award yet: it reaches the insert and the constraint stops it.
    with mock.patch.object(issuing, "current_award", return_value=None):
        award, created = issuing.award_badge(badge_class, learner)
    assert not created and award.pk == winner.pk
    assert Award.objects.count() == 1


def test_database_refuses_a_duplicate_award(badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    with pytest.raises(IntegrityError):
        Award.objects.create(badge_class=badge_class, user=learner, sequence=award.sequence,
                             recipient_identity="x", recipient_salt="y", issued_on=timezone.now())


def test_expired_award_is_followed_by_a_new_credential(badge_class, learner):
    old, _ = issuing.award_badge(badge_class, learner, issued_on=timezone.now() - timedelta(days=400))
    assert old.state() == "expired"
    new, created = issuing.award_badge(badge_class, learner)
    assert created and new.sequence == 2 and new.uuid != old.uuid
    assert new.state() == "earned"


def test_each_award_gets_its_own_status_slot(badge_class, learner, other_learner):
    a, _ = issuing.award_badge(badge_class, learner)
    b, _ = issuing.award_badge(badge_class, other_learner)
    assert a.status_list_id == b.status_list_id
    assert a.status_index != b.status_index


def test_revocation_flips_the_status_bit_and_marks_2_0(badge_class, learner, other_learner):
    award, _ = issuing.award_badge(badge_class, learner)
    kept, _ = issuing.award_badge(badge_class, other_learner)
    issuing.revoke_award(award, "Academic misconduct")
    award.refresh_from_db()
    status_credential = issuing.status_list_credential(award.status_list)
    bits = statuslist.BitstringStatusList.decode(status_credential["credentialSubject"]["encodedList"])
    assert bits.get(award.status_index) is True
    assert bits.get(kept.status_index) is False
    assert issuing.hosted_assertion(award)["revoked"] is True
    revoked_ids = str(issuing.revocation_list_ob2(badge_class.issuer)["revokedAssertions"])
    assert f"urn:uuid:{award.uuid}" in revoked_ids and "Academic misconduct" in revoked_ids
    result = verification.verify_award(award)
    assert not result.ok and result.revoked
    assert verification.verify_award(kept).ok


def test_revoked_badge_is_not_awarded_again_automatically(badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    issuing.revoke_award(award, "Error")
    with pytest.raises(issuing.AwardRefused):
        issuing.award_badge(badge_class, learner)
    again, created = issuing.award_badge(badge_class, learner, after_revocation=True)
    assert created and again.sequence == 2


def test_reinstate_lifts_a_suspension(badge_class, learner):
    """Issue 17: reinstating clears the suspension bit; a revocation bit is never cleared (tests/app/test_revocation_final.py)."""
    award, _ = issuing.award_badge(badge_class, learner)
    issuing.suspend_award(award, "Under review")
    assert verification.verify_award(Award.objects.get(pk=award.pk)).suspended
    issuing.reinstate_award(award)
    assert verification.verify_award(Award.objects.get(pk=award.pk)).ok


def test_rotation_keeps_old_credentials_verifiable(badge_class, learner, other_learner):
    issuer = badge_class.issuer
    before, _ = issuing.award_badge(badge_class, learner)
    issuing.rotate_key(issuer, SigningKey.ED25519)
    after, _ = issuing.award_badge(badge_class, other_learner)
    assert before.ob3_credential["proof"]["verificationMethod"] != after.ob3_credential["proof"]["verificationMethod"]
    document = issuing.did_document(issuer)
    assert len(document["verificationMethod"]) == 2
    assert verification.verify_award(before).ok
    assert verification.verify_award(after).ok


def test_tampered_stored_credential_fails_verification(badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    award.ob3_credential["credentialSubject"]["achievement"]["name"] = "Something else"
    assert not verification.verify_award(award).ok


def test_2_0_signed_assertion_verifies_with_the_published_key(badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    key = badge_class.issuer.keys.get(kind="rsa", active=True)
    payload = ob2.verify_signed_assertion(award.ob2_jws, key.public_key)
    assert payload["id"] == f"urn:uuid:{award.uuid}"
    assert payload["verification"]["creator"] == public_urls.key_url(badge_class.issuer, key)


def test_did_key_issuer(db, learner):
    issuer = issuing.create_issuer("Key Issuer", "https://k.example/", "k@k.example",
                                   public_base_url="https://k.example", identity="did:key", is_default=False)
    badge = issuing.create_badge_class(issuer, "K", "A did:key badge.", criteria_narrative="Do it.")
    award, _ = issuing.award_badge(badge, learner)
    did = public_urls.issuer_did(issuer)
    assert did.startswith("did:key:z6Mk")
    assert award.ob3_credential["proof"]["verificationMethod"] == f"{did}#{did.split(':')[-1]}"
    assert verification.verify_award(award).ok
    with pytest.raises(keystore.KeyStoreError):
        issuing.rotate_key(issuer, SigningKey.ED25519)


def test_retirement_unlinks_the_learner_but_keeps_the_credential(badge_class, learner):
    from openedx_plugin import compat

    award, _ = issuing.award_badge(badge_class, learner)
    compat.USER_RETIRE_LMS_MISC.send(sender=None, user=learner)
    award.refresh_from_db()
    assert award.user_id is None
    assert verification.verify_award(award).ok


def test_signature_uses_dataintegrity_over_the_stored_document(badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    ed_key = badge_class.issuer.keys.get(kind="ed25519")
    public = keys.public_from_multibase(ed_key.public_key)
    dataintegrity.verify(award.ob3_credential,
                         lambda vm: (public, public_urls.issuer_did(badge_class.issuer)))
