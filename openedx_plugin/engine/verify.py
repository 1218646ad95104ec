"""Full verification of an Open Badges 3.0 credential, reported check by check.

Network access is injected (``resolve_did``, ``fetch_status_list``) so the engine stays
pure and tests stay offline. A bad credential never raises: the result says what failed,
because the verification page must show a reason rather than an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from . import dataintegrity, vcmodel
from .dids import resolve_did_key
from .errors import EngineError, VerificationError
from .jsonld import OB3_CONTEXT, VC_V2
from .keys import public_from_multibase
from .statuslist import BitstringStatusList

__all__ = ["VerificationResult", "verify_credential", "make_vm_resolver"]

ResolveDid = Callable[[str], "dict | None"]
FetchStatusList = Callable[[str], "dict | None"]

_KEY_TYPES = {"Multikey", "Ed25519VerificationKey2020"}


@dataclass
class VerificationResult:
    ok: bool = False
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    revoked: bool | None = False  # None: the status could not be determined
    suspended: bool = False
    expired: bool = False
    not_yet_valid: bool = False
    issuer_id: str | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, message: str) -> None:
        self.checks.append((name, ok, message))
        if not ok:
            self.errors.append(f"{name}: {message}")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _absolute(ref: Any, did: str) -> Any:
    return did + ref if isinstance(ref, str) and ref.startswith("#") else ref


def make_vm_resolver(resolve_did: ResolveDid, purpose: str = "assertionMethod"):
    """Map a verification-method id to ``(public key, controller)``.

    did:key is decoded locally. Anything else is looked up in the document
    ``resolve_did`` returns for the part before ``#``, and the key must be listed under
    ``purpose``: a key the issuer only lists (e.g. for authentication) may not sign badges.
    """

    def resolve(vm_id: str) -> tuple[ed25519.Ed25519PublicKey, str]:
        if vm_id.startswith("did:key:"):
            did, _, fragment = vm_id.partition("#")
            if not fragment:
                raise VerificationError("did:key verification method needs a fragment")
            try:
                return resolve_did_key(vm_id), did
            except EngineError as exc:
                raise VerificationError(str(exc)) from exc
        did, _, fragment = vm_id.partition("#")
        if not fragment:
            raise VerificationError(f"verification method {vm_id!r} has no fragment")
        doc = resolve_did(did)
        if not isinstance(doc, dict):
            raise VerificationError(f"cannot resolve {did!r}")
        if doc.get("id") != did:
            raise VerificationError(f"document for {did!r} has id {doc.get('id')!r}")
        methods = {}
        for vm in _as_list(doc.get("verificationMethod")) + _as_list(doc.get(purpose)):
            if isinstance(vm, dict) and "id" in vm:
                methods.setdefault(_absolute(vm["id"], did), vm)
        authorised = {
            _absolute(r if isinstance(r, str) else r.get("id"), did)
            for r in _as_list(doc.get(purpose))
            if isinstance(r, (str, dict))
        }
        if vm_id not in authorised:
            raise VerificationError(f"key {vm_id!r} is not listed in {purpose} of {did!r}")
        vm = methods.get(vm_id)
        if vm is None:
            raise VerificationError(f"key {vm_id!r} is not in the DID document")
        if vm.get("type") not in _KEY_TYPES:
            raise VerificationError(f"unsupported key type {vm.get('type')!r}")
        if "revoked" in vm:
            raise VerificationError(f"key {vm_id!r} is revoked")
        try:
            public_key = public_from_multibase(vm.get("publicKeyMultibase"))
        except EngineError as exc:
            raise VerificationError(f"key {vm_id!r}: {exc}") from exc
        return public_key, _absolute(vm.get("controller"), did)

    return resolve


def _check_structure(cred: Any, result: VerificationResult) -> bool:
    if not isinstance(cred, dict):
        result.add("structure", False, "credential is not a JSON object")
        return False
    problems = []
    ctx = _as_list(cred.get("@context"))
    if not ctx or ctx[0] != VC_V2:
        problems.append(f"first @context must be {VC_V2}")
    types = _as_list(cred.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("type must include VerifiableCredential")
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        if OB3_CONTEXT not in ctx:
            problems.append(f"an Open Badge needs the {OB3_CONTEXT} context")
        if not isinstance(cred.get("credentialSubject"), dict) or "achievement" not in cred["credentialSubject"]:
            problems.append("credentialSubject.achievement is missing")
    if result.issuer_id is None:
        problems.append("issuer id is missing")
    if not cred.get("credentialSubject"):
        problems.append("credentialSubject is missing")
    # the VC Data Model rules the signer also applies (one definition: vcmodel)
    reported = {"@context", "type"} | ({"issuer"} if result.issuer_id is None else set())
    problems.extend(
        f"{f}: {r}"
        for f, r in vcmodel.credential_problems(cred)
        if f not in reported and (f, r) != ("credentialSubject", "is missing")
    )
    if "proof" not in cred:
        problems.append("credential is not signed (no proof)")
    result.add("structure", not problems, "; ".join(problems) or "well-formed")
    return not problems


def _check_proof(cred: dict, vm_resolver, loader, result: VerificationResult) -> None:
    try:
        proof = dataintegrity.verify(cred, vm_resolver, loader)
    except VerificationError as exc:
        message = str(exc)
        if message.startswith("key controller"):
            result.add("proof", True, "signature is valid")
            result.add("issuer", False, message)
        else:
            result.add("proof", False, message)
        return
    except Exception as exc:  # a verifier must not crash on hostile input
        result.add("proof", False, f"cannot verify: {exc}")
        return
    result.add("proof", True, f"signed by {proof['verificationMethod']}")
    result.add("issuer", True, "the signing key belongs to the issuer")


def _check_dates(cred: dict, now: datetime, result: VerificationResult) -> None:
    try:
        valid_from = dataintegrity.parse_datetime(cred["validFrom"]) if "validFrom" in cred else None
        valid_until = dataintegrity.parse_datetime(cred["validUntil"]) if "validUntil" in cred else None
    except EngineError as exc:
        result.add("validity", False, str(exc))
        return
    if valid_from is not None and now < valid_from:
        result.not_yet_valid = True
        result.add("validity", False, f"not valid before {cred['validFrom']}")
    elif valid_until is not None and now > valid_until:
        result.expired = True
        result.add("validity", False, f"expired on {cred['validUntil']}")
    else:
        result.add("validity", True, "within its validity period")


def _check_status_entry(entry: Any, cred: dict, *, vm_resolver, fetch, now, loader) -> tuple[bool, str, str | None]:
    """Returns (ok, message, set-purpose) where set-purpose names a status bit that is on."""
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        kind = entry.get("type") if isinstance(entry, dict) else type(entry).__name__
        return False, f"unsupported credentialStatus type {kind!r}", None
    url = entry.get("statusListCredential")
    index = entry.get("statusListIndex")
    purpose = entry.get("statusPurpose")
    if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
        return False, "credentialStatus needs statusListCredential and a numeric statusListIndex", None
    try:
        listing = fetch(url)
    except Exception as exc:
        return False, f"cannot fetch status list {url}: {exc}", None
    if not isinstance(listing, dict):
        return False, f"status list {url} is unavailable", None
    if listing.get("id", url) != url:
        return False, f"status list at {url} has id {listing.get('id')!r}", None
    if "BitstringStatusListCredential" not in _as_list(listing.get("type")):
        return False, "status list is not a BitstringStatusListCredential", None
    if dataintegrity.issuer_id(listing) != dataintegrity.issuer_id(cred):
        return False, "status list was not issued by the credential's issuer", None
    try:
        dataintegrity.verify(listing, vm_resolver, loader)
    except VerificationError as exc:
        return False, f"status list proof: {exc}", None
    except Exception as exc:
        return False, f"status list proof cannot be verified: {exc}", None
    subject = listing.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        return False, "status list subject is not a BitstringStatusList", None
    if subject.get("statusPurpose") != purpose:
        return False, f"status list purpose {subject.get('statusPurpose')!r} does not match {purpose!r}", None
    try:
        if "validUntil" in listing and now > dataintegrity.parse_datetime(listing["validUntil"]):
            return False, "status list has expired", None
        bits = BitstringStatusList.decode(subject.get("encodedList"))
        is_set = bits.get(int(index))
    except (EngineError, IndexError) as exc:
        return False, f"status list unreadable: {exc}", None
    if is_set:
        return True, f"{purpose} bit {index} is set", purpose
    return True, f"{purpose} bit {index} is clear", None


def verify_credential(
    credential: Any,
    *,
    resolve_did: ResolveDid,
    fetch_status_list: FetchStatusList,
    now: datetime | None = None,
    loader=None,
) -> VerificationResult:
    """Check an OB 3.0 credential's structure, proof, dates and status, with DID and status-list fetching
    injected by the caller; a bad credential is an answer, not an error: ``ok``, ``checks`` and ``errors``."""
    result = VerificationResult()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if isinstance(credential, dict):
        result.issuer_id = dataintegrity.issuer_id(credential)
    if not _check_structure(credential, result):
        result.ok = False
        return result

    vm_resolver = make_vm_resolver(resolve_did)
    _check_proof(credential, vm_resolver, loader, result)
    _check_dates(credential, now, result)

    entries = _as_list(credential.get("credentialStatus"))
    if not entries:
        result.add("status", True, "no credentialStatus")
    for entry in entries:
        try:
            ok, message, set_purpose = _check_status_entry(
                entry, credential, vm_resolver=vm_resolver, fetch=fetch_status_list, now=now, loader=loader
            )
        except Exception as exc:  # pragma: no cover - belt and braces
            ok, message, set_purpose = False, f"status check failed: {exc}", None
        if not ok:
            if result.revoked is False:
                result.revoked = None
            result.add("status", False, message)
        elif set_purpose == "revocation":
            result.revoked = True
            result.add("status", False, "revoked")
        elif set_purpose == "suspension":
            result.suspended = True
            result.add("status", False, "suspended")
        else:
            result.add("status", True, message)
    result.ok = all(ok for _, ok, _ in result.checks)
    return result
