"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa).

The intermediate values (canonical forms, hashes) are public functions because the W3C
and 1EdTech test vectors publish them, and comparing step by step is how a mismatch with
another implementation gets located.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import jsonld, vcmodel
from .errors import ContextError, EngineError, SigningError, VerificationError
from .keys import multibase_decode, multibase_encode

__all__ = [
    "PROOF_TYPE",
    "CRYPTOSUITE",
    "format_datetime",
    "parse_datetime",
    "issuer_id",
    "proof_config",
    "canonical_document",
    "canonical_proof_config",
    "hash_data",
    "sign_hash",
    "sign",
    "verify",
    "check_signed",
    "DATA_INTEGRITY_V2",
]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"

_DATETIME = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")

_PURPOSES = {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation", "keyAgreement"}

ResolveVM = Callable[[str], "tuple[ed25519.Ed25519PublicKey, str]"]


def format_datetime(value: datetime | str) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: the XSD dateTime form every wallet parses.

    Naive datetimes are refused: guessing their zone would silently shift dates.
    """
    if isinstance(value, str):
        parse_datetime(value)
        return value
    if not isinstance(value, datetime):
        raise EngineError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise EngineError("naive datetime: give a timezone-aware datetime (UTC)")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: str) -> datetime:
    """Parse an XSD dateTime that carries a time zone (VC 2.0 requires one to compare)."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise EngineError(f"not an XSD dateTime with time zone: {value!r}")
    text = value.replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise EngineError(f"invalid dateTime {value!r}: {exc}") from exc


def issuer_id(document: dict) -> str | None:
    """The issuer's id whether ``issuer`` is a string or an object; None when it is missing or malformed."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


#: The Data Integrity context. The reference stack adds it to the proof options (and to
#: the document) when the document's @context has neither it nor the VC 2.0 context
#: (which defines the Data Integrity terms). It is not shipped (ADR 0014), so such
#: documents are refused at signing and at verification instead.
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"


def _check_proof_terms(context: Any) -> None:
    """Refuse a document whose @context does not define the Data Integrity terms."""
    contexts = context if isinstance(context, list) else [context]
    if jsonld.VC_V2 not in contexts and DATA_INTEGRITY_V2 not in contexts:
        raise SigningError(
            "@context",
            f"must include {jsonld.VC_V2} (or {DATA_INTEGRITY_V2}, not shipped): otherwise the proof options "
            "would be signed without the Data Integrity terms",
        )


def _guard(error: type[EngineError], make: Callable[[Exception], EngineError]):
    """Every failure of a public function is an engine error: ``error`` passes, any
    other exception becomes ``make(exc)`` with the cause chained."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except error:
                raise
            except Exception as exc:
                raise make(exc) from exc

        return wrapper

    return decorate


def _unexpected(exc: Exception) -> str:
    return str(exc) if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}"


_signing_guard = _guard(EngineError, lambda exc: SigningError("", f"cannot sign: {_unexpected(exc)}"))
_verifying_guard = _guard(VerificationError, lambda exc: VerificationError(f"cannot verify: {_unexpected(exc)}"))
_engine_guard = _guard(EngineError, lambda exc: EngineError(f"{type(exc).__name__}: {exc}"))


