"""
Issue 21: a compromised signing key. Everything it signed is revoked and re-issued with the
current key; both verifiers (ours, and Digital Bazaar's through verify.mjs) accept the new
credentials, refuse the old ones (the key is withdrawn from did.json, and their bits are set),
and keep accepting what a merely retired key signed.
"""

import json

import pytest
from django.core import mail
from django.core.management import call_command

from openedx_plugin.backpacks import services
from openedx_plugin.credentials import issuing, public_urls, verification
from openedx_plugin.models import (
    Award,
    BackpackConnection,
    BackpackProvider,
    KeyCompromise,
    PushAttempt,
    SigningKey,
    StatusList,
)
from openedx_plugin.persistence import binding, compromise

from . import nodeverifier

pytestmark = [pytest.mark.interop, pytest.mark.django_db]
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def site(django_user_model):
    issuer = issuing.create_issuer("Keyed Academy", "https://academy.example/", "badges@academy.example",
                                   public_base_url=BASE, is_default=True)
    badge = issuing.create_badge_class(issuer, "Trusted", "Signed with care.", criteria_narrative="Be signed.",
                                       validity_days=365)
    users = {name: django_user_model.objects.create_user(name, f"{name}@example.com", "pw")
             for name in ("retired", "leaked", "held", "gone")}
    retired_key_award = issuing.award_badge(badge, users["retired"])[0]  # signed by ed-1
    issuing.rotate_key(issuer, SigningKey.ED25519)  # ed-1 retired: stays published
    leaked = issuing.award_badge(badge, users["leaked"], evidence=[{"name": "Project", "narrative": "Done."}])[0]
    held = issuing.suspend_award(issuing.award_badge(badge, users["held"])[0], "Under review")
    gone = issuing.award_badge(badge, users["gone"])[0]
    Award.objects.filter(pk=gone.pk).update(user=None)  # the learner's account was retired since
    provider = BackpackProvider.objects.create(kind="ob3_api", name="Host", base_url="http://127.0.0.1:9")
    connection = BackpackConnection.objects.create(user=users["leaked"], provider=provider,
                                                   state=BackpackConnection.CONNECTED)
    PushAttempt.objects.create(award=leaked, provider=provider, connection=connection, status=PushAttempt.SENT,
                               idempotency_key=PushAttempt.key_for(leaked, provider, connection))
    return {"issuer": issuer, "badge": badge, "users": users, "retired": retired_key_award, "leaked": leaked,
            "held": held, "gone": gone, "key": issuer.keys.get(kind=SigningKey.ED25519, active=True),
            "provider": provider}


def _node(awards, tmp_path):
    issuer = awards[0].badge_class.issuer
    items, documents = [], {}
    (tmp_path / "did.json").write_text(json.dumps(issuing.did_document(issuer)))
    documents[public_urls.did_json_url(issuer)] = str(tmp_path / "did.json")
    for award in awards:
        award.refresh_from_db()
        path = tmp_path / f"{award.uuid}.json"
        path.write_text(json.dumps(award.ob3_credential))
        items.append({"kind": "ob3", "path": str(path)})
        for status_list in (award.status_list, award.suspension_list):
            status_list.refresh_from_db()
            documents[public_urls.status_list_url(status_list)] = {
                "json": issuing.status_list_credential(status_list)}
    return nodeverifier.verify(items, documents)


def test_dry_run_changes_nothing(site):
    before = list(Award.objects.values_list("uuid", "revoked"))
    call_command("badges_key_compromised", "--issuer", str(site["issuer"].uuid), "--key", "ed-2",
                 "--reason", "Backup leaked", "--dry-run")
    assert list(Award.objects.values_list("uuid", "revoked")) == before
    assert not KeyCompromise.objects.exists()
    assert site["key"].key_id in json.dumps(issuing.did_document(site["issuer"]))


