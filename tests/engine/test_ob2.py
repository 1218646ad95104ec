"""Open Badges 2.0 builders, RS256 JWS and hosted checks."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from openedx_plugin.engine import ob2
from openedx_plugin.engine.errors import DataError, SigningError, VerificationError

ISSUER = "https://lms.example.org/badges/issuer"
BADGE = "https://lms.example.org/badges/class/1"
KEY_ID = "https://lms.example.org/badges/keys/1"


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(public_key) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _assertion(**kw):
    defaults = {
        "verification": {"type": "signed", "creator": KEY_ID},
    }
    defaults.update(kw)
    return ob2.build_assertion(
        "urn:uuid:6d3c3f4e-0f6a-4b0a-9d43-6c7b2b8d1a11",
        ob2.hashed_email_recipient("alice@example.org", "pepper"),
        BADGE,
        datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        **defaults,
    )


# --------------------------------------------------------------------------- recipient


def test_hashed_recipient_matches_restated_example():
    # sha256("alice@example.orgpepper"), computed outside Python with sha256sum.
    expected = "sha256$5040ea7dd6be7e14032bb241b4ec23983e2751b66e74746f383e416d2a541b26"
    recipient = ob2.hashed_email_recipient("  Alice@Example.ORG \n", "pepper")
    assert recipient == {"type": "email", "hashed": True, "salt": "pepper", "identity": expected}
    assert ob2.recipient_matches_email(recipient, "ALICE@example.org")
    assert not ob2.recipient_matches_email(recipient, "bob@example.org")


@pytest.mark.parametrize("email,salt", [("not-an-email", "s"), ("a@b.org", ""), (None, "s")])
def test_hashed_recipient_rejects_bad_input(email, salt):
    with pytest.raises(DataError):
        ob2.hashed_email_recipient(email, salt)


# --------------------------------------------------------------------------- builders


def test_build_issuer_badge_key_and_revocation_list(rsa_key):
    issuer = ob2.build_issuer(
        ISSUER,
        "Example U",
        "https://example.org",
        "badges@example.org",
        public_keys=[KEY_ID],
        revocation_list=ISSUER + "/revocations",
    )
    assert issuer["@context"] == "https://w3id.org/openbadges/v2"
    assert issuer["type"] == "Issuer"
    assert issuer["publicKey"] == KEY_ID
    assert "description" not in issuer and "image" not in issuer

    badge = ob2.build_badge_class(
        BADGE,
        "Finisher",
        "Finished the course",
        "https://lms.example.org/img.png",
        criteria_narrative="Pass **every** unit",
        issuer_id=ISSUER,
        alignments=[{"targetName": "Skill", "targetUrl": "https://skills.example/1", "x": 1}],
        tags=["python", ""],
    )
    assert badge["criteria"] == {"narrative": "Pass **every** unit"}
    assert badge["issuer"] == ISSUER
    assert badge["alignment"] == [{"targetName": "Skill", "targetUrl": "https://skills.example/1"}]
    assert badge["tags"] == ["python"]
    with pytest.raises(DataError) as err:
        ob2.build_badge_class(BADGE, "n", "d", "i", issuer_id=ISSUER)
    assert err.value.field == "criteria"

    key = ob2.build_crypto_key(KEY_ID, ISSUER, _pem(rsa_key.public_key()))
    assert key["type"] == "CryptographicKey" and key["owner"] == ISSUER
    with pytest.raises(DataError):
        ob2.build_crypto_key(KEY_ID, ISSUER, "not a pem")

    rl = ob2.build_revocation_list(ISSUER + "/revocations", ISSUER, [("urn:uuid:1", None), ("urn:uuid:2", "fraud")])
    assert rl["type"] == "RevocationList"
    assert rl["revokedAssertions"] == ["urn:uuid:1", {"id": "urn:uuid:2", "revocationReason": "fraud"}]
    assert ob2.is_revoked("urn:uuid:2", rl) == (True, "fraud")
    assert ob2.is_revoked("urn:uuid:1", rl) == (True, None)
    assert ob2.is_revoked("urn:uuid:3", rl) == (False, None)


def test_build_assertion_shapes_and_dates():
    a = _assertion(
        expires=datetime(2030, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))),
        narrative="did it",
    )
    assert a["type"] == "Assertion"
    assert a["issuedOn"] == "2024-05-06T07:08:09Z"
    assert a["expires"] == "2030-01-01T00:00:00Z"
    assert a["verification"] == {"type": "SignedBadge", "creator": KEY_ID}
    for absent in ("image", "evidence", "revoked", "revocationReason"):
        assert absent not in a
    hosted = ob2.build_assertion(
        "https://lms.example.org/a/1",
        {"type": "email", "hashed": False, "identity": "a@b.org"},
        BADGE,
        "2024-05-06T07:08:09.5+02:00",
        verification={"type": "hosted"},
        revoked=True,
        revocation_reason="mistake",
    )
    assert hosted["issuedOn"] == "2024-05-06T05:08:09Z"
    assert hosted["verification"] == {"type": "HostedBadge"}
    assert hosted["revoked"] is True and hosted["revocationReason"] == "mistake"


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"verification": {"type": "bogus"}}, "verification"),
        ({"verification": {"type": "signed"}}, "verification.creator"),
        ({"expires": "2020-01-01T00:00:00Z"}, "expires"),
        ({"expires": "yesterday"}, "expires"),
    ],
)
def test_build_assertion_rejects(kwargs, field):
    with pytest.raises(DataError) as err:
        _assertion(**kwargs)
    assert err.value.field == field


# --------------------------------------------------------------------------- JWS


def test_sign_verify_round_trip(rsa_key):
    assertion = _assertion(narrative="Ünïcödé ✓")
    token = ob2.sign_assertion(assertion, rsa_key)
    header, payload, _sig = token.split(".")
    assert json.loads(_unb64(header)) == {"alg": "RS256"}
    assert json.loads(_unb64(payload)) == assertion
    assert ob2.verify_signed_assertion(token, rsa_key.public_key()) == assertion
    assert ob2.verify_signed_assertion(token, _pem(rsa_key.public_key())) == assertion
    key_doc = ob2.build_crypto_key(KEY_ID, ISSUER, _pem(rsa_key.public_key()))
    assert ob2.verify_signed_assertion(token, key_doc) == assertion


def test_sign_accepts_pem_private_key(rsa_key):
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = ob2.sign_assertion(_assertion(), pem)
    assert ob2.verify_signed_assertion(token, rsa_key.public_key())["type"] == "Assertion"


def test_sign_refuses_weak_or_wrong_keys():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(SigningError) as err:
        ob2.sign_assertion(_assertion(), small)
    assert err.value.field == "key"
    with pytest.raises(SigningError):
        ob2.sign_assertion(_assertion(), ec.generate_private_key(ec.SECP256R1()))


def test_tampered_payload_fails(rsa_key):
    token = ob2.sign_assertion(_assertion(), rsa_key)
    header, payload, sig = token.split(".")
    doc = json.loads(_unb64(payload))
    doc["badge"] = "https://evil.example/badge"
    forged = ".".join([header, _b64(json.dumps(doc).encode()), sig])
    with pytest.raises(VerificationError):
        ob2.verify_signed_assertion(forged, rsa_key.public_key())


def test_tampered_signature_fails(rsa_key):
    token = ob2.sign_assertion(_assertion(), rsa_key)
    header, payload, sig = token.split(".")
    raw = bytearray(_unb64(sig))
    raw[10] ^= 0x01
    with pytest.raises(VerificationError):
        ob2.verify_signed_assertion(".".join([header, payload, _b64(bytes(raw))]), rsa_key.public_key())


def test_wrong_key_fails(rsa_key, other_rsa_key):
    token = ob2.sign_assertion(_assertion(), rsa_key)
    with pytest.raises(VerificationError):
        ob2.verify_signed_assertion(token, other_rsa_key.public_key())


def test_alg_none_rejected(rsa_key):
    payload = _b64(json.dumps(_assertion()).encode())
    for header in ({"alg": "none"}, {"alg": "None"}, {}):
        token = f"{_b64(json.dumps(header).encode())}.{payload}."
        with pytest.raises(VerificationError):
            ob2.verify_signed_assertion(token, rsa_key.public_key())


def test_hs256_with_public_key_as_secret_rejected(rsa_key):
    # The classic key-confusion forgery: HMAC keyed with the issuer's published PEM.
    pem = _pem(rsa_key.public_key()).encode()
    signing_input = _b64(json.dumps({"alg": "HS256"}).encode()) + "." + _b64(json.dumps(_assertion()).encode())
    sig = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    token = signing_input + "." + _b64(sig)
    with pytest.raises(VerificationError, match="RS256"):
        ob2.verify_signed_assertion(token, pem)


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30.", b"\xff\xfe.x.y"],
)
def test_malformed_jws_rejected(rsa_key, token):
    with pytest.raises(VerificationError):
        ob2.verify_signed_assertion(token, rsa_key.public_key())


def test_non_object_payload_rejected(rsa_key):
    # A correctly signed JWS whose payload is not an assertion object.
    import jwt

    token = jwt.PyJWS().encode(b"[1,2]", rsa_key, algorithm="RS256", headers={"typ": None})
    with pytest.raises(VerificationError):
        ob2.verify_signed_assertion(token, rsa_key.public_key())


def test_verify_needs_rsa_public_key():
    with pytest.raises(VerificationError):
        ob2.verify_signed_assertion("a.b.c", "not a pem")


# --------------------------------------------------------------------------- hosted


def _hosted_world(assertion_id="https://lms.example.org/badges/a/1", **assertion_kw):
    issuer = ob2.build_issuer(ISSUER, "Example U", "https://example.org", "b@example.org")
    badge = ob2.build_badge_class(
        BADGE, "n", "d", "https://lms.example.org/i.png", criteria_url="https://lms.example.org/c", issuer_id=ISSUER
    )
    assertion = ob2.build_assertion(
        assertion_id,
        ob2.hashed_email_recipient("a@b.org", "s"),
        BADGE,
        "2024-01-01T00:00:00Z",
        verification={"type": "hosted"},
        **assertion_kw,
    )
    docs = {ISSUER: issuer, BADGE: badge, assertion_id: assertion}
    return assertion, docs


def test_hosted_valid():
    assertion, docs = _hosted_world()
    result = ob2.verify_hosted_assertion(assertion, docs.get)
    assert result.valid, result.errors
    assert result.issuer["id"] == ISSUER and result.badge["id"] == BADGE


def test_hosted_origin_mismatch():
    assertion, docs = _hosted_world("https://evil.example/a/1")
    result = ob2.verify_hosted_assertion(assertion, docs.get)
    assert not result.valid
    assert any("origin" in e for e in result.errors)


def test_hosted_revoked_flag_and_gone():
    assertion, docs = _hosted_world(revoked=True, revocation_reason="oops")
    result = ob2.verify_hosted_assertion(assertion, docs.get)
    assert not result.valid and result.revoked and result.revocation_reason == "oops"

    assertion, docs = _hosted_world()
    del docs[assertion["id"]]  # fetch returns None: HTTP 410 / 404
    result = ob2.verify_hosted_assertion(assertion, docs.get)
    assert not result.valid and result.revoked


def test_hosted_missing_fields_and_fetch_errors():
    result = ob2.verify_hosted_assertion({"id": "https://x.org/a"}, lambda url: None)
    assert not result.valid and "missing required fields" in result.errors[0]

    assertion, _docs = _hosted_world()

    def broken(url):
        raise OSError("timeout")

    result = ob2.verify_hosted_assertion(assertion, broken)
    assert not result.valid and "could not fetch" in result.errors[0]


def test_hosted_expired():
    assertion, docs = _hosted_world(expires="2025-01-01T00:00:00Z")
    result = ob2.verify_hosted_assertion(assertion, docs.get, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert result.expired and not result.valid