@_signing_guard
def proof_config(
    document: dict,
    verification_method: str,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict:
    """The proof options that get signed: the proof minus proofValue, plus the doc context."""
    if created is None:
        created = datetime.now(UTC)
    if not isinstance(document, dict) or "@context" not in document:
        raise SigningError("@context", "a signed document needs an @context")
    _check_proof_terms(document["@context"])
    return {
        "@context": copy.deepcopy(document["@context"]),
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }


def _unsigned(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "proof"}


def _canonical(document: Any, loader, check: bool, strict: bool, budget) -> str:
    try:
        budget = jsonld.meter(document, budget)  # one account for expansion and canonicalisation
        if check:
            return jsonld.canonize(jsonld.check_signable(document, loader, strict=strict, budget=budget), loader,
                                   budget=budget)
        return jsonld.canonize(document, loader, budget=budget)
    except EngineError:
        raise
    except Exception as exc:  # pragma: no cover - jsonld wraps pyld already; belt and braces
        raise EngineError(f"cannot canonicalise: {_unexpected(exc)}") from exc


@_engine_guard
def canonical_document(
    document: dict, loader=None, *, check: bool = True, strict: bool = True, budget=jsonld.DEFAULT_BUDGET
) -> str:
    """RDFC-1.0 N-Quads of the document without its proof (after the signability check).

    ``budget`` (default ``jsonld.UNTRUSTED``) limits the work spent on input we did not
    produce; ``budget=None`` is for our own documents. ``strict=False`` is the verifier's
    reading of the signability check (see ``jsonld.check_signable``).
    """
    if not isinstance(document, dict):
        raise SigningError("", "document must be a JSON object")
    return _canonical(_unsigned(document), loader, check, strict, budget)


@_engine_guard
def canonical_proof_config(
    config: dict, loader=None, *, check: bool = True, strict: bool = True, budget=jsonld.DEFAULT_BUDGET
) -> str:
    """RDFC-1.0 N-Quads of the proof options (same keywords as ``canonical_document``)."""
    return _canonical(config, loader, check, strict, budget)


@_engine_guard
def hash_data(canonical_config: str, canonical_doc: str) -> bytes:
    """sha256(proof config) || sha256(document): the 64 bytes Ed25519 signs."""
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_doc.encode("utf-8")).digest()
    )


@_engine_guard
def sign_hash(data: bytes, private_key: ed25519.Ed25519PrivateKey) -> str:
    """The ``proofValue``: ``z`` + base58btc(Ed25519 signature)."""
    return multibase_encode(private_key.sign(data))


