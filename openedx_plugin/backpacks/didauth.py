"""
DID-Auth: check a wallet's Verifiable Presentation proves control of its did:key
and answers our challenge.

Two proof suites are accepted, because real wallets use both:

- ``Ed25519Signature2020``: what the DCC Learner Credential Wallet signs with
  (``@digitalcredentials/vc`` ``signPresentation`` with ``Ed25519Signature2020``,
  openwallet-foundation-labs/learner-credential-wallet ``app/lib/present.ts``), with
  ``https://w3id.org/security/suites/ed25519-2020/v1`` after the VC 2.0 context;
- ``DataIntegrityProof`` with ``eddsa-rdfc-2022`` (what the engine itself signs).

Before any canonicalisation the body must have the DID-Auth shape and nothing else
(``shape_check``): the exchange is public, and RDFC-1.0 on attacker-chosen blank
nodes costs exponential time, so what reaches the canonicaliser is a small document
of known shape whose cost is bounded. Built from the engine's public Data Integrity
steps rather than ``dataintegrity.verify``, because ``verify`` requires the key's
controller to be the document's *issuer*, and a presentation has a *holder*.
"""

import copy
import re

from cryptography.exceptions import InvalidSignature

from ..engine import dataintegrity, dids, ed25519_2020, jsonld
from ..engine.errors import EngineError, SigningError, VerificationError
from ..engine.keys import multibase_decode

CONTEXTS = ([jsonld.VC_V2], [jsonld.VC_V2, jsonld.ED25519_2020_V1])
PRESENTATION_KEYS = {"@context", "type", "holder", "proof"}
PROOF_KEYS = {
    dataintegrity.PROOF_TYPE: {"type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "challenge",
                               "domain", "proofValue"},
    ed25519_2020.PROOF_TYPE: {"type", "created", "verificationMethod", "proofPurpose", "challenge", "domain",
                              "proofValue"},
}
MAX_STRING = 512  # a did:key is 56 characters, a signature 88; nothing here needs more
MAX_BYTES = 8 * 1024  # a real wallet's presentation is under 1 KB
MAX_DEPTH = 4  # presentation > proof > value (a list of types is the deepest)
_DID_KEY = re.compile(r"^did:key:z[1-9A-HJ-NP-Za-km-z]{40,60}$")


class PresentationError(Exception):
    """The presentation is refused; the message says why (safe to return to the wallet)."""


def _types(value):
    return value if isinstance(value, list) else [value]


