"""Key encodings (multibase / multicodec, PEM) and did:key / did:web documents."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from openedx_plugin.engine import dids, keys
from openedx_plugin.engine.errors import EngineError

from .conftest import read_json

W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def test_w3c_key_pair_round_trips():
    pair = read_json("w3c/keyPair.json")
    assert pair == {"publicKeyMultibase": W3C_PUBLIC, "privateKeyMultibase": W3C_PRIVATE}
    key = keys.ed25519_from_multibase(W3C_PRIVATE)
    assert keys.public_multibase(key) == W3C_PUBLIC
    assert keys.public_multibase(key.public_key()) == W3C_PUBLIC
    assert keys.private_multibase(key) == W3C_PRIVATE
    assert keys.multibase_decode(W3C_PRIVATE)[:2] == b"\x80\x26"
    assert keys.multibase_decode(W3C_PUBLIC)[:2] == b"\xed\x01"
    assert keys.public_bytes(keys.public_from_multibase(W3C_PUBLIC)) == keys.public_bytes(key)


def test_raw_bytes_helpers():
    key = keys.generate_ed25519()
    seed = keys.private_seed_bytes(key)
    assert len(seed) == 32
    assert keys.public_bytes(keys.ed25519_from_seed(seed)) == keys.public_bytes(key)
    assert keys.public_bytes(keys.public_from_bytes(keys.public_bytes(key))) == keys.public_bytes(key)
    with pytest.raises(EngineError):
        keys.ed25519_from_seed(b"short")


@pytest.mark.parametrize("bad", ["", "6Mk", "z", "z0OIl", W3C_PRIVATE])
def test_bad_public_multibase_is_refused(bad):
    with pytest.raises(EngineError):
        keys.public_from_multibase(bad)


def test_private_multibase_refuses_public_key():
    with pytest.raises(EngineError):
        keys.ed25519_from_multibase(W3C_PUBLIC)


def test_did_key():
    key = keys.ed25519_from_multibase(W3C_PRIVATE)
    assert keys.did_key(key) == f"did:key:{W3C_PUBLIC}"
    assert keys.did_key_verification_method(key.public_key()) == f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
    resolved = dids.resolve_did_key(f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}")
    assert keys.public_bytes(resolved) == keys.public_bytes(key)
    doc = dids.did_key_document(f"did:key:{W3C_PUBLIC}")
    vm_id = f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
    assert doc["id"] == f"did:key:{W3C_PUBLIC}"
    assert doc["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": doc["id"], "publicKeyMultibase": W3C_PUBLIC}
    ]
    assert doc["assertionMethod"] == [vm_id]
    with pytest.raises(EngineError):
        dids.resolve_did_key(f"did:key:{W3C_PUBLIC}#other")
    with pytest.raises(EngineError):
        dids.resolve_did_key("did:web:example.com")


def test_rsa_and_pem():
    key = keys.generate_rsa()
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    plain = keys.private_pem(key)
    assert plain.startswith(b"-----BEGIN PRIVATE KEY-----")
    encrypted = keys.private_pem(key, password="correct horse")
    assert encrypted.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = keys.load_private_pem(encrypted, "correct horse")
    assert loaded.private_numbers() == key.private_numbers()
    with pytest.raises(EngineError):
        keys.load_private_pem(encrypted, "wrong")
    public = keys.public_pem(key)
    assert public.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert keys.load_public_pem(public).public_numbers() == key.public_key().public_numbers()
    with pytest.raises(EngineError):
        keys.generate_rsa(1024)


def test_ed25519_pem_round_trip():
    key = keys.generate_ed25519()
    loaded = keys.load_private_pem(keys.private_pem(key, b"pw"), b"pw")
    assert isinstance(loaded, ed25519.Ed25519PrivateKey)
    assert keys.public_bytes(loaded) == keys.public_bytes(key)
    assert keys.public_bytes(keys.load_public_pem(keys.public_pem(key))) == keys.public_bytes(key)


@pytest.mark.parametrize(
    "url, did, where",
    [
        ("https://example.com", "did:web:example.com", "https://example.com/.well-known/did.json"),
        ("https://example.com/", "did:web:example.com", "https://example.com/.well-known/did.json"),
        ("https://Example.COM:8443", "did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"),
        (
            "https://example.com:8443/user/alice",
            "did:web:example.com%3A8443:user:alice",
            "https://example.com:8443/user/alice/did.json",
        ),
        ("http://localhost:8000", "did:web:localhost%3A8000", "http://localhost:8000/.well-known/did.json"),
        ("http://127.0.0.1:18000/badges", "did:web:127.0.0.1%3A18000:badges", "http://127.0.0.1:18000/badges/did.json"),
    ],
)
def test_did_web_round_trip(url, did, where):
    assert dids.did_web(url) == did
    assert dids.did_web_url(did) == where
    assert dids.did_web_url(did + "#key-1") == where


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "https://user:pw@example.com",
        "https://example.com/a/../b",
        "https://exa mple.com",
        "ftp://example.com",
        "https://example.com/?q=1",
        "https://example.com:99999",
    ],
)
def test_did_web_refuses_bad_urls(url):
    with pytest.raises(EngineError):
        dids.did_web(url)


@pytest.mark.parametrize("did", ["did:key:z6Mk", "did:web:", "did:web:example.com:..", "did:web:example.com:a%2Fb"])
def test_did_web_url_refuses_bad_dids(did):
    with pytest.raises(EngineError):
        dids.did_web_url(did)


def test_did_web_document_lists_rotated_keys():
    old, new = keys.generate_ed25519(), keys.generate_ed25519()
    did = "did:web:example.com"
    doc = dids.did_web_document(did, keys=[("key-1", old.public_key()), ("key-2", new.public_key())])
    assert doc["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert doc["id"] == did
    assert [vm["id"] for vm in doc["verificationMethod"]] == [f"{did}#key-1", f"{did}#key-2"]
    assert all(vm["type"] == "Multikey" and vm["controller"] == did for vm in doc["verificationMethod"])
    assert doc["verificationMethod"][1]["publicKeyMultibase"] == keys.public_multibase(new)
    assert doc["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    limited = dids.did_web_document(
        did, keys=[("key-1", old.public_key()), ("key-2", new.public_key())], assertion_fragments=["key-2"]
    )
    assert len(limited["verificationMethod"]) == 2
    assert limited["assertionMethod"] == [f"{did}#key-2"]
    with pytest.raises(EngineError):
        dids.did_web_document(did, keys=[("key-1", old.public_key())], assertion_fragments=["key-9"])
    with pytest.raises(EngineError):
        dids.did_web_document(did, keys=[("k", old.public_key()), ("k", new.public_key())])
    with pytest.raises(EngineError):
        dids.did_web_document(did, keys=[])


def test_did_documents_survive_json_ld():
    from openedx_plugin.engine import jsonld

    did = "did:web:example.com"
    jsonld.check_signable(dids.did_web_document(did, keys=[("key-1", keys.generate_ed25519().public_key())]))
    jsonld.check_signable(dids.did_key_document(keys.did_key(keys.generate_ed25519())))
