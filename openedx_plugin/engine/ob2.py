"""Open Badges 2.0 documents, RS256 signed assertions and light hosted verification.

OB 2.0 is still what most backpacks import, so these builders emit exactly the shapes the
1EdTech validator expects (plain dicts, ready for ``json.dumps``). Signing uses PyJWT's JWS
layer rather than hand-written base64/JSON plumbing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import DataError, SigningError, VerificationError

__all__ = [
    "OB2_CONTEXT",
    "HostedResult",
    "build_assertion",
    "build_badge_class",
    "build_crypto_key",
    "build_issuer",
    "build_revocation_list",
    "format_datetime",
    "hashed_email_recipient",
    "is_revoked",
    "recipient_matches_email",
    "sign_assertion",
    "verify_hosted_assertion",
    "verify_signed_assertion",
]

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
MIN_RSA_BITS = 2048
ASSERTION_REQUIRED = ("id", "type", "recipient", "badge", "verification", "issuedOn")

# One JWS instance with an RS256-only allow-list, so no call site can forget to pin it.
_JWS = jwt.PyJWS(algorithms=["RS256"])


def _require(value: Any, field: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DataError(field, "is required")
    return value


def _require_url(value: Any, field: str) -> str:
    _require(value, field)
    if not isinstance(value, str):
        raise DataError(field, "must be a string")
    parts = urlsplit(value)
    if parts.scheme == "urn" or (parts.scheme in ("http", "https") and parts.netloc):
        return value
    raise DataError(field, f"must be an http(s) URL or a urn: ({value!r})")


def format_datetime(value: datetime | date | str, field: str = "date") -> str:
    """ISO 8601 in UTC with ``Z``: the form every OB 2.0 consumer parses.

    Naive datetimes are taken as UTC (Django stores UTC); strings are parsed and normalised.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise DataError(field, f"not an ISO 8601 date: {value!r}") from exc
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, datetime):
        raise DataError(field, "must be a datetime")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- builders


def build_issuer(
    issuer_id: str,
    name: str,
    url: str,
    email: str,
    *,
    description: str | None = None,
    image: str | None = None,
    public_keys: Iterable[str] | None = None,
    revocation_list: str | None = None,
) -> dict:
    """Issuer Profile; url and email are required because the validator enforces them."""
    doc = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": _require_url(issuer_id, "issuer_id"),
        "name": _require(name, "name"),
        "url": _require_url(url, "url"),
        "email": _require(email, "email"),
    }
    if "@" not in email:
        raise DataError("email", "must be an e-mail address")
    if description:
        doc["description"] = description
    if image:
        doc["image"] = image
    keys = list(public_keys or [])
    if keys:
        doc["publicKey"] = keys[0] if len(keys) == 1 else keys
    if revocation_list:
        doc["revocationList"] = _require_url(revocation_list, "revocation_list")
    return doc


_ALIGNMENT_KEYS = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")


def build_badge_class(
    badge_id: str,
    name: str,
    description: str,
    image: str,
    *,
    issuer_id: str,
    criteria_url: str | None = None,
    criteria_narrative: str | None = None,
    alignments: Iterable[Mapping[str, str]] | None = None,
    tags: Iterable[str] | None = None,
) -> dict:
    """BadgeClass; criteria needs a URL, a narrative (Markdown) or both."""
    doc = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": _require_url(badge_id, "badge_id"),
        "name": _require(name, "name"),
        "description": _require(description, "description"),
        "image": _require(image, "image"),
    }
    if not criteria_url and not criteria_narrative:
        raise DataError("criteria", "needs a URL or a narrative")
    criteria = {}
    if criteria_url:
        criteria["id"] = _require_url(criteria_url, "criteria_url")
    if criteria_narrative:
        criteria["narrative"] = criteria_narrative
    doc["criteria"] = criteria
    doc["issuer"] = _require_url(issuer_id, "issuer_id")
    aligned = []
    for item in alignments or []:
        if not item.get("targetName") or not item.get("targetUrl"):
            raise DataError("alignments", "each alignment needs targetName and targetUrl")
        aligned.append({k: item[k] for k in _ALIGNMENT_KEYS if item.get(k)})
    if aligned:
        doc["alignment"] = aligned
    tag_list = [t for t in (tags or []) if t]
    if tag_list:
        doc["tags"] = tag_list
    return doc


