"""
DID-Auth: check a wallet's Verifiable Presentation proves control of its did:key
and answers our challenge.

Built from the engine's public Data Integrity steps (canonicalisation, hashing)
rather than ``dataintegrity.verify``, because ``verify`` requires the key's
controller to be the document's *issuer*, and a presentation has a *holder*
instead. The engine could grow an ``expected_controller`` argument to ``verify``
and ``challenge``/``domain`` arguments to ``sign``; until then this module is the
one place that does it. Only what the engine ships is accepted: VC 2.0 context,
``DataIntegrityProof`` with ``eddsa-rdfc-2022``, Ed25519 ``did:key``.
"""

import copy

from cryptography.exceptions import InvalidSignature

from ..engine import dataintegrity, dids, jsonld
from ..engine.errors import EngineError, SigningError
from ..engine.keys import multibase_decode


class PresentationError(Exception):
    """The presentation is refused; the message says why (safe to return to the wallet)."""


def _types(value):
    return value if isinstance(value, list) else [value]


def sign_presentation(presentation, private_key, verification_method, *, challenge, domain=None, created=None):
    """
    Sign a presentation for authentication with ``challenge`` (and ``domain``) in the proof.

    Used by the test wallet; the engine's ``sign`` has no way to add proof options.
    """
    unsigned = copy.deepcopy(presentation)
    config = dataintegrity.proof_config(unsigned, verification_method, created, "authentication")
    config["challenge"] = challenge
    if domain:
        config["domain"] = domain
    data = dataintegrity.hash_data(dataintegrity.canonical_proof_config(config),
                                   dataintegrity.canonical_document(unsigned))
    proof = {key: value for key, value in config.items() if key != "@context"}
    proof["proofValue"] = dataintegrity.sign_hash(data, private_key)
    unsigned["proof"] = proof
    return unsigned


def _proof_of(presentation):
    """The single proof of a VC 2.0 VerifiablePresentation, or a refusal."""
    if not isinstance(presentation, dict):
        raise PresentationError("The presentation is not a JSON object.")
    context = presentation.get("@context")
    if not isinstance(context, list) or not context or context[0] != jsonld.VC_V2:
        raise PresentationError(f"The presentation's first @context must be {jsonld.VC_V2}.")
    if "VerifiablePresentation" not in _types(presentation.get("type")):
        raise PresentationError("The document is not a VerifiablePresentation.")
    proof = presentation.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise PresentationError("The presentation needs exactly one proof.")
    return proof


def _check_options(proof, challenge, domains):
    """Everything about the proof that is refused before any cryptography."""
    if proof.get("type") != dataintegrity.PROOF_TYPE or proof.get("cryptosuite") != dataintegrity.CRYPTOSUITE:
        raise PresentationError("Only DataIntegrityProof with eddsa-rdfc-2022 is accepted.")
    if proof.get("proofPurpose") != "authentication":
        raise PresentationError("The proof's purpose must be authentication.")
    if not isinstance(proof.get("challenge"), str) or proof["challenge"] != challenge:
        raise PresentationError("The proof does not answer this challenge.")
    if "domain" in proof and domains and proof["domain"] not in domains:
        raise PresentationError("The proof is for another domain.")
    if "created" in proof:
        try:
            dataintegrity.parse_datetime(proof["created"])
        except EngineError as exc:
            raise PresentationError("The proof's created time is not a valid dateTime.") from exc


def verify_presentation(presentation, *, challenge, domains=()):
    """
    Verify a DID-Auth presentation; return the holder's DID.

    ``challenge`` must be the one in the proof; ``domains``, when the proof names a
    domain, the values it may have. Raises ``PresentationError``.
    """
    proof = _proof_of(presentation)
    _check_options(proof, challenge, domains)
    vm = proof.get("verificationMethod")
    try:
        public_key = dids.resolve_did_key(vm)
    except EngineError as exc:
        raise PresentationError("The proof's key is not an Ed25519 did:key.") from exc
    holder_did = vm.split("#", 1)[0]
    holder = presentation.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    if holder != holder_did:
        raise PresentationError("The presentation's holder is not the DID that signed it.")
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except EngineError as exc:
        raise PresentationError("The proofValue is not multibase.") from exc
    config = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    config["@context"] = copy.deepcopy(presentation["@context"])
    try:
        data = dataintegrity.hash_data(dataintegrity.canonical_proof_config(config),
                                       dataintegrity.canonical_document(presentation))
    except SigningError as exc:
        raise PresentationError(f"The presentation has content that cannot be signed reliably ({exc.field}).") \
            from exc
    except EngineError as exc:
        raise PresentationError("The presentation cannot be canonicalised (unknown context or terms).") from exc
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise PresentationError("The signature does not match the presentation.") from None
    return holder_did
