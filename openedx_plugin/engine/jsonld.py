"""Offline JSON-LD: shipped contexts, a document loader that never touches the network,
RDFC-1.0 canonicalisation, and the pre-signing check that refuses data pyld would alter.

Why the check exists: a Data Integrity signature covers the canonical N-Quads, not the
JSON. Anything pyld drops (undefined terms, relative IRIs, nulls) or serialises wrongly
(some control characters) would be shown to users but not signed, or would make the
signature unverifiable by other (JavaScript) verifiers. So such data is refused, never
silently altered.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from pyld import jsonld as _pyld

from .errors import ContextError, EngineError, SigningError

__all__ = [
    "VC_V2",
    "OB3_CONTEXT",
    "OB2_CONTEXT",
    "DID_V1",
    "MULTIKEY_V1",
    "STATUS_LIST_V1",
    "SHIPPED_CONTEXTS",
    "load_context",
    "document_loader",
    "make_document_loader",
    "expand",
    "canonize",
    "check_signable",
    "find_bad_characters",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"  # DCC wallets' DID-Auth suite

# url -> (file in contexts/, SHA-256 of the file). The hash is checked on first load so an
# accidental edit of a shipped context (which would change every signature) fails loudly.
# Keep in sync with contexts/README.md (a test checks both).
SHIPPED_CONTEXTS: dict[str, tuple[str, str]] = {
    VC_V2: ("credentials-v2.json", "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"),
    OB3_CONTEXT: (
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    OB2_CONTEXT: ("openbadges-v2.json", "3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d"),
    DID_V1: ("did-v1.json", "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f"),
    MULTIKEY_V1: ("multikey-v1.json", "8e6bad2e5b4f0721906a4dcc2f7a894b1215cf9a47014c71e286423860642ff0"),
    STATUS_LIST_V1: (
        "credentials-status-v1.json",
        "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    ),
    ED25519_2020_V1: (
        "ed25519-signature-2020-v1.json",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
    ),
}

_parsed: dict[str, dict] = {}

Loader = Callable[..., dict]


def load_context(url: str) -> dict:
    """Return a fresh copy of a shipped context (callers and pyld may mutate it)."""
    entry = SHIPPED_CONTEXTS.get(url)
    if entry is None:
        raise ContextError(url)
    if url not in _parsed:
        filename, expected = entry
        raw = resources.files(__package__).joinpath("contexts", filename).read_bytes()
        actual = hashlib.sha256(raw).hexdigest()
        if actual != expected:
            raise EngineError(f"shipped context {filename} has SHA-256 {actual}, expected {expected}")
        _parsed[url] = json.loads(raw)
    return copy.deepcopy(_parsed[url])


def _remote(url: str, document: dict, static: bool) -> dict:
    doc = {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}
    if static:
        # pyld keeps processed contexts in a process-wide cache keyed by URL only when the
        # loader tags them 'static'; only immutable shipped contexts may be tagged.
        doc["tag"] = "static"
    return doc


def document_loader(url: str, options: Any = None) -> dict:
    """pyld document loader serving only shipped contexts; anything else is a ContextError."""
    return _remote(url, load_context(url), static=True)


def make_document_loader(extra: Mapping[str, dict]) -> Loader:
    """A loader that also serves ``extra`` contexts (tests, deployment-specific contexts).

    Extra contexts are not tagged 'static': pyld's shared cache is keyed by URL alone, so
    caching them would leak one caller's context into every later call. They cannot
    replace a shipped context either.
    """
    extra = {url: copy.deepcopy(doc) for url, doc in extra.items()}
    clash = sorted(set(extra) & set(SHIPPED_CONTEXTS))
    if clash:
        raise ValueError(f"cannot override shipped contexts: {clash}")

    def loader(url: str, options: Any = None) -> dict:
        if url in extra:
            return _remote(url, copy.deepcopy(extra[url]), static=False)
        return document_loader(url, options)

    return loader


def _context_error_in(exc: BaseException) -> ContextError | None:
    """pyld wraps loader failures (several levels deep); find our ContextError again."""
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ContextError):
            return e
        stack.extend([e.__cause__, e.__context__, getattr(e, "cause", None)])
    return None


def _options(loader: Loader | None, **more) -> dict:
    # base=None: pyld otherwise resolves relative IRIs against 'http://example.org/base/',
    # which JavaScript verifiers never do (they drop them), so signatures would differ.
    return {"documentLoader": loader or document_loader, "base": None, **more}


def expand(doc: Any, loader: Loader | None = None, on_property_dropped=None) -> list:
    """JSON-LD expansion with the offline loader; ContextError for unknown contexts."""
    kwargs = {"on_property_dropped": on_property_dropped} if on_property_dropped else {}
    try:
        return _pyld.expand(doc, _options(loader), **kwargs)
    except _pyld.JsonLdError as exc:
        ctx = _context_error_in(exc)
        if ctx is not None:
            raise ContextError(ctx.url) from exc
        raise EngineError(f"JSON-LD expansion failed: {exc}") from exc


def canonize(doc: Any, loader: Loader | None = None) -> str:
    """RDFC-1.0 canonical N-Quads (pyld's default algorithm is the obsolete URGNA2012)."""
    try:
        return _pyld.normalize(doc, _options(loader, algorithm="URDNA2015", format="application/n-quads"))
    except _pyld.JsonLdError as exc:
        ctx = _context_error_in(exc)
        if ctx is not None:
            raise ContextError(ctx.url) from exc
        raise EngineError(f"JSON-LD canonicalisation failed: {exc}") from exc


# Characters pyld 3.3's N-Quads serialiser leaves raw although RDFC-1.0 requires an
# escape (\b, \f, or \uXXXX). It escapes \t \n \r " and \ correctly. Lone surrogates
# cannot be encoded as UTF-8 at all.
_BAD_CHARS = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ud800-\udfff]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters that may not appear in an N-Quads IRIREF (pyld writes IRIs unescaped).
# pyld drops a node whose IRI holds any Unicode white space (U+00A0 included, though
# RFC 3987 allows it), so those are refused too: a signed document must say all it shows.
_BAD_IRI_CHARS = re.compile(r'[\u0000-\u0020<>"{}|^`\\]|\s')


