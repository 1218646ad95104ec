"""
Private signing keys at rest: generated here, encrypted with Fernet, never shown.

The encryption keys come from ``OPENEDX_BADGES_KEY_ENCRYPTION_KEYS`` (first one
encrypts, all decrypt, so they can rotate). Without them a key is derived from
``SECRET_KEY``, which production settings refuse.
"""

import base64
import hashlib
from collections import OrderedDict

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .. import conf
from ..engine import keys as engine_keys
from ..models import SigningKey


class KeyStoreError(Exception):
    """A private key could not be decrypted with the configured keys."""


def _fernet():
    configured = list(conf.get("OPENEDX_BADGES_KEY_ENCRYPTION_KEYS") or [])
    if not configured:
        if conf.get("OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS"):
            raise ImproperlyConfigured("Set OPENEDX_BADGES_KEY_ENCRYPTION_KEYS to encrypt signing keys.")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"openedx-badges signing keys").derive(settings.SECRET_KEY.encode())
        configured = [base64.urlsafe_b64encode(derived)]
    return MultiFernet([Fernet(key) for key in configured])


def encrypt(private_bytes):
    """Encrypt key material with the first configured key (rotation prepends one), so keys at rest are never plain."""
    return _fernet().encrypt(private_bytes)


def decrypt(token):
    """Decrypt key material with any configured key (rotation keeps old keys readable)."""
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise KeyStoreError("A signing key could not be decrypted: check OPENEDX_BADGES_KEY_ENCRYPTION_KEYS.") from exc


def create_key(issuer, kind):
    """Generate a key of ``kind`` for ``issuer``, store it encrypted, and return the row."""
    if kind == SigningKey.ED25519:
        private = ed25519.Ed25519PrivateKey.generate()
        secret = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
        public = engine_keys.public_multibase(private.public_key())
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        secret = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
        public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    number = issuer.keys.filter(kind=kind).count() + 1
    key_id = f"{'ed' if kind == SigningKey.ED25519 else 'rsa'}-{number}"
    if kind == SigningKey.ED25519 and issuer.identity == "did:key":
        key_id = public  # did:key names its key by the multibase value itself
    return SigningKey.objects.create(issuer=issuer, kind=kind, key_id=key_id, public_key=public,
                                     private_key_encrypted=encrypt(secret))


# Loaded keys by (row id, ciphertext digest, encryption keys). Loading an RSA key costs ~45 ms (its
# consistency checks), more than everything else an award does; a stored key never
# changes (rotation makes a new row), so each worker process loads it once.
_LOADED = OrderedDict()
_LOADED_MAX = 64


def load_private_key(signing_key):
    """The usable private key object of a stored key (decrypted once per process)."""
    token = bytes(signing_key.private_key_encrypted)
    # the configured encryption keys are part of the key: a process told to use other ones
    # must fail to decrypt exactly as it would without the cache
    configured = tuple(conf.get("OPENEDX_BADGES_KEY_ENCRYPTION_KEYS") or [])
    cache_key = (signing_key.pk, hashlib.sha256(token).digest(), configured, settings.SECRET_KEY)
    key = _LOADED.get(cache_key) if signing_key.pk is not None else None
    if key is not None:
        _LOADED.move_to_end(cache_key)
        return key
    secret = decrypt(token)
    if signing_key.kind == SigningKey.ED25519:
        key = ed25519.Ed25519PrivateKey.from_private_bytes(secret)
    else:
        key = serialization.load_pem_private_key(secret, password=None)
    if signing_key.pk is not None:
        _LOADED[cache_key] = key
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    return key


def forget_loaded_keys():
    """Drop the loaded keys (tests; a changed OPENEDX_BADGES_KEY_ENCRYPTION_KEYS)."""
    _LOADED.clear()


def active_key(issuer, kind):
    """The key that signs new documents; one is created on first use."""
    key = issuer.keys.filter(kind=kind, active=True).order_by("-created", "-id").first()
    return key or create_key(issuer, kind)
