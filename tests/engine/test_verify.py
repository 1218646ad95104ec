"""Sign/verify round trips, tampering, key rotation, revocation and expiry."""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_plugin.engine import dataintegrity, dids, jsonld, keys, statuslist
from openedx_plugin.engine.errors import SigningError, VerificationError
from openedx_plugin.engine.verify import verify_credential

from .conftest import NOW, make_credential


def _verify(world, cred, now=NOW):
    return verify_credential(cred, resolve_did=world.resolve_did, fetch_status_list=world.fetch_status_list, now=now)


def _no_network(url):
    raise AssertionError(f"unexpected fetch of {url}")


def _flip_last_char(proof_value):
    return proof_value[:-1] + ("2" if proof_value[-1] != "2" else "3")


def _check(result, name):
    return [c for c in result.checks if c[0] == name]


# ---------------------------------------------------------------- round trips


def test_did_key_round_trip(issuer_key):
    did = keys.did_key(issuer_key)
    cred = make_credential(did)
    before = copy.deepcopy(cred)
    signed = dataintegrity.sign(cred, issuer_key, keys.did_key_verification_method(issuer_key))
    assert cred == before and "proof" not in cred
    assert signed["proof"]["type"] == "DataIntegrityProof"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"]["proofPurpose"] == "assertionMethod"
    assert len(signed["proof"]["created"]) == 20 and signed["proof"]["created"].endswith("Z")
    result = verify_credential(signed, resolve_did=_no_network, fetch_status_list=_no_network, now=NOW)
    assert result.ok, result.errors
    assert result.issuer_id == did
    assert [c[0] for c in result.checks] == ["structure", "proof", "issuer", "validity", "status"]


def test_did_web_round_trip(world):
    result = _verify(world, world.issue())
    assert result.ok, result.errors
    assert result.revoked is False and not result.expired and not result.not_yet_valid
    assert result.issuer_id == world.did


def test_created_formats(issuer_key):
    cred = make_credential(keys.did_key(issuer_key))
    vm = keys.did_key_verification_method(issuer_key)
    when = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    assert dataintegrity.sign(cred, issuer_key, vm, created=when)["proof"]["created"] == "2025-03-04T05:06:07Z"
    with pytest.raises(Exception, match="naive"):
        dataintegrity.sign(cred, issuer_key, vm, created=datetime(2025, 1, 1))


def test_rotated_key_still_verifies(world):
    old_signed = dataintegrity.sign(
        make_credential(world.did, credential_status=None),
        world.old_key,
        f"{world.did}#key-1",
        created="2024-01-01T00:00:00Z",
    )
    assert _verify(world, old_signed).ok


def test_key_outside_assertion_method_is_refused(world):
    signed = dataintegrity.sign(make_credential(world.did, credential_status=None), world.old_key, f"{world.did}#key-1")
    world.did_document = dids.did_web_document(
        world.did,
        keys=[("key-1", world.old_key.public_key()), ("key-2", world.key.public_key())],
        assertion_fragments=["key-2"],
    )
    result = _verify(world, signed)
    assert not result.ok
    assert "not listed in assertionMethod" in " ".join(result.errors)


def test_unknown_did_fails_cleanly(world):
    cred = world.issue()
    world.did_document = None
    result = _verify(world, cred)
    assert not result.ok and "cannot resolve" in " ".join(result.errors)


def test_resolver_exceptions_do_not_escape(world):
    def boom(did):
        raise OSError("connection refused")

    result = verify_credential(world.issue(), resolve_did=boom, fetch_status_list=boom, now=NOW)
    assert not result.ok
    assert any("connection refused" in e for e in result.errors)


# ---------------------------------------------------------------- tampering


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "Advanced Python"),
        lambda c: c.__setitem__("validFrom", "2024-01-01T00:00:00Z"),
        lambda c: c["credentialSubject"]["identifier"][0].__setitem__("identityHash", "sha256$" + "0" * 64),
        lambda c: c["issuer"].__setitem__("name", "Evil University"),
        lambda c: c["credentialStatus"].__setitem__("statusListIndex", "8"),
        lambda c: c["proof"].__setitem__("created", "2025-01-01T00:00:01Z"),
        lambda c: c["proof"].__setitem__("proofValue", _flip_last_char(c["proof"]["proofValue"])),
    ],
)
def test_tampering_breaks_the_signature(world, tamper):
    cred = world.issue()
    tamper(cred)
    result = _verify(world, cred)
    assert not result.ok
    assert _check(result, "proof")[0][1] is False


