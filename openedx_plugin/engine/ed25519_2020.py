"""The Ed25519Signature2020 proof suite (W3C CCG), for what wallets sign.

Why this exists: the DCC Learner Credential Wallet (and ``@digitalcredentials/vc``
behind it) signs its DID-Auth presentations with ``Ed25519Signature2020``, not
with a Data Integrity cryptosuite. The engine never issues with this suite; it
only verifies it (and signs with it in tests, to check both directions agree).

The verify data is built exactly as for eddsa-rdfc-2022, so the engine's own
steps are reused: the proof options (the proof without ``proofValue``, given the
document's ``@context``) and the document without its proof are each
canonicalised with RDFC-1.0 and hashed with SHA-256; the two hashes, options
first, are the 64 bytes Ed25519 signs; ``proofValue`` is multibase base58btc.
Terms the contexts do not define are refused (as JavaScript verifiers do in safe
mode), and only shipped contexts are ever loaded.
"""

from __future__ import annotations

import copy
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import dataintegrity, jsonld
from .errors import EngineError, SigningError, VerificationError
from .keys import multibase_decode

__all__ = ["PROOF_TYPE", "CONTEXT", "sign", "verify_proof"]

PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = jsonld.ED25519_2020_V1


def _verify_data(document: dict, options: dict, loader=None) -> bytes:
    config = {k: v for k, v in options.items() if k not in ("proofValue", "@context")}
    config["@context"] = copy.deepcopy(document.get("@context"))
    return dataintegrity.hash_data(dataintegrity.canonical_proof_config(config, loader),
                                   dataintegrity.canonical_document(document, loader))


def sign(
    document: dict,
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    *,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    created: datetime | str | None = None,
    loader=None,
) -> dict:
    """A signed copy of ``document`` (whose ``@context`` must already include ``CONTEXT``)."""
    if not isinstance(document, dict) or "proof" in document:
        raise SigningError("proof", "give an unsigned JSON object")
    context = document.get("@context")
    if not isinstance(context, list) or CONTEXT not in context:
        raise SigningError("@context", f"an {PROOF_TYPE} proof needs {CONTEXT} in the document's @context")
    unsigned = copy.deepcopy(document)
    proof = {
        "type": PROOF_TYPE,
        "created": dataintegrity.format_datetime(created or datetime.now().astimezone()),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    data = _verify_data(unsigned, proof, loader)
    proof["proofValue"] = dataintegrity.sign_hash(data, private_key)
    unsigned["proof"] = proof
    return unsigned


def verify_proof(document: dict, proof: dict, public_key: ed25519.Ed25519PublicKey, loader=None) -> None:
    """
    Check ``proof`` (an Ed25519Signature2020 proof of ``document``) against ``public_key``.

    The caller has already checked purpose, challenge and whose key it is; this checks
    the signature. Raises ``VerificationError`` with the reason.
    """
    if proof.get("type") != PROOF_TYPE:
        raise VerificationError(f"not an {PROOF_TYPE} proof")
    context = document.get("@context")
    if not isinstance(context, list) or CONTEXT not in context:
        raise VerificationError(f"an {PROOF_TYPE} proof needs {CONTEXT} in the @context")
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except EngineError as exc:
        raise VerificationError(f"proofValue: {exc}") from exc
    if len(signature) != 64:
        raise VerificationError("proofValue is not a 64-byte Ed25519 signature")
    with dataintegrity.canonicalising_for_verification():
        data = _verify_data({k: v for k, v in document.items() if k != "proof"}, proof, loader)
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise VerificationError("signature does not match the document") from None
