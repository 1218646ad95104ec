"""Offline JSON-LD: shipped contexts, a document loader that never touches the network,
RDFC-1.0 canonicalisation, and the pre-signing check that refuses data pyld would alter.

Why the check exists: a Data Integrity signature covers the canonical N-Quads, not the
JSON. Anything pyld drops (undefined terms, relative IRIs, nulls) would be shown to users
but not signed; numbers JavaScript reads differently, or control characters, would make
the signature unverifiable by other (JavaScript) verifiers. So such data is refused at
signing, never silently altered. Verification is more lenient where RDFC-1.0 is exact
(control characters in literals, any number): it checks what others signed.

Canonicalisation converts to RDF as the reference cryptosuite does (JSON-LD
``rdfDirection: i18n-datatype``, so ``@direction`` is signed) and runs RDFC-1.0 through
``rdfc`` (canonical escapes, and a ``Budget`` for input we did not produce).
"""

from __future__ import annotations

import copy
import decimal
import hashlib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from pyld import jsonld as _pyld

from . import rdfc
from .errors import ContextError, EngineError, SigningError
from .rdfc import UNTRUSTED, Budget, BudgetExceeded

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
    "Budget",
    "BudgetExceeded",
    "UNTRUSTED",
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


def _engine_error_in(exc: BaseException) -> EngineError | None:
    """pyld wraps loader failures (several levels deep); find our own error again."""
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, EngineError):
            return e
        stack.extend([e.__cause__, e.__context__, getattr(e, "cause", None)])
    return None


def _reraise(exc: BaseException, what: str):
    """Raise the engine error for any failure of pyld (never a bare KeyError or RecursionError)."""
    own = _engine_error_in(exc)
    if isinstance(own, ContextError):
        raise ContextError(own.url) from exc
    if isinstance(own, BudgetExceeded):
        raise BudgetExceeded(str(own)) from exc
    if isinstance(exc, _pyld.JsonLdError):
        raise EngineError(f"JSON-LD {what} failed: {exc}") from exc
    raise EngineError(f"JSON-LD {what} failed: {type(exc).__name__}: {exc}") from exc


#: How the reference cryptosuite (eddsa-rdfc-2022, Digital Bazaar) converts JSON-LD to
#: RDF: a value with ``@direction`` becomes a literal typed
#: ``https://www.w3.org/ns/i18n#{language}_{direction}`` (JSON-LD 1.1 API, Serialize RDF as
#: JSON-LD / Deserialize, ``rdfDirection``). Without it pyld drops the direction.
RDF_DIRECTION = "i18n-datatype"


def _options(loader: Loader | None, **more) -> dict:
    # base=None: pyld otherwise resolves relative IRIs against 'http://example.org/base/',
    # which JavaScript verifiers never do (they drop them), so signatures would differ.
    return {"documentLoader": loader or document_loader, "base": None, "rdfDirection": RDF_DIRECTION, **more}


class _Processor(_pyld.JsonLdProcessor):
    """pyld's processor with a CPU-time check at every element it expands or maps."""

    def __init__(self, meter: rdfc.Meter | None = None, **kwargs):
        super().__init__(**kwargs)
        self.meter = meter

    def _expand(self, *args, **kwargs):
        if self.meter is not None:
            self.meter.tick()
        return super()._expand(*args, **kwargs)

    def _create_node_map(self, *args, **kwargs):
        # adding the n-th value of a property compares it with the n - 1 before: a long
        # list (or many nodes merged by id) is quadratic, so the clock is checked here too
        if self.meter is not None:
            self.meter.tick()
        return super()._create_node_map(*args, **kwargs)


class _Default:
    def __repr__(self) -> str:
        return "UNTRUSTED"


#: The default of every ``budget`` argument: ``UNTRUSTED``. Pass ``budget=None`` only for
#: documents this service built itself (signing).
DEFAULT_BUDGET: Any = _Default()


def meter(doc: Any, budget: Budget | rdfc.Meter | None | _Default = DEFAULT_BUDGET) -> rdfc.Meter | None:
    """Open the account of one verification: checks the size of ``doc`` now and returns
    a ``Meter`` whose CPU time runs from here. Every ``budget`` argument also takes a
    meter, so the steps of one verification (expansion, canonicalisation of the
    document and of the proof options) share one CPU limit. None: no budget.
    """
    if isinstance(budget, _Default):
        budget = UNTRUSTED
    if budget is None or isinstance(budget, rdfc.Meter):
        return budget
    if not isinstance(budget, Budget):
        raise EngineError(f"budget must be a jsonld.Budget or None, not {type(budget).__name__}")
    rdfc.check_json_size(doc, budget)
    return rdfc.Meter(budget)


