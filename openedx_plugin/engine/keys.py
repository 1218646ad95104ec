"""Key material: Ed25519 for Data Integrity proofs and did:key, RSA for OB 2.0 JWS.

Multibase/multicodec encodings are the ones the W3C vectors and DCC wallets use, so a
key exported here can be checked against other tools byte for byte.
"""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from .errors import EngineError

__all__ = [
    "ED25519_PUB_PREFIX",
    "ED25519_PRIV_PREFIX",
    "generate_ed25519",
    "ed25519_from_seed",
    "ed25519_from_multibase",
    "private_multibase",
    "public_multibase",
    "public_from_multibase",
    "public_from_bytes",
    "private_seed_bytes",
    "public_bytes",
    "did_key",
    "did_key_verification_method",
    "generate_rsa",
    "private_pem",
    "public_pem",
    "load_private_pem",
    "load_public_pem",
    "multibase_encode",
    "multibase_decode",
]

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (0xed) as unsigned varint
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300) as unsigned varint


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc (``z`` prefix), the only base Data Integrity uses."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(value: str) -> bytes:
    """Bytes of a base58btc multibase value; anything else is an ``EngineError``, not a wrong key."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise EngineError("expected a base58btc multibase string starting with 'z'")
    try:
        return base58.b58decode(value[1:])
    except ValueError as exc:
        raise EngineError(f"invalid base58btc: {exc}") from exc


def generate_ed25519() -> ed25519.Ed25519PrivateKey:
    """A new Ed25519 key: what an issuer's Data Integrity proofs and did:key are made from."""
    return ed25519.Ed25519PrivateKey.generate()


def ed25519_from_seed(seed: bytes) -> ed25519.Ed25519PrivateKey:
    """The Ed25519 key of a 32-byte seed: how a stored key (and a published test vector) comes back."""
    if len(seed) != 32:
        raise EngineError("an Ed25519 seed is 32 bytes")
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes(seed))


def private_seed_bytes(key: ed25519.Ed25519PrivateKey) -> bytes:
    """The 32-byte seed of an Ed25519 key: the smallest form to encrypt and store."""
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def public_bytes(key: ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key (of a private key too): what multikey and did:key encode."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_from_bytes(raw: bytes) -> ed25519.Ed25519PublicKey:
    """An Ed25519 public key from its 32 raw bytes, checked for length before the library sees it."""
    if len(raw) != 32:
        raise EngineError("an Ed25519 public key is 32 bytes")
    return ed25519.Ed25519PublicKey.from_public_bytes(bytes(raw))


def private_multibase(key: ed25519.Ed25519PrivateKey) -> str:
    """``z3u2...``: multicodec 0x1300 + seed (the W3C vector's ``privateKeyMultibase``)."""
    return multibase_encode(ED25519_PRIV_PREFIX + private_seed_bytes(key))


def ed25519_from_multibase(value: str) -> ed25519.Ed25519PrivateKey:
    """The private key of a ``privateKeyMultibase`` (``z3u2...``): vectors and key exports use it."""
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_PRIV_PREFIX) or len(raw) != 34:
        raise EngineError("not an Ed25519 privateKeyMultibase (0x8026 + 32 bytes)")
    return ed25519_from_seed(raw[2:])


def public_multibase(key: ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey) -> str:
    """``z6Mk...``: multicodec 0xed + 32-byte key, as in did:key and Multikey."""
    return multibase_encode(ED25519_PUB_PREFIX + public_bytes(key))


def public_from_multibase(value: str) -> ed25519.Ed25519PublicKey:
    """The public key of a ``publicKeyMultibase`` (``z6Mk...``), as a Multikey method or did:key carries it."""
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != 34:
        raise EngineError("not an Ed25519 publicKeyMultibase (0xed01 + 32 bytes)")
    return public_from_bytes(raw[2:])


def did_key(key: ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey) -> str:
    """The did:key of an Ed25519 key: an issuer identity that needs no web server to resolve."""
    return "did:key:" + public_multibase(key)


def did_key_verification_method(key: ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey) -> str:
    """The verification method id of a did:key (the key twice): what its proofs name."""
    mb = public_multibase(key)
    return f"did:key:{mb}#{mb}"


def generate_rsa(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A new RSA key for OB 2.0 signed assertions (RS256); keys under 2048 bits are refused."""
    if bits < 2048:
        raise EngineError("RSA keys shorter than 2048 bits are refused")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_pem(key, password: bytes | str | None = None) -> bytes:
    """PKCS#8 PEM, encrypted when a password is given (keys at rest should be)."""
    if isinstance(password, str):
        password = password.encode("utf-8")
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def public_pem(key) -> bytes:
    """The SubjectPublicKeyInfo PEM of a key (or its private key): how OB 2.0 CryptographicKey documents publish it."""
    if hasattr(key, "public_key"):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_pem(data: bytes | str, password: bytes | str | None = None):
    """A private key from PEM (text or bytes, maybe encrypted); EngineError, not cryptography's, if unreadable."""
    if isinstance(data, str):
        data = data.encode("ascii")
    if isinstance(password, str):
        password = password.encode("utf-8")
    try:
        return serialization.load_pem_private_key(data, password=password or None)
    except (ValueError, TypeError) as exc:
        raise EngineError(f"cannot load private key: {exc}") from exc


def load_public_pem(data: bytes | str):
    """A public key from PEM (text or bytes); EngineError if it cannot be read."""
    if isinstance(data, str):
        data = data.encode("ascii")
    try:
        return serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise EngineError(f"cannot load public key: {exc}") from exc