def sign_presentation(presentation, private_key, verification_method, *, challenge, domain=None, created=None):
    """
    Sign a presentation for authentication with ``challenge`` (and ``domain``) in the proof,
    as a Data Integrity eddsa-rdfc-2022 proof.

    Used by the Python test wallet; the engine's ``sign`` has no way to add proof options.
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


def json_depth_ok(raw, limit=MAX_DEPTH + 2):
    """
    True when the JSON text ``raw`` (bytes) nests no deeper than ``limit``.

    Checked on the bytes before ``json.loads``, so a body of 8,000 ``[`` never reaches
    the parser's recursion (a RecursionError would be a 500).
    """
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _string(value, what):
    if not isinstance(value, str) or not value or len(value) > MAX_STRING:
        raise PresentationError(f"The presentation's {what} must be a short string.")
    if value.startswith("_:"):
        raise PresentationError(f"The presentation's {what} may not be a blank-node identifier.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PresentationError(f"The presentation's {what} is not valid Unicode.") from None
    if jsonld.find_bad_characters(value):
        raise PresentationError(f"The presentation's {what} contains control characters.")
    return value


def shape_check(presentation):
    """
    Refuse anything but the DID-Auth shape, before any JSON-LD processing; return the proof.

    Allowed: ``@context`` (VC 2.0, optionally followed by the ed25519-2020 context),
    ``type`` (VerifiablePresentation), ``holder`` (a did:key), ``proof`` (one proof object
    of a known suite whose members are short strings). No other member, no blank-node
    identifiers, no nesting: the canonical form then has a fixed, small number of
    quads and blank nodes, so its cost is bounded whatever the sender tries.
    """
    if not isinstance(presentation, dict):
        raise PresentationError("The presentation is not a JSON object.")
    extra = sorted(set(presentation) - PRESENTATION_KEYS)
    if extra:
        raise PresentationError(f"A DID-Auth presentation has only @context, type, holder and proof; "
                                f"refused: {', '.join(_string(k, 'member name')[:40] for k in extra[:5])}.")
    context = presentation.get("@context")
    if context not in CONTEXTS:
        raise PresentationError(f"The presentation's @context must be [{jsonld.VC_V2}] or "
                                f"[{jsonld.VC_V2}, {jsonld.ED25519_2020_V1}].")
    types = presentation.get("type")
    if types not in ("VerifiablePresentation", ["VerifiablePresentation"]):
        raise PresentationError("The document is not a VerifiablePresentation (type must be exactly that).")
    holder = presentation.get("holder")
    if not isinstance(holder, str) or not _DID_KEY.match(_string(holder, "holder")):
        raise PresentationError("The presentation's holder must be an Ed25519 did:key.")
    proof = presentation.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise PresentationError("The presentation needs exactly one proof.")
    allowed = PROOF_KEYS.get(proof.get("type"))
    if allowed is None:
        raise PresentationError("Only Ed25519Signature2020 and DataIntegrityProof (eddsa-rdfc-2022) proofs "
                                "are accepted.")
    extra = sorted(set(proof) - allowed)
    if extra:
        raise PresentationError(f"The proof has members this suite does not define: "
                                f"{', '.join(_string(k, 'member name')[:40] for k in extra[:5])}.")
    for key, value in proof.items():
        _string(value, f"proof {key}")
    return proof


def _check_options(proof, presentation, challenge, domains):
    """Everything about the proof that is refused before any cryptography."""
    if proof["type"] == dataintegrity.PROOF_TYPE and proof.get("cryptosuite") != dataintegrity.CRYPTOSUITE:
        raise PresentationError("Only DataIntegrityProof with eddsa-rdfc-2022 is accepted.")
    if proof["type"] == ed25519_2020.PROOF_TYPE and presentation["@context"] != CONTEXTS[1]:
        raise PresentationError(f"An Ed25519Signature2020 proof needs the {jsonld.ED25519_2020_V1} context.")
    if proof.get("proofPurpose") != "authentication":
        raise PresentationError("The proof's purpose must be authentication.")
    if proof.get("challenge") != challenge:
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
    proof = shape_check(presentation)
    _check_options(proof, presentation, challenge, domains)
    vm = proof.get("verificationMethod")
    try:
        public_key = dids.resolve_did_key(vm)
    except EngineError as exc:
        raise PresentationError("The proof's key is not an Ed25519 did:key.") from exc
    holder_did = vm.split("#", 1)[0]
    if presentation["holder"] != holder_did:
        raise PresentationError("The presentation's holder is not the DID that signed it.")
    unsigned = {key: value for key, value in presentation.items() if key != "proof"}
    if proof["type"] == ed25519_2020.PROOF_TYPE:
        try:
            ed25519_2020.verify_proof(unsigned, proof, public_key)
        except VerificationError as exc:
            if "signature does not match" in str(exc):
                raise PresentationError("The signature does not match the presentation.") from exc
            raise PresentationError(f"The presentation cannot be verified ({exc}).") from exc
        return holder_did
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except EngineError as exc:
        raise PresentationError("The proofValue is not multibase.") from exc
    config = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    config["@context"] = copy.deepcopy(presentation["@context"])
    try:
        data = dataintegrity.hash_data(dataintegrity.canonical_proof_config(config),
                                       dataintegrity.canonical_document(unsigned))
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