@_signing_guard
def sign(
    document: dict,
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    loader=None,
) -> dict:
    """Return a signed copy of ``document``; the input is never mutated.

    Raises SigningError (naming the field) when JSON-LD would drop or garble any of it.
    """
    if not isinstance(document, dict):
        raise SigningError("", "document must be a JSON object")
    if "proof" in document:
        raise SigningError("proof", "document is already signed")
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise EngineError("eddsa-rdfc-2022 needs an Ed25519 private key")
    if not isinstance(verification_method, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", verification_method):
        raise SigningError("proof.verificationMethod", "must be an absolute IRI")
    if proof_purpose not in _PURPOSES:
        raise SigningError("proof.proofPurpose", f"must be one of {sorted(_PURPOSES)}")
    if vcmodel.is_credential(document):
        vcmodel.check_credential(document)  # what the verifiers refuse is never signed
    unsigned = copy.deepcopy(document)
    config = proof_config(unsigned, verification_method, created, proof_purpose)
    try:
        canon_doc = canonical_document(unsigned, loader, budget=None)
        canon_config = canonical_proof_config(config, loader, budget=None)
    except SigningError as exc:
        raise SigningError(exc.field, exc.reason) from exc
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = sign_hash(hash_data(canon_config, canon_doc), private_key)
    unsigned["proof"] = proof
    return unsigned


def _single_proof(document: dict) -> dict:
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise VerificationError("exactly one proof is supported")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise VerificationError("no proof")
    return proof


def _check_proof_metadata(proof: dict, document: dict, expected_proof_purpose: str) -> bytes:
    """Everything about the proof that can be refused before any key lookup; returns the signature."""
    if proof.get("type") != PROOF_TYPE:
        raise VerificationError(f"unsupported proof type {proof.get('type')!r}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise VerificationError(f"unsupported cryptosuite {proof.get('cryptosuite')!r}")
    if proof.get("proofPurpose") != expected_proof_purpose:
        raise VerificationError(f"proofPurpose is {proof.get('proofPurpose')!r}, expected {expected_proof_purpose!r}")
    vm = proof.get("verificationMethod")
    if not isinstance(vm, str) or not vm:
        raise VerificationError("proof has no verificationMethod")
    if "created" in proof:
        try:
            parse_datetime(proof["created"])
        except EngineError as exc:
            raise VerificationError(f"proof.created: {exc}") from exc
    if "@context" in proof:
        ctx = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        doc_ctx = document.get("@context")
        doc_ctx = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        if doc_ctx[: len(ctx)] != ctx:
            raise VerificationError("proof @context does not match the document @context")
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except EngineError as exc:
        raise VerificationError(f"proofValue: {exc}") from exc
    if len(signature) != 64:
        raise VerificationError("proofValue is not a 64-byte Ed25519 signature")
    return signature


@_verifying_guard
@contextlib.contextmanager
def canonicalising_for_verification():
    """
    Canonicalising a document under verification (either suite): its engine errors become the
    ``VerificationError`` a verifier reports, with the reason (over budget, content that
    cannot be signed reliably, an unknown context, anything else).
    """
    try:
        yield
    except jsonld.BudgetExceeded as exc:
        raise VerificationError(f"refused before checking the signature: {exc}") from exc
    except SigningError as exc:
        raise VerificationError(f"{exc.field}: {exc.reason}; such content is not reliably signed") from exc
    except ContextError as exc:
        raise VerificationError(str(exc)) from exc
    except EngineError as exc:
        raise VerificationError(f"cannot canonicalise: {exc}") from exc


def verify(
    document: dict,
    resolve_verification_method: ResolveVM,
    loader=None,
    *,
    expected_proof_purpose: str = "assertionMethod",
    budget=jsonld.DEFAULT_BUDGET,
) -> dict:
    """Verify an eddsa-rdfc-2022 proof; returns the proof on success.

    ``resolve_verification_method(vm_id)`` returns ``(Ed25519PublicKey, controller_id)``
    and should itself refuse keys not authorised for the proof purpose. The controller
    must be the credential's issuer: a valid signature by someone else's key proves nothing.
    Canonicalisation runs under ``budget`` (default ``jsonld.UNTRUSTED``). Every failure
    is a ``VerificationError``.
    """
    if not isinstance(document, dict):
        raise VerificationError("document is not a JSON object")
    proof = _single_proof(document)
    signature = _check_proof_metadata(proof, document, expected_proof_purpose)
    vm = proof["verificationMethod"]
    try:
        public_key, controller = resolve_verification_method(vm)
    except VerificationError:
        raise
    except Exception as exc:  # resolver failures are a verification failure, not a crash
        raise VerificationError(f"cannot resolve verification method {vm!r}: {exc}") from exc
    if not isinstance(public_key, ed25519.Ed25519PublicKey):
        raise VerificationError(f"verification method {vm!r} is not an Ed25519 key")
    issuer = issuer_id(document)
    if issuer is None:
        raise VerificationError("document has no issuer id")
    if controller != issuer:
        raise VerificationError(f"key controller {controller!r} is not the issuer {issuer!r}")

    config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    config["@context"] = copy.deepcopy(document.get("@context"))
    try:
        _check_proof_terms(config["@context"])
    except SigningError as exc:
        raise VerificationError(f"{exc.field}: {exc.reason}") from exc
    with canonicalising_for_verification():
        account = jsonld.meter(document, budget)  # the proof options are part of the document
        canon_doc = canonical_document(document, loader, strict=False, budget=account)
        canon_config = canonical_proof_config(config, loader, strict=False, budget=account)
    try:
        public_key.verify(signature, hash_data(canon_config, canon_doc))
    except InvalidSignature:
        raise VerificationError("signature does not match the document") from None
    return proof


def check_signed(document: Any) -> bool:
    """Cheap structural test (no crypto): does this look like an eddsa-rdfc-2022 document?"""
    try:
        proof = _single_proof(document)
    except VerificationError:
        return False
    return proof.get("cryptosuite") == CRYPTOSUITE