def test_compromised_key_revokes_and_reissues_for_both_verifiers(site, tmp_path, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    nodeverifier.ensure_node_modules()
    queued = []
    monkeypatch.setattr(services, "_send", queued.append)  # the push task is queued, not run against a host
    wallet_did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    binding.bind(site["leaked"], wallet_did)  # the learner's wallet had proved its DID
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = compromise.mark_compromised(site["key"], "Backup leaked", by="ops")
    leaked, held, gone = (Award.objects.get(pk=site[name].pk) for name in ("leaked", "held", "gone"))
    assert {str(leaked.uuid), str(held.uuid), str(gone.uuid)} == set(report.revoked)
    assert all(award.revoked and "ed-2 was compromised" in award.revocation_reason for award in (leaked, held, gone))
    assert str(gone.uuid) in report.not_reissued  # no one to give it to; revoked all the same

    new_leaked = Award.objects.get(uuid=report.reissued[str(leaked.uuid)])
    new_held = Award.objects.get(uuid=report.reissued[str(held.uuid)])
    assert new_leaked.user == leaked.user and new_leaked.sequence == leaked.sequence + 1
    assert (new_leaked.issued_on, new_leaked.valid_until, new_leaked.evidence) == (
        leaked.issued_on, leaked.valid_until, leaked.evidence)
    assert (new_leaked.status_list_id, new_leaked.status_index) != (leaked.status_list_id, leaked.status_index)
    assert new_leaked.provenance["replaces"] == str(leaked.uuid)
    assert new_held.suspended  # a hold carries over to the replacement
    assert binding.dids_of(new_leaked) == [wallet_did]  # and so does a DID binding, signed by the new key
    bound = new_leaked.bound_credentials.get().credential
    assert bound["proof"]["verificationMethod"].endswith("#ed-3")
    assert bound["credentialStatus"] == new_leaked.ob3_credential["credentialStatus"]
    new_key = site["issuer"].keys.get(kind=SigningKey.ED25519, active=True)
    assert new_key.key_id == "ed-3"
    assert new_leaked.ob3_credential["proof"]["verificationMethod"].endswith("#ed-3")

    # learners told (the award email), the new credential pushed where the old one went; a held
    # badge's replacement is held too, so its learner gets no "you earned" email
    assert sorted(message.to[0] for message in mail.outbox) == ["leaked@example.com"]
    assert PushAttempt.objects.filter(award=new_leaked, provider=site["provider"], status=PushAttempt.PENDING).exists()

    did_doc = issuing.did_document(site["issuer"])
    assert [vm["id"].rsplit("#", 1)[1] for vm in did_doc["verificationMethod"]] == ["ed-1", "ed-3"]

    # our verifier
    ours = {name: verification.verify_award(award) for name, award in
            (("retired", site["retired"]), ("old", leaked), ("new", new_leaked))}
    assert ours["retired"].ok and ours["new"].ok, (ours["retired"].errors, ours["new"].errors)
    assert ours["new"].revoked is False and ours["retired"].revoked is False
    assert not ours["old"].ok
    # the Node verifier
    retired, old, new, old_held, new_held_result = _node(
        [site["retired"], leaked, new_leaked, held, new_held], tmp_path)
    assert retired["verified"] and retired["revoked"] is False, retired["errors"]
    assert new["verified"] and new["revoked"] is False, new["errors"]
    assert not old["verified"] and not old_held["verified"]
    assert new_held_result.get("suspended") is True and new_held_result["revoked"] is False

    # a second run finds nothing left, and a retired key is never withdrawn by rotation alone
    assert compromise.mark_compromised(site["key"], "again").revoked == []
    issuing.rotate_key(site["issuer"], SigningKey.ED25519)
    assert "ed-3" in json.dumps(issuing.did_document(site["issuer"]))


def test_status_lists_signed_by_the_key_are_resigned(site):
    """A list whose bits do not change is re-signed too: its old proof names the withdrawn key."""
    untouched = StatusList.objects.create(issuer=site["issuer"], size=131072, bits=bytes(131072 // 8),
                                          purpose="suspension")
    issuing.sign_status_list(untouched)
    assert untouched.credential["proof"]["verificationMethod"].endswith("#ed-2")
    report = compromise.mark_compromised(site["key"], "Backup leaked")
    assert str(untouched.uuid) in report.status_lists
    untouched.refresh_from_db()
    assert untouched.credential["proof"]["verificationMethod"].endswith("#ed-3")


def test_a_did_key_issuer_cannot_withdraw_its_identity(db):
    issuer = issuing.create_issuer("Key Only", "https://k.example/", "k@k.example", public_base_url=BASE,
                                   identity="did:key")
    with pytest.raises(compromise.CompromiseError):
        compromise.mark_compromised(issuer.keys.get(kind=SigningKey.ED25519), "leaked")