def test_added_unsigned_field_is_refused(world):
    cred = world.issue()
    cred["credentialSubject"]["achievement"]["bonus"] = "not signed"
    result = _verify(world, cred)
    assert not result.ok
    assert "credentialSubject.achievement.bonus" in " ".join(result.errors)


def test_swapped_verification_method(world):
    cred = world.issue()
    cred["proof"]["verificationMethod"] = f"{world.did}#key-1"  # other listed key of the same issuer
    assert not _verify(world, cred).ok
    cred["proof"]["verificationMethod"] = keys.did_key_verification_method(world.key)  # same key, as did:key
    result = _verify(world, cred)
    assert not result.ok
    assert _check(result, "issuer")[0][1] is False


def test_swapped_issuer(world):
    """Re-signing someone else's badge with your own key: signature valid, issuer wrong."""
    attacker = keys.generate_ed25519()
    cred = world.issue()
    del cred["proof"]
    forged = dataintegrity.sign(cred, attacker, keys.did_key_verification_method(attacker))
    result = _verify(world, forged)
    assert not result.ok
    assert _check(result, "proof")[0][1] is True
    assert _check(result, "issuer")[0][1] is False
    assert "is not the issuer" in _check(result, "issuer")[0][2]


def test_issuer_changed_to_attacker_did_key(world):
    attacker = keys.generate_ed25519()
    cred = world.issue()
    cred["issuer"]["id"] = keys.did_key(attacker)
    cred["proof"]["verificationMethod"] = keys.did_key_verification_method(attacker)
    assert not _verify(world, cred).ok


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda p: p.__setitem__("cryptosuite", "eddsa-2022"), "cryptosuite"),
        (lambda p: p.__setitem__("type", "Ed25519Signature2020"), "proof type"),
        (lambda p: p.__setitem__("proofPurpose", "authentication"), "proofPurpose"),
        (lambda p: p.__setitem__("proofValue", "not-multibase"), "proofValue"),
        (lambda p: p.__setitem__("proofValue", "z3"), "64-byte"),
        (lambda p: p.pop("verificationMethod"), "verificationMethod"),
    ],
)
def test_proof_metadata_is_checked(world, change, reason):
    cred = world.issue()
    change(cred["proof"])
    with pytest.raises(VerificationError, match=reason):
        dataintegrity.verify(cred, lambda vm: (world.key.public_key(), world.did))
    assert not _verify(world, cred).ok


@pytest.mark.parametrize("garbage", [None, 42, "a string", [], {}, {"proof": {}}, {"@context": "x", "proof": "y"}])
def test_garbage_never_raises(world, garbage):
    result = _verify(world, garbage)
    assert not result.ok and result.errors


# ---------------------------------------------------------------- validity period


def test_expired(world):
    cred = world.issue(valid_until="2025-03-01T00:00:00Z")
    assert _verify(world, cred, now=datetime(2025, 2, 1, tzinfo=UTC)).ok
    result = _verify(world, cred, now=datetime(2025, 3, 1, 0, 0, 1, tzinfo=UTC))
    assert not result.ok and result.expired and not result.not_yet_valid
    assert _check(result, "proof")[0][1] is True


def test_not_yet_valid(world):
    cred = world.issue(valid_from="2026-01-01T00:00:00Z")
    result = _verify(world, cred)
    assert not result.ok and result.not_yet_valid and not result.expired


# ---------------------------------------------------------------- revocation


def test_revocation_is_detected(world):
    cred = world.issue(index=1234)
    assert _verify(world, cred).revoked is False
    world.bits.set(1234)
    world.publish()
    result = _verify(world, cred)
    assert not result.ok and result.revoked is True
    assert _check(result, "proof")[0][1] is True
    other = world.issue(index=1235)
    assert _verify(world, other).ok


