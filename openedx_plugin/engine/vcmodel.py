"""The VC Data Model 2.0 rules a credential must meet, shared by the signer and the verifier.

Why one place: the signer used to sign credentials the verifier (ours, and Digital
Bazaar's ``@digitalbazaar/vc``) then refused: no ``credentialSubject``, an untyped
``credentialStatus``, a malformed ``validFrom``. A credential is now checked by these
rules before it is signed, and ``verify.verify_credential`` reports the same rules.

Rules (VC Data Model 2.0, sections 4.x): the first ``@context`` is the VC 2.0 context;
``type`` includes ``VerifiableCredential``; exactly one ``issuer``, an IRI or an object
with an ``id`` IRI; ``credentialSubject`` is one or more non-empty objects (an ``id``, when
present, is an IRI); ``validFrom``/``validUntil`` are XSD dateTimeStamps (with a time
zone) and ``validUntil`` is not before ``validFrom``; each ``credentialStatus``,
``evidence``, ``termsOfUse``, ``refreshService`` and ``credentialSchema`` entry is an object
with a ``type`` (``credentialStatus`` and ``evidence`` ids, when present, are IRIs).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .errors import SigningError

__all__ = ["VC_V2", "is_credential", "credential_problems", "check_credential"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"

_TYPED = ("credentialStatus", "evidence", "termsOfUse", "refreshService", "credentialSchema")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+$")
_DATETIME = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_credential(document: Any) -> bool:
    """True for a document that says it is a VerifiableCredential (these rules apply)."""
    return isinstance(document, dict) and "VerifiableCredential" in _as_list(document.get("type"))


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def credential_problems(cred: Any) -> list[tuple[str, str]]:
    """Every rule ``cred`` breaks, as (field, reason); empty when it is a well-formed VC."""
    if not isinstance(cred, dict):
        return [("", "credential is not a JSON object")]
    problems: list[tuple[str, str]] = []
    context = _as_list(cred.get("@context"))
    if not context or context[0] != VC_V2:
        problems.append(("@context", f"the first @context must be {VC_V2}"))
    if "VerifiableCredential" not in _as_list(cred.get("type")):
        problems.append(("type", "must include VerifiableCredential"))

    issuer = cred.get("issuer")
    if isinstance(issuer, list):
        problems.append(("issuer", "must have exactly one value"))
    else:
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if not isinstance(issuer_id, str) or not _IRI.match(issuer_id):
            problems.append(("issuer", "must be an IRI, or an object whose id is an IRI"))

    subjects = _as_list(cred.get("credentialSubject"))
    if not subjects:
        problems.append(("credentialSubject", "is missing"))
    many = isinstance(cred.get("credentialSubject"), list)
    for i, subject in enumerate(subjects):
        field = f"credentialSubject[{i}]" if many else "credentialSubject"
        if not isinstance(subject, dict) or not subject:
            problems.append((field, "must be a non-empty object (it makes the claims)"))
        elif "id" in subject and not (isinstance(subject["id"], str) and _IRI.match(subject["id"])):
            problems.append((f"{field}.id", "must be an IRI"))

    dates = {}
    for name in ("validFrom", "validUntil"):
        if name in cred:
            dates[name] = _datetime(cred[name])
            if dates[name] is None:
                problems.append((name, f"not an XSD dateTime with a time zone: {cred[name]!r}"))
    if dates.get("validFrom") and dates.get("validUntil") and dates["validUntil"] < dates["validFrom"]:
        problems.append(("validUntil", "is before validFrom"))

    for name in _TYPED:
        if name not in cred:
            continue
        value = cred[name]
        entries = value if isinstance(value, list) else [value]
        for i, entry in enumerate(entries):
            field = f"{name}[{i}]" if isinstance(value, list) else name
            if not isinstance(entry, dict) or not entry:
                problems.append((field, "must be a non-empty object"))
            elif "type" not in entry:
                problems.append((field, "must have a type"))
            elif name in ("credentialStatus", "evidence") and "id" in entry and not (
                isinstance(entry["id"], str) and _IRI.match(entry["id"])
            ):
                problems.append((f"{field}.id", "must be an IRI"))
    return problems


def check_credential(cred: Any) -> None:
    """Raise SigningError for the first rule a VerifiableCredential breaks (before signing)."""
    problems = credential_problems(cred)
    if problems:
        field, reason = problems[0]
        others = "; ".join(f"{f or '(document)'}: {r}" for f, r in problems[1:])
        raise SigningError(field, reason + (f" (also {others})" if others else ""))