def expand(doc: Any, loader: Loader | None = None, on_property_dropped=None, *, budget=DEFAULT_BUDGET) -> list:
    """JSON-LD expansion with the offline loader; ContextError for unknown contexts.

    ``budget`` (default ``UNTRUSTED``; ``None`` for our own documents) limits the size
    of ``doc`` and the CPU time spent.
    """
    account = meter(doc, budget)
    kwargs = {"on_property_dropped": on_property_dropped} if on_property_dropped else {}
    try:
        return _Processor(account, **kwargs).expand(doc, _options(loader))
    except Exception as exc:
        _reraise(exc, "expansion")


def canonize(doc: Any, loader: Loader | None = None, *, budget=DEFAULT_BUDGET) -> str:
    """RDFC-1.0 canonical N-Quads, as the eddsa-rdfc-2022 reference computes them.

    ``budget``: the limits for input we did not produce (default ``UNTRUSTED``); a
    document over budget raises ``BudgetExceeded`` (an ``EngineError``) fast. Signing
    passes ``None``: the documents are ours, and refusing them would lose an award.
    """
    account = meter(doc, budget)
    try:
        dataset = _Processor(account).to_rdf(doc, _options(loader))
        return rdfc.canonize(dataset, account)
    except Exception as exc:
        _reraise(exc, "canonicalisation")


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


# Lone surrogates cannot be encoded as UTF-8 by anyone: refused at verification too.
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Largest integer every JavaScript verifier reads exactly (Number.MAX_SAFE_INTEGER).
JS_MAX_SAFE_INTEGER = 2**53 - 1
# BCP 47 shape that jsonld.js checks in safe mode (a language tag of another shape is refused there).
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")


def _pyld_number(value: float) -> str:
    """The literal pyld writes for a JSON number (JSON-LD 1.1 toRdf, Python float)."""
    if not value.is_integer() or abs(value) >= 1e21:
        return re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{value:1.15E}")
    return str(int(value))


def _js_number(value: float) -> str:
    """The literal jsonld.js writes for the same JSON number.

    jsonld.js calls a number a double when ``String(n)`` contains a ``.`` or
    ``|n| >= 1e21``, then writes ``n.toExponential(15)`` (ties round away from zero);
    otherwise it writes ``n.toFixed(0)``. ``String(n)`` is the shortest round-trip digits
    (as Python's repr), in plain notation for 1e-7 <= |n| < 1e21.
    """
    digits, exponent = _shortest_digits(value)
    # plain notation for exponents -7 < e < 21: a point when there are fractional digits;
    # exponential notation otherwise: a point when there is more than one digit
    has_point = len(digits) > exponent + 1 if -7 < exponent < 21 else len(digits) > 1
    if has_point or abs(value) >= 1e21:
        exact = decimal.Decimal(value)
        with decimal.localcontext() as ctx:
            ctx.prec = 16
            ctx.rounding = decimal.ROUND_HALF_UP
            rounded = +exact
        sign, dig, exp = rounded.as_tuple()
        dig = "".join(map(str, dig)).ljust(16, "0")
        e10 = exp + len(rounded.as_tuple().digits) - 1
        mantissa = dig[0] + "." + (dig[1:].rstrip("0") or "0")
        return ("-" if sign else "") + mantissa + "E" + str(e10)
    return str(int(decimal.Decimal(value).to_integral_value(decimal.ROUND_HALF_UP)))


def _shortest_digits(value: float) -> tuple[str, int]:
    """(significant digits, decimal exponent of the first) of the shortest repr of ``value``."""
    _, digits, exp = decimal.Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, exp + len(text) - 1