def test_suspension_is_reported(world):
    cred = world.issue(credential_status=statuslist.status_entry(world.list_url, 3, "suspension"))
    world.bits.set(3)
    unsigned = statuslist.build_status_list_credential(
        world.list_url, world.did, world.bits.encode(), "2025-01-01T00:00:00Z", "suspension"
    )
    world.status_list = dataintegrity.sign(unsigned, world.key, world.vm)
    result = _verify(world, cred)
    assert not result.ok and result.suspended and result.revoked is False


def test_status_list_unavailable_fails_closed(world):
    cred = world.issue()
    world.status_list = None
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None


def test_status_list_with_forged_proof(world):
    cred = world.issue(index=5)
    world.bits.set(5)
    world.publish()
    # an attacker serving an "all clear" list with the signature of the real one
    forged = copy.deepcopy(world.status_list)
    forged["credentialSubject"]["encodedList"] = statuslist.BitstringStatusList().encode()
    world.status_list = forged
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None
    assert "status list proof" in " ".join(result.errors)


def test_status_list_from_another_issuer(world):
    cred = world.issue()
    other = keys.generate_ed25519()
    empty = statuslist.BitstringStatusList().encode()
    unsigned = statuslist.build_status_list_credential(
        world.list_url, keys.did_key(other), empty, "2025-01-01T00:00:00Z"
    )
    world.status_list = dataintegrity.sign(unsigned, other, keys.did_key_verification_method(other))
    result = _verify(world, cred)
    assert not result.ok and "not issued by the credential's issuer" in " ".join(result.errors)


def test_status_index_outside_the_list(world):
    cred = world.issue(index=200000)
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None


# ---------------------------------------------------------------- signing refusals


def test_sign_refuses_dropped_terms_with_the_field(issuer_key):
    cred = make_credential(keys.did_key(issuer_key))
    cred["credentialSubject"]["achievement"]["difficulty"] = "hard"
    with pytest.raises(SigningError) as info:
        dataintegrity.sign(cred, issuer_key, keys.did_key_verification_method(issuer_key))
    assert info.value.field == "credentialSubject.achievement.difficulty"
    assert "credentialSubject.achievement.difficulty" in str(info.value)


def test_sign_refuses_control_characters(issuer_key):
    cred = make_credential(keys.did_key(issuer_key), name="Python\x08Basics")
    with pytest.raises(SigningError) as info:
        dataintegrity.sign(cred, issuer_key, keys.did_key_verification_method(issuer_key))
    assert info.value.field in ("name", "credentialSubject.achievement.name")
    assert "U+0008" in str(info.value)


def test_sign_refuses_unknown_proof_purpose(issuer_key):
    cred = make_credential(keys.did_key(issuer_key))
    with pytest.raises(SigningError, match="proofPurpose"):
        dataintegrity.sign(cred, issuer_key, keys.did_key_verification_method(issuer_key), proof_purpose="anything")


def test_sign_refuses_already_signed(world):
    with pytest.raises(SigningError, match="proof"):
        dataintegrity.sign(world.issue(), world.key, world.vm)


# ---------------------------------------------------------------- property: random names

_SIGNABLE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: s.strip()
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_SIGNABLE_TEXT, issuer_name=_SIGNABLE_TEXT)
def test_round_trip_with_random_unicode(issuer_key, name, issuer_name):
    did = keys.did_key(issuer_key)
    cred = make_credential(did, name=name)
    cred["issuer"]["name"] = issuer_name
    vm = keys.did_key_verification_method(issuer_key)
    if jsonld.find_bad_characters(name + issuer_name):
        with pytest.raises(SigningError):
            dataintegrity.sign(cred, issuer_key, vm)
        return
    signed = dataintegrity.sign(cred, issuer_key, vm)
    result = verify_credential(signed, resolve_did=_no_network, fetch_status_list=_no_network, now=NOW)
    assert result.ok, result.errors
    signed["credentialSubject"]["achievement"]["name"] = name + "x"
    assert not verify_credential(signed, resolve_did=_no_network, fetch_status_list=_no_network, now=NOW).ok


# ---------------------------------------------------------------- purity


def test_engine_does_not_import_django():
    code = (
        "import sys, importlib, pkgutil\n"
        "import openedx_plugin.engine as e\n"
        "for m in ['errors','jsonld','keys','dids','dataintegrity','ob3','statuslist','verify']:\n"
        "    importlib.import_module('openedx_plugin.engine.' + m)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "assert not bad, bad\n"
        "print('clean')\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"