def build_crypto_key(key_id: str, owner: str, public_pem: str | bytes) -> dict:
    """CryptographicKey; the PEM is checked to be an RSA public key so signed badges verify."""
    if isinstance(public_pem, bytes):
        public_pem = public_pem.decode("ascii")
    try:
        key = serialization.load_pem_public_key(_require(public_pem, "public_pem").encode())
    except (ValueError, TypeError) as exc:
        raise DataError("public_pem", "not a PEM public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise DataError("public_pem", "must be an RSA key (RS256)")
    return {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": _require_url(key_id, "key_id"),
        "owner": _require_url(owner, "owner"),
        "publicKeyPem": public_pem,
    }


def build_revocation_list(list_id: str, issuer_id: str, revoked: Iterable[tuple[str, str | None]]) -> dict:
    """RevocationList; bare ids when there is no reason keep the document small."""
    entries: list = []
    for assertion_id, reason in revoked:
        _require(assertion_id, "revoked")
        entries.append({"id": assertion_id, "revocationReason": reason} if reason else assertion_id)
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": _require_url(list_id, "list_id"),
        "issuer": _require_url(issuer_id, "issuer_id"),
        "revokedAssertions": entries,
    }


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def hashed_email_recipient(email: str, salt: str) -> dict:
    """IdentityObject with a salted SHA-256 of the normalised e-mail (no address leaks)."""
    if not isinstance(email, str) or "@" not in email:
        raise DataError("email", "not an e-mail address")
    if not isinstance(salt, str) or not salt:
        raise DataError("salt", "is required")
    digest = hashlib.sha256((_normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return {"type": "email", "hashed": True, "salt": salt, "identity": "sha256$" + digest}


def recipient_matches_email(recipient: Mapping, email: str) -> bool:
    """Whether an IdentityObject names this e-mail (hashed or plain)."""
    identity = str(recipient.get("identity", ""))
    if not recipient.get("hashed"):
        return _normalise_email(identity) == _normalise_email(email)
    algo, _, expected = identity.partition("$")
    if algo.lower() != "sha256":
        return False
    salt = recipient.get("salt") or ""
    actual = hashlib.sha256((_normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return actual == expected.lower()


def build_assertion(
    assertion_id: str,
    recipient: Mapping,
    badge_id: str,
    issued_on: datetime | str,
    *,
    verification: Mapping,
    image: str | None = None,
    evidence: str | Mapping | list | None = None,
    narrative: str | None = None,
    expires: datetime | str | None = None,
    revoked: bool | None = None,
    revocation_reason: str | None = None,
) -> dict:
    """Assertion; absent optional fields are omitted rather than null (validators reject null).

    ``verification`` is ``{"type": "hosted"}`` or ``{"type": "signed", "creator": key_id}``.
    """
    if not isinstance(recipient, Mapping) or not recipient.get("identity"):
        raise DataError("recipient", "must be an IdentityObject")
    vtype = str((verification or {}).get("type", "")).lower()
    if vtype in ("hosted", "hostedbadge"):
        verify = {"type": "HostedBadge"}
    elif vtype in ("signed", "signedbadge"):
        verify = {
            "type": "SignedBadge",
            "creator": _require_url(verification.get("creator"), "verification.creator"),
        }
    else:
        raise DataError("verification", "type must be hosted or signed")
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": _require_url(assertion_id, "assertion_id"),
        "recipient": dict(recipient),
        "badge": _require_url(badge_id, "badge_id"),
        "verification": verify,
        "issuedOn": format_datetime(_require(issued_on, "issued_on"), "issued_on"),
    }
    if image:
        doc["image"] = image
    if evidence:
        doc["evidence"] = evidence
    if narrative:
        doc["narrative"] = narrative
    if expires is not None:
        doc["expires"] = format_datetime(expires, "expires")
        if doc["expires"] <= doc["issuedOn"]:
            raise DataError("expires", "must be after issued_on")
    if revoked:
        doc["revoked"] = True
        if revocation_reason:
            doc["revocationReason"] = revocation_reason
    elif revocation_reason:
        raise DataError("revocation_reason", "given for an unrevoked assertion")
    return doc


# --------------------------------------------------------------------------- JWS


def sign_assertion(assertion: Mapping, rsa_private_key) -> str:
    """Compact JWS (RS256) whose payload is the assertion JSON, for SignedBadge verification."""
    if isinstance(rsa_private_key, (str, bytes)):
        pem = rsa_private_key.encode() if isinstance(rsa_private_key, str) else rsa_private_key
        try:
            rsa_private_key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise SigningError("key", "signing key is not an unencrypted PEM private key") from exc
    if not isinstance(rsa_private_key, rsa.RSAPrivateKey):
        raise SigningError("key", "OB 2.0 signing needs an RSA private key (RS256)")
    if rsa_private_key.key_size < MIN_RSA_BITS:
        raise SigningError("key", f"RSA key must be at least {MIN_RSA_BITS} bits")
    if not isinstance(assertion, Mapping):
        raise SigningError("assertion", "must be a JSON object")
    payload = json.dumps(assertion, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _JWS.encode(payload, rsa_private_key, algorithm="RS256", headers={"typ": None})


def _public_key(key) -> rsa.RSAPublicKey:
    if isinstance(key, Mapping):  # a CryptographicKey document
        key = key.get("publicKeyPem")
    if isinstance(key, rsa.RSAPrivateKey):
        key = key.public_key()
    if isinstance(key, (str, bytes)):
        try:
            key = serialization.load_pem_public_key(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError) as exc:
            raise VerificationError("verification key is not a PEM public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("verification key must be an RSA public key")
    return key


def verify_signed_assertion(jws: str, public_key_or_pem) -> dict:
    """Check an RS256 compact JWS and return the assertion it carries.

    Only RS256 is accepted, whatever the header says, so ``none`` and HMAC-with-the-public-
    key forgeries fail before any signature maths.
    """
    key = _public_key(public_key_or_pem)
    if isinstance(jws, bytes):
        jws = jws.decode("ascii", "replace")
    if isinstance(jws, str):
        jws = jws.strip()
    if not isinstance(jws, str) or jws.count(".") != 2:
        raise VerificationError("not a compact JWS")
    try:
        header = _JWS.get_unverified_header(jws)
    except jwt.PyJWTError as exc:
        raise VerificationError(f"malformed JWS: {exc}") from exc
    if header.get("alg") != "RS256":
        raise VerificationError(f"JWS algorithm {header.get('alg')!r} is not allowed (RS256 only)")
    if header.get("crit") or "b64" in header:
        raise VerificationError("JWS critical or unencoded-payload headers are not supported")
    try:
        decoded = _JWS.decode_complete(jws, key, algorithms=["RS256"])
    except jwt.InvalidSignatureError as exc:
        raise VerificationError("JWS signature does not verify") from exc
    except jwt.PyJWTError as exc:
        raise VerificationError(f"JWS rejected: {exc}") from exc
    try:
        assertion = json.loads(decoded["payload"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise VerificationError("JWS payload is not JSON") from exc
    if not isinstance(assertion, dict):
        raise VerificationError("JWS payload is not a JSON object")
    return assertion


def is_revoked(assertion_id: str, revocation_list: Mapping) -> tuple[bool, str | None]:
    """Look an assertion up in a RevocationList; returns ``(revoked, reason)``."""
    for entry in revocation_list.get("revokedAssertions") or []:
        if isinstance(entry, str) and entry == assertion_id:
            return True, None
        if isinstance(entry, Mapping) and entry.get("id") == assertion_id:
            return True, entry.get("revocationReason")
    return False, None


# --------------------------------------------------------------------------- hosted


@dataclass
class HostedResult:
    """Outcome of a hosted check; ``valid`` is False whenever ``errors`` is non-empty."""

    valid: bool
    revoked: bool = False
    revocation_reason: str | None = None
    expired: bool = False
    errors: list[str] = dc_field(default_factory=list)
    assertion: dict | None = None
    badge: dict | None = None
    issuer: dict | None = None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _resolve(value, fetch: Callable[[str], Any], what: str) -> dict:
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, str):
        raise VerificationError(f"{what} must be a URL or an object")
    try:
        doc = fetch(value)
    except VerificationError:
        raise
    except Exception as exc:
        raise VerificationError(f"could not fetch {what} {value}: {exc}") from exc
    if not isinstance(doc, Mapping):
        raise VerificationError(f"{what} at {value} is not a JSON object")
    return dict(doc)


def verify_hosted_assertion(
    assertion: Mapping, fetch: Callable[[str], Any], *, now: datetime | None = None
) -> HostedResult:
    """Light hosted-badge check: the live copy, its origin against the issuer, revocation.

    ``fetch(url)`` returns the parsed JSON at ``url``, or None when the server answers
    404/410 (a hosted assertion that is gone counts as revoked). It is the caller's job to
    make it offline-safe (timeouts, allow-lists); this function never opens sockets.
    """
    result = HostedResult(valid=False)
    missing = [f for f in ASSERTION_REQUIRED if not assertion.get(f)]
    if missing:
        result.errors.append("missing required fields: " + ", ".join(missing))
        return result
    if assertion.get("type") != "Assertion":
        result.errors.append("type is not Assertion")
    vtype = str((assertion.get("verification") or {}).get("type", "")).lower()
    if vtype not in ("hosted", "hostedbadge"):
        result.errors.append("verification type is not hosted")
        return result
    assertion_id = assertion["id"]
    try:
        live = fetch(assertion_id)
    except Exception as exc:  # noqa: BLE001
        result.errors.append(f"could not fetch assertion {assertion_id}: {exc}")
        return result
    if live is None:
        result.revoked = True
        result.errors.append("hosted assertion is gone (revoked)")
        return result
    if not isinstance(live, Mapping) or live.get("id") != assertion_id:
        result.errors.append("hosted copy does not match the assertion id")
        return result
    live = dict(live)
    result.assertion = live
    try:
        badge = _resolve(live.get("badge"), fetch, "badge")
        issuer = _resolve(badge.get("issuer"), fetch, "issuer")
    except VerificationError as exc:
        result.errors.append(str(exc))
        return result
    result.badge, result.issuer = badge, issuer
    issuer_id = issuer.get("id")
    allowed = (issuer.get("verification") or {}).get("allowedOrigins") or []
    if isinstance(allowed, str):
        allowed = [allowed]
    if not isinstance(issuer_id, str):
        result.errors.append("issuer has no id")
    elif _origin(assertion_id) != _origin(issuer_id) and urlsplit(assertion_id).netloc.lower() not in [
        a.lower() for a in allowed
    ]:
        result.errors.append("assertion id origin does not match the issuer id origin")
    if live.get("revoked") is True:
        result.revoked = True
        result.revocation_reason = live.get("revocationReason")
        result.errors.append("assertion is revoked")
    if live.get("expires"):
        try:
            expires = format_datetime(live["expires"], "expires")
        except Exception:  # noqa: BLE001
            result.errors.append("expires is not a date")
        else:
            if expires <= format_datetime(now or datetime.now(UTC)):
                result.expired = True
                result.errors.append("assertion has expired")
    result.valid = not result.errors
    return result
