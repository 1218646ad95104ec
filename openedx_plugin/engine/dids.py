"""did:web and did:key: identifiers and DID documents for the issuer's signing keys.

did:web lets an institution rotate keys: every key ever used stays listed so credentials
signed with an old key still verify; only keys in ``assertionMethod`` may sign.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519

from . import keys as _keys
from .errors import EngineError
from .jsonld import DID_V1, MULTIKEY_V1

__all__ = [
    "did_web",
    "did_web_url",
    "did_web_document",
    "did_key_document",
    "resolve_did_key",
    "multikey_verification_method",
]

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
_HOST = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$")
_SEGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=@%-]+$")


def _split_host(netloc: str) -> tuple[str, str | None]:
    if "@" in netloc:
        raise EngineError("did:web URLs cannot carry credentials")
    if netloc.startswith("["):
        end = netloc.find("]")
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        port = rest[1:] if rest.startswith(":") else None
    else:
        host, _, port = netloc.partition(":")
        port = port or None
    if not _HOST.match(host or ""):
        raise EngineError(f"invalid host {host!r}")
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise EngineError(f"invalid port {port!r}")
    return host.lower(), port


def did_web(base_url: str) -> str:
    """``https://host:port/path`` -> ``did:web:host%3Aport:path`` (http only for localhost)."""
    parts = urlsplit(base_url.strip())
    host, port = _split_host(parts.netloc)
    if parts.scheme != "https" and not (parts.scheme == "http" and host in _LOCAL_HOSTS):
        raise EngineError("did:web requires https (http is allowed for localhost only)")
    if parts.query or parts.fragment:
        raise EngineError("did:web base URL cannot have a query or fragment")
    did = "did:web:" + quote(host + (f":{port}" if port else ""), safe="[]")
    path = parts.path.strip("/")
    if path.endswith(".well-known") or path == "":
        if path not in ("", ".well-known"):
            raise EngineError("unexpected .well-known in did:web path")
        return did
    for segment in path.split("/"):
        if segment in ("", ".", "..") or not _SEGMENT.match(segment):
            raise EngineError(f"invalid path segment {segment!r}")
        did += ":" + quote(unquote(segment), safe="")
    return did


def did_web_url(did: str) -> str:
    """Where the DID document of a did:web lives (the resolution rule of the did:web spec)."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise EngineError(f"not a did:web: {did!r}")
    did = did.split("#", 1)[0]
    parts = did[len("did:web:") :].split(":")
    host, port = _split_host(unquote(parts[0]))
    segments = [unquote(p) for p in parts[1:]]
    for segment in segments:
        if segment in ("", ".", "..") or "/" in segment or "?" in segment or "#" in segment:
            raise EngineError(f"invalid did:web path segment {segment!r}")
    scheme = "http" if host in _LOCAL_HOSTS else "https"
    base = f"{scheme}://{host}" + (f":{port}" if port else "")
    if segments:
        return base + "/" + "/".join(quote(s, safe="") for s in segments) + "/did.json"
    return base + "/.well-known/did.json"


def multikey_verification_method(controller: str, fragment: str, public_key: ed25519.Ed25519PublicKey) -> dict:
    """A Multikey verification method: how a DID document lists an Ed25519 key for eddsa-rdfc-2022."""
    return {
        "id": f"{controller}#{fragment}",
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": _keys.public_multibase(public_key),
    }


def did_web_document(
    did: str,
    keys: Iterable[tuple[str, ed25519.Ed25519PublicKey]],
    assertion_fragments: Iterable[str] | None = None,
) -> dict:
    """DID document listing every key; ``assertion_fragments`` (default: all) may sign.

    Remove a key from assertionMethod only when it is compromised: that invalidates every
    credential it signed. A merely rotated key should stay.
    """
    did_web_url(did)  # validates
    if "#" in did:
        raise EngineError("a DID (not a DID URL) is required")
    methods = []
    seen = set()
    for fragment, public_key in keys:
        if not fragment or fragment in seen or any(c in fragment for c in "#/?: "):
            raise EngineError(f"invalid or duplicate key fragment {fragment!r}")
        seen.add(fragment)
        methods.append(multikey_verification_method(did, fragment, public_key))
    if not methods:
        raise EngineError("a DID document needs at least one key")
    chosen = list(seen if assertion_fragments is None else assertion_fragments)
    unknown = [f for f in chosen if f not in seen]
    if unknown:
        raise EngineError(f"assertion fragments not among the keys: {unknown}")
    order = [m["id"].split("#", 1)[1] for m in methods]
    assertion = [f"{did}#{f}" for f in order if f in set(chosen)]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": assertion,
    }


def resolve_did_key(did: str) -> ed25519.Ed25519PublicKey:
    """The Ed25519 key a did:key (or did:key URL) encodes; EngineError if it is not one."""
    if not isinstance(did, str) or not did.startswith("did:key:z"):
        raise EngineError(f"not an Ed25519 did:key: {did!r}")
    base, _, fragment = did.partition("#")
    mb = base[len("did:key:") :]
    if fragment and fragment != mb:
        raise EngineError("did:key fragment must repeat the key")
    return _keys.public_from_multibase(mb)


def did_key_document(did: str) -> dict:
    """The DID document a did:key expands to (no network: the key is the identifier)."""
    did = did.split("#", 1)[0]
    public_key = resolve_did_key(did)
    mb = did[len("did:key:") :]
    vm = multikey_verification_method(did, mb, public_key)
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [vm],
        "authentication": [vm["id"]],
        "assertionMethod": [vm["id"]],
        "capabilityDelegation": [vm["id"]],
        "capabilityInvocation": [vm["id"]],
    }