def js_number_problem(value: int | float) -> str | None:
    """Why JavaScript verifiers would canonicalise this JSON number differently, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > JS_MAX_SAFE_INTEGER:
            return f"integer {value} is beyond 2^53 - 1, which JavaScript verifiers cannot read exactly"
        return None
    if not math.isfinite(value):
        return "non-finite number"
    if value == 0:
        return None
    if value.is_integer() and abs(value) > JS_MAX_SAFE_INTEGER:
        return f"number {value!r} is beyond 2^53 - 1, which JavaScript verifiers cannot read exactly"
    if _pyld_number(value) != _js_number(value):
        return (
            f"number {value!r} is canonicalised as {_pyld_number(value)!r} here but as {_js_number(value)!r} by "
            "JavaScript verifiers: write it as a string, or with other digits"
        )
    return None


def _check_json(node: Any, path: str, strict: bool = True) -> None:
    """Refuse JSON values that expansion drops or that pyld would serialise wrongly.

    ``strict`` (signing): also refuse what JavaScript verifiers read differently (large
    or oddly printed numbers) and control characters (a documented choice: they are
    never part of a badge). Verification (``strict=False``) accepts both: RDFC-1.0
    canonicalises them exactly.
    """
    bad_chars = _BAD_CHARS if strict else _SURROGATES
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
            _check_json(value, sub, strict)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if item is None:
                raise SigningError(_path_join(path, i), "null value (JSON-LD drops it)")
            _check_json(item, _path_join(path, i), strict)
    elif isinstance(node, str):
        if bad_chars.search(node):
            raise SigningError(
                path,
                "contains control or invalid characters that cannot be signed reliably: "
                + ", ".join(sorted({f"U+{ord(c):04X}" for c in bad_chars.findall(node)})),
            )
    elif isinstance(node, bool):
        return
    elif isinstance(node, (int, float)):
        if isinstance(node, float) and not math.isfinite(node):
            raise SigningError(path, "non-finite number")
        problem = js_number_problem(node) if strict else None
        if problem:
            raise SigningError(path, problem)
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


def _check_expanded(node: Any, doc: Any, strict: bool = True) -> None:
    """Refuse IRIs in the expanded form that RDF conversion would drop or mis-serialise
    (and, when signing, language tags JavaScript verifiers refuse in safe mode)."""

    def fail(value: str, reason: str):
        paths = _find_value_paths(doc, value)
        raise SigningError(paths[0] if paths else value, f"{value!r} {reason}")

    if isinstance(node, list):
        for item in node:
            _check_expanded(item, doc, strict)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        dtype = node.get("@type")
        if dtype is not None and dtype != "@json":
            problem = _iri_problem(dtype, blank_ok=False)
            if problem:
                fail(dtype, "datatype " + problem)
        language = node.get("@language")
        if strict and language is not None and not _LANGUAGE_TAG.match(str(language)):
            fail(language, "is not a well-formed language tag (BCP 47)")
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
            _check_expanded(value, doc, strict)
        else:
            problem = _iri_problem(key, blank_ok=False)
            if problem:
                raise SigningError(key, "property " + problem)
            _check_expanded(value, doc, strict)


def check_signable(doc: Any, loader: Loader | None = None, *, strict: bool = True, budget=DEFAULT_BUDGET) -> list:
    """Raise SigningError (naming the field) unless ``doc`` survives JSON-LD intact.

    Returns the expanded document so the caller can canonicalise it without expanding
    (and re-processing contexts) a second time. ``strict=False`` is the verifier's
    reading (see ``_check_json``); ``budget`` (default ``UNTRUSTED``, ``None`` when
    signing our own documents) limits the expansion (``BudgetExceeded``).
    """
    if not isinstance(doc, dict):
        raise SigningError("", "document must be a JSON object")
    if "@context" not in doc:
        raise SigningError("@context", "missing")
    account = meter(doc, budget)  # sizes are checked before any walk of a hostile document
    try:
        _check_json(doc, "", strict)
    except RecursionError as exc:
        raise SigningError("", "document is nested too deeply") from exc
    recorder = _DropRecorder(doc)
    try:
        expanded = expand(doc, loader, on_property_dropped=recorder, budget=account)
    except (ContextError, BudgetExceeded):
        raise
    except EngineError as exc:
        raise SigningError("", str(exc)) from exc
    if recorder.dropped:
        path, term = recorder.dropped[0]
        others = [p for p, _ in recorder.dropped[1:]]
        extra = f" (also: {', '.join(others)})" if others else ""
        raise SigningError(path, f"term {term!r} is not defined by the @context and would be dropped{extra}")
    try:
        _check_expanded(expanded, doc, strict)
    except RecursionError as exc:
        raise SigningError("", "document is nested too deeply") from exc
    return expanded