def _path_join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def find_bad_characters(value: str) -> list[str]:
    """The characters of ``value`` that cannot be signed, as ``U+XXXX`` strings."""
    return sorted({f"U+{ord(c):04X}" for c in _BAD_CHARS.findall(value)})


def _check_json(node: Any, path: str) -> None:
    """Refuse JSON values that expansion drops or that pyld would serialise wrongly."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise SigningError(path, f"non-string key {key!r}")
            sub = _path_join(path, key)
            if _BAD_CHARS.search(key):
                raise SigningError(sub, f"key contains characters that cannot be signed: {find_bad_characters(key)}")
            if key == "@context":
                continue  # contexts are JSON-LD syntax (where null is meaningful), not data
            if value is None:
                raise SigningError(sub, "null value (JSON-LD drops it): omit the field instead")
            if isinstance(value, list) and not value:
                raise SigningError(sub, "empty list (JSON-LD drops it): omit the field instead")
            _check_json(value, sub)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if item is None:
                raise SigningError(_path_join(path, i), "null value (JSON-LD drops it)")
            _check_json(item, _path_join(path, i))
    elif isinstance(node, str):
        bad = find_bad_characters(node)
        if bad:
            raise SigningError(
                path, f"contains control or invalid characters that cannot be signed reliably: {', '.join(bad)}"
            )
    elif isinstance(node, bool):
        return
    elif isinstance(node, float):
        if not math.isfinite(node):
            raise SigningError(path, "non-finite number")
    elif isinstance(node, int):
        return
    else:
        raise SigningError(path, f"not a JSON value ({type(node).__name__})")


class _DropRecorder:
    """Collects dropped properties with the JSON path of each.

    pyld 3.3 reports only the (unexpandable) term, so the path is recovered from its
    expansion stack frames: each ``_expand_object`` frame holds the ``key`` being
    expanded and each list-expanding ``_expand`` frame holds the item ``e``. If pyld's
    internals change, the fallback searches the document for the key name.
    """

    def __init__(self, doc: Any):
        self.doc = doc
        self.dropped: list[tuple[str, str]] = []

    def __call__(self, term: Any) -> None:
        path = None
        try:
            path = self._path_from_stack(sys._getframe(1))
        except Exception:  # pragma: no cover - depends on pyld internals
            path = None
        if not path:
            paths = _find_key_paths(self.doc, str(term))
            path = " or ".join(paths) if paths else str(term)
        self.dropped.append((path, str(term)))

    @staticmethod
    def _path_from_stack(frame) -> str | None:
        parts: list[str | int] = []
        first = True
        while frame is not None:
            code = frame.f_code.co_name
            if frame.f_globals.get("__name__") == "pyld.jsonld":
                loc = frame.f_locals
                if code == "_expand_object":
                    if "key" not in loc:
                        return None
                    parts.append(loc["key"])
                elif first:
                    return None
                elif code == "_expand" and isinstance(loc.get("element"), list) and "e" in loc:
                    idx = next((i for i, x in enumerate(loc["element"]) if x is loc["e"]), None)
                    if idx is not None:
                        parts.append(idx)
                first = False
            frame = frame.f_back
        path = ""
        for part in reversed(parts):
            path = _path_join(path, part)
        return path or None


def _find_key_paths(node: Any, key: str, path: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            sub = _path_join(path, k)
            if k == key:
                found.append(sub)
            found.extend(_find_key_paths(v, key, sub))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found.extend(_find_key_paths(v, key, _path_join(path, i)))
    return found


def _find_value_paths(node: Any, value: str, path: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "@context":
                found.extend(_find_value_paths(v, value, _path_join(path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found.extend(_find_value_paths(v, value, _path_join(path, i)))
    elif node == value:
        found.append(path)
    return found


def _iri_problem(iri: Any, *, blank_ok: bool) -> str | None:
    if not isinstance(iri, str):
        return "is not a string"
    if iri.startswith("_:"):
        return None if blank_ok else "is a blank node identifier"
    if not _SCHEME.match(iri):
        return "is not an absolute IRI (JSON-LD drops relative IRIs, or the term is undefined)"
    if _BAD_IRI_CHARS.search(iri):
        return "contains characters not allowed in an IRI"
    return None


def _check_expanded(node: Any, doc: Any) -> None:
    """Refuse IRIs in the expanded form that RDF conversion would drop or mis-serialise."""

    def fail(value: str, reason: str):
        paths = _find_value_paths(doc, value)
        raise SigningError(paths[0] if paths else value, f"{value!r} {reason}")

    if isinstance(node, list):
        for item in node:
            _check_expanded(item, doc)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        dtype = node.get("@type")
        if dtype is not None and dtype != "@json":
            problem = _iri_problem(dtype, blank_ok=False)
            if problem:
                fail(dtype, "datatype " + problem)
        return
    for key, value in node.items():
        if key == "@id":
            problem = _iri_problem(value, blank_ok=True)
            if problem:
                fail(value, problem)
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                problem = _iri_problem(t, blank_ok=False)
                if problem:
                    fail(t, "type " + problem)
        elif key.startswith("@"):
            _check_expanded(value, doc)
        else:
            problem = _iri_problem(key, blank_ok=False)
            if problem:
                raise SigningError(key, "property " + problem)
            _check_expanded(value, doc)


def check_signable(doc: Any, loader: Loader | None = None) -> list:
    """Raise SigningError (naming the field) unless ``doc`` survives JSON-LD intact.

    Returns the expanded document so the caller can canonicalise it without expanding
    (and re-processing contexts) a second time.
    """
    if not isinstance(doc, dict):
        raise SigningError("", "document must be a JSON object")
    if "@context" not in doc:
        raise SigningError("@context", "missing")
    _check_json(doc, "")
    recorder = _DropRecorder(doc)
    try:
        expanded = expand(doc, loader, on_property_dropped=recorder)
    except ContextError:
        raise
    except EngineError as exc:
        raise SigningError("", str(exc)) from exc
    if recorder.dropped:
        path, term = recorder.dropped[0]
        others = [p for p, _ in recorder.dropped[1:]]
        extra = f" (also: {', '.join(others)})" if others else ""
        raise SigningError(path, f"term {term!r} is not defined by the @context and would be dropped{extra}")
    _check_expanded(expanded, doc)
    return expanded
