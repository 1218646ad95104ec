"""Fast eddsa-rdfc-2022 signing whose output is byte-identical to ``dataintegrity.sign``.

Why: almost all of a pyld signer's time is JSON-LD expansion, and for the credentials of
one badge class the expansion is the same every time except for the learner's values.
So, once per document *shape* (keys, list lengths, ``type`` values, contexts, numbers),
this module converts the document to RDF with sentinel strings in place of its string
values and keeps the quads as a template. Per credential it puts the real strings into
the quads and runs only RDFC-1.0 on them (first-degree hashing here, which settles the
usual credential; pyld's URDNA2015 whenever blank nodes need its N-degree step).

Why the output cannot differ from the reference:

- A string becomes a template slot only where pyld writes it unchanged: as a literal's
  lexical form or as an IRI. Anything pyld rewrites (vocabulary-relative values such as
  ``proofPurpose``, ``@json``, xsd:double) stays a fixed value, part of the cache key.
- An IRI is substituted only if it is absolute, has no whitespace or forbidden
  characters, is not a term, and its scheme cannot be a prefix of the contexts (so it
  is not read as a compact IRI); otherwise the reference runs.
- JSON-LD merges nodes that share an IRI; for the template that is dropping duplicate
  quads, done only where pyld's node map would also drop them.
- Every template is checked against the reference canonical form on its first use, so
  the first credential of a shape costs about twice a reference signature.
- Anything the fast path does not cover (or refuses) goes to ``dataintegrity.sign``,
  which therefore also produces every error: refusals are exactly the reference's.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from pyld import jsonld as _pyld
from pyld.nquads import RDF_LANGSTRING as _RDF_LANGSTRING
from pyld.nquads import XSD_STRING as _XSD_STRING
from pyld.nquads import escape as _escape

from . import dataintegrity, jsonld, rdfc, vcmodel
from .errors import EngineError

__all__ = ["sign", "canonical_document", "canonical_proof_config", "stats", "clear_cache", "MAX_SHAPES"]

#: Shapes kept (least recently used dropped). One badge class usually needs a handful
#: (evidence and result counts, optional fields); the proof config needs one.
MAX_SHAPES = 512
#: Templates per shape: one per combination of fixed (non-substitutable) string values.
#: A shape that needs more is not worth caching and is signed by the reference.
_MAX_TEMPLATES = 8

_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_BAD_CHARS = jsonld._BAD_CHARS  # the reference's own refusal set (_check_json)
_IRI_OK = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):[^\u0000-\u0020<>\"{}|^`\\]*")
_WHITESPACE = re.compile(r"\s")

# Sentinels carry a random token so no real value (a context URL, a type) can contain one.
_TOKEN = "fs" + secrets.token_hex(8)
_ABS_SENTINEL = re.compile(_TOKEN + r":(\d+)z")

# Markers in the shape signature; keys are str and fixed values are tuples, so no clash.
_DICT, _LIST, _END, _STR = 0, 1, 2, 3


class _Bail(Exception):
    """The document is outside what the fast path covers: let the reference decide."""


# --------------------------------------------------------------------------- shape walk


def _fixed_copy(value: Any) -> Any:
    if type(value) is str:
        return value
    if type(value) is list and all(type(x) is str for x in value):
        return list(value)
    return copy.deepcopy(value)


def _walk(node: Any, sig: list, strings: list) -> Any:
    """Copy ``node`` while recording its shape in ``sig`` and its string leaves in ``strings``.

    Raises _Bail for anything the reference refuses (nulls, empty lists, control
    characters, non-JSON values) or that the fast path leaves to it (JSON-LD keywords
    other than @context/@id/@type, dict or list subclasses).
    """
    t = type(node)
    if t is str:
        if _BAD_CHARS.search(node):
            raise _Bail
        sig.append(_STR)
        strings.append(node)
        return node
    if t is dict:
        sig.append(_DICT)
        out = {}
        for key, value in node.items():
            if type(key) is not str:
                raise _Bail
            sig.append(key)
            if key in {"@context", "type", "@type"}:
                # contexts and types select term definitions: part of the shape, never slots
                sig.append((key, repr(value)))
                out[key] = _fixed_copy(value)
            elif key[:1] == "@" and key != "@id":
                raise _Bail
            else:
                out[key] = _walk(value, sig, strings)
        sig.append(_END)
        return out
    if t is list:
        if not node:
            raise _Bail
        sig.append(_LIST)
        out = [_walk(item, sig, strings) for item in node]
        sig.append(_END)
        return out
    if t is bool or t is int:
        sig.append((t, node))
        return node
    if t is float:
        if not math.isfinite(node):
            raise _Bail
        sig.append((t, node))
        return node
    raise _Bail


def _fill(node: Any, values) -> Any:
    """``node`` with its string leaves replaced, in ``_walk`` order, from the iterator ``values``."""
    t = type(node)
    if t is str:
        return next(values)
    if t is dict:
        return {
            k: (v if k in {"@context", "type", "@type"} else _fill(v, values)) for k, v in node.items()
        }
    if t is list:
        return [_fill(item, values) for item in node]
    return node


def _contexts_in(node: Any, found: list) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                found.append(value)
            else:
                _contexts_in(value, found)
    elif isinstance(node, list):
        for item in node:
            _contexts_in(item, found)


def _context_terms(contexts: list, loader) -> tuple[frozenset, frozenset]:
    """Names the contexts (and the contexts they reference) could define: (terms, prefixes).

    ``prefixes`` are the terms pyld may use to expand ``prefix:suffix`` (simple terms and
    ``@prefix: true`` ones, a superset of what JSON-LD 1.1 allows). Supersets are fine:
    they only send more IRIs to the reference.
    """
    terms: set[str] = set()
    prefixes: set[str] = set()
    seen: set[str] = set()
    stack = list(contexts)
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if node in seen:
                continue
            seen.add(node)
            if loader is None:
                stack.append(jsonld.load_context(node))
            else:
                loaded = loader(node, {})["document"]
                stack.append(json.loads(loaded) if isinstance(loaded, str) else [loaded])
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    stack.append(value)
                elif not key.startswith("@"):
                    terms.add(key)
                    if not isinstance(value, dict) or value.get("@prefix", False) is not False:
                        prefixes.add(key)
                    if isinstance(value, dict):
                        stack.append(value)
    return frozenset(terms), frozenset(prefixes)


# --------------------------------------------------------------------------- templates


def _options(loader) -> dict:
    # the reference's options (rdfDirection: a context's default @direction types literals)
    return {"documentLoader": loader or jsonld.document_loader, "base": None, "rdfDirection": jsonld.RDF_DIRECTION}


def _to_quads(doc: Any, loader) -> list:
    """pyld's RDF dataset as one list of quads, graph names folded in as URDNA2015 does."""
    dataset = _pyld.to_rdf(doc, _options(loader))
    quads = []
    for graph_name, triples in dataset.items():
        for triple in triples:
            if graph_name != "@default":
                triple["name"] = {"type": "blank node" if graph_name.startswith("_:") else "IRI", "value": graph_name}
            quads.append(triple)
    return quads


def _iri_substitutable(value: str, terms: frozenset, prefixes: frozenset) -> bool:
    """True if pyld writes ``value`` unchanged wherever an IRI is expected.

    For such a value every route through pyld's IRI expansion (``@id``, ``@type: @id`` and
    ``@type: @vocab`` terms) returns it as given: it is absolute, not a term, and its
    scheme is not a prefix. It also passes the reference's IRI checks.
    """
    m = _IRI_OK.fullmatch(value)
    return m is not None and m.group(1) not in prefixes and value not in terms and not _WHITESPACE.search(value)


def _classify(doc: Any, strings: list, candidates: set, loader):
    """Convert ``doc`` to RDF with sentinels at the ``candidates`` leaves: where does each land?

    A leaf is a literal slot if its sentinel is exactly the lexical form of literals, an
    IRI slot if it is exactly IRIs; anything else (vocabulary-relative, JSON-encoded,
    absent) stays fixed. Sentinels are absolute IRIs, which every IRI expansion route
    leaves unchanged, as it does the values ``_iri_substitutable`` admits.
    Returns (literal slots, IRI slots, quads, occurrences).
    """
    values = [f"{_TOKEN}:{i}z" if i in candidates else strings[i] for i in range(len(strings))]
    quads = _to_quads(_fill(doc, iter(values)), loader)
    occurrences: dict[int, list] = {}
    impure: set[int] = set()
    for q, quad in enumerate(quads):
        for comp_key, comp in quad.items():
            for field, text in comp.items():
                if not isinstance(text, str) or _TOKEN not in text:
                    continue
                m = _ABS_SENTINEL.fullmatch(text)
                if m and field == "value" and comp_key != "predicate":
                    kind = comp["type"]
                    if kind == "literal" and comp.get("datatype") == _XSD_DOUBLE:
                        impure.add(int(m.group(1)))  # pyld rewrites numeric xsd:double strings
                    occurrences.setdefault(int(m.group(1)), []).append((q, comp_key, kind))
                else:
                    impure.update(int(i) for i in _ABS_SENTINEL.findall(text))
    literal, iri = set(), set()
    for i in candidates:
        kinds = {kind for _, _, kind in occurrences.get(i, ())}
        if i in impure:
            continue
        if kinds == {"literal"}:
            literal.add(i)
        elif kinds == {"IRI"}:
            iri.add(i)
    return literal, iri, quads, occurrences


def _term_text(comp: dict) -> str:
    """A quad component as pyld's serialize_nquad writes it (blank nodes: their label)."""
    if comp["type"] == "IRI":
        return "<" + comp["value"] + ">"
    if comp["type"] == "blank node":
        return comp["value"]
    return '"' + _escape(comp["value"]) + '"' + _literal_suffix(comp)


def _literal_suffix(comp: dict) -> str:
    datatype = comp["datatype"]
    if datatype == _RDF_LANGSTRING:
        return "@" + comp["language"] if comp.get("language") else ""
    return "" if datatype == _XSD_STRING else "^^<" + datatype + ">"


class _Template:
    """The quads of one shape, as N-Quads terms, with the slots left open.

    A quad is (subject, predicate, object, graph) text; blank nodes are their ``_:b``
    labels (relabelled by the canonicaliser). An open term is (slot, prefix, suffix):
    ``<`` + IRI + ``>``, or a quoted, escaped literal with its datatype or language.
    """

    __slots__ = ("fixed", "open", "fixed_keys", "iri_slots", "components")

    def __init__(self, quads: list, occurrences: dict, slots: set, iri_slots: set):
        where: dict[tuple, int] = {}
        for i in slots:
            for q, comp_key, _ in occurrences[i]:
                where[(q, comp_key)] = i
        self.fixed: list[tuple] = []
        self.open: list[tuple] = []
        self.components: dict[str, dict] = {}  # term text -> pyld component, for pyld's canonicaliser
        for q, quad in enumerate(quads):
            terms: list = []
            fills = []  # (position, slot, is literal, text before, text after, pyld component)
            for pos, comp_key in enumerate(("subject", "predicate", "object", "name")):
                comp = quad.get(comp_key)
                if comp is None:
                    terms.append(None)
                elif (q, comp_key) in where:
                    terms.append(None)
                    if comp["type"] == "IRI":
                        fills.append((pos, where[(q, comp_key)], False, "<", ">", comp))
                    else:
                        fills.append((pos, where[(q, comp_key)], True, '"', '"' + _literal_suffix(comp), comp))
                else:
                    text = _term_text(comp)
                    self.components[text] = comp
                    terms.append(text)
            if fills:
                # Substituted values may make two quads equal, where JSON-LD merged two nodes
                # sharing an IRI. Dropping the copy is right only where pyld's node map drops
                # it too: node references, or two strings (not a number and a string).
                may_merge = quad["object"]["type"] != "literal" or any(f[0] == 2 for f in fills)
                self.open.append((tuple(terms), tuple(fills), may_merge))
            else:
                self.fixed.append(tuple(terms))
        self.fixed_keys = frozenset(self.fixed)
        self.iri_slots = tuple(sorted(iri_slots))

    def quads(self, strings: list, terms: frozenset, prefixes: frozenset) -> list | None:
        """The quads with ``strings`` put in, or None to use the reference."""
        for i in self.iri_slots:
            if not _iri_substitutable(strings[i], terms, prefixes):
                return None
        out = list(self.fixed)
        seen: dict[tuple, bool] = {}
        escaped: dict[int, str] = {}
        for base, fills, may_merge in self.open:
            terms = list(base)
            for pos, i, literal, before, after, _ in fills:
                if not literal:
                    terms[pos] = before + strings[i] + after
                else:
                    if i not in escaped:
                        escaped[i] = _escape(strings[i])
                    terms[pos] = before + escaped[i] + after
            quad = tuple(terms)
            if quad in seen or quad in self.fixed_keys:
                if quad in self.fixed_keys or not (may_merge and seen[quad]):
                    return None
                continue  # JSON-LD merged the two nodes: the quad exists once
            seen[quad] = may_merge
            out.append(quad)
        return out

    def all_components(self, strings: list) -> dict:
        """Term text -> pyld component for every term these ``strings`` give."""
        found = dict(self.components)
        for _, fills, _ in self.open:
            for _, i, literal, before, after, comp in fills:
                value = strings[i]
                found[before + (_escape(value) if literal else value) + after] = {**comp, "value": value}
        return found


def _line(quad: tuple, labels: dict) -> str:
    s, p, o, g = quad
    if s[0] == "_":
        s = labels[s]
    if o[0] == "_":
        o = labels[o]
    if g is None:
        return s + " " + p + " " + o + " .\n"
    if g[0] == "_":
        g = labels[g]
    return s + " " + p + " " + o + " " + g + " .\n"


def _canonize_quads(quads: list, components: Callable[[], dict]) -> str:
    """RDFC-1.0 of template quads; what pyld's URDNA2015 returns for the same dataset.

    When every blank node has a distinct first-degree hash (the usual case: the blank
    nodes of a credential hold different data) the canonical labels follow the sorted
    hashes, which is all that is computed here; otherwise pyld's implementation runs.
    """
    mentions: dict[str, list] = {}
    for quad in quads:
        s, _, o, g = quad
        nodes = [t for t in (s, o, g) if t is not None and t[0] == "_"]
        if len(nodes) > 1 and len(set(nodes)) < len(nodes):
            return _canonize_with_pyld(quads, components())  # pyld counts such a quad once per mention
        for node in nodes:
            mentions.setdefault(node, []).append(quad)
    by_hash = {}
    for node, node_quads in mentions.items():
        lines = sorted(_line(q, _FirstDegree(node)) for q in node_quads)
        by_hash[hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()] = node
    if len(by_hash) != len(mentions):
        return _canonize_with_pyld(quads, components())  # shared first-degree hashes: N-degree hashing
    labels = {node: f"_:c14n{n}" for n, (_, node) in enumerate(sorted(by_hash.items()))}
    return "".join(sorted(_line(q, labels) for q in quads))


class _FirstDegree(dict):
    """Labels for Hash First Degree Quads: ``_:a`` for the node being hashed, ``_:z`` else."""

    __slots__ = ("node",)

    def __init__(self, node: str):
        super().__init__()
        self.node = node

    def __missing__(self, key: str) -> str:
        return "_:a" if key == self.node else "_:z"


def _canonize_with_pyld(quads: list, components: dict) -> str:
    """The reference's RDFC-1.0 (pyld's URDNA2015 through ``rdfc``) on the quads (fresh
    dicts: it relabels blank nodes in place)."""
    dataset = []
    for quad in quads:
        item = {}
        for comp_key, text in zip(("subject", "predicate", "object", "name"), quad, strict=True):
            if text is not None:
                item[comp_key] = {"type": "blank node", "value": text} if text[0] == "_" else dict(components[text])
        dataset.append(item)
    return rdfc.canonize({"@default": dataset})


class _Shape:
    """What one document shape needs: which string leaves are slots, and its templates."""

    __slots__ = ("fixed", "slots", "iri_slots", "terms", "prefixes", "templates", "disabled")

    def __init__(self, fixed: tuple, slots: set, iri_slots: set, terms: frozenset, prefixes: frozenset):
        self.fixed = fixed
        self.slots = slots
        self.iri_slots = iri_slots
        self.terms = terms
        self.prefixes = prefixes
        self.templates: OrderedDict[tuple, _Template] = OrderedDict()
        self.disabled = False


_lock = threading.Lock()
_shapes: OrderedDict[tuple, _Shape] = OrderedDict()
_stats = {"template": 0, "primed": 0, "reference": 0, "templates": 0, "unstable": 0, "template_mismatches": 0}


def stats() -> dict:
    """Counters, for tests and benchmarks.

    template: canonical forms computed from a template; primed: by the reference while
    checking a new template; reference: left to the reference (not covered, refused, or
    an IRI the template cannot take); templates: templates stored; unstable and
    template_mismatches: shapes disabled (the latter would mean a bug: it never happens
    in the tests).
    """
    with _lock:
        return {**_stats, "shapes": len(_shapes)}


def clear_cache() -> None:
    """Forget the learned shapes and zero the counters: for tests, and a fresh measurement of ``stats()``."""
    with _lock:
        _shapes.clear()
        _terms_of_contexts.clear()
        for k in _stats:
            _stats[k] = 0


def _count(name: str) -> None:
    with _lock:
        _stats[name] += 1


def _count_locked(name: str) -> None:
    _stats[name] += 1


_terms_of_contexts: dict = {}


def _new_shape(doc: Any, strings: list, loader) -> tuple[_Shape, _Template | None]:
    """Classify the string leaves of a new shape; also its template if nothing is fixed."""
    contexts: list = []
    _contexts_in(doc, contexts)
    # The same contexts for every shape of every badge class: their terms are read once per
    # loader (a loader returns the same document for a URL for as long as it lives).
    known = (loader, json.dumps(contexts, sort_keys=True))
    found = _terms_of_contexts.get(known)
    if found is None:
        found = _context_terms(contexts, loader)
        if len(_terms_of_contexts) >= 64:
            _terms_of_contexts.clear()
        _terms_of_contexts[known] = found
    terms, prefixes = found
    literal, iri, quads, occurrences = _classify(doc, strings, set(range(len(strings))), loader)
    # An IRI this document cannot substitute (a term such as proofPurpose's
    # 'assertionMethod', a blank node id) is most likely the same in the next one: fixed.
    iri = {i for i in iri if _iri_substitutable(strings[i], terms, prefixes)}
    slots = literal | iri
    fixed = tuple(i for i in range(len(strings)) if i not in slots)
    shape = _Shape(fixed, slots, iri, terms, prefixes)
    # With no fixed values the sentinel pass is already the template (saves a pyld run).
    return shape, (None if fixed else _Template(quads, occurrences, slots, iri))


def _new_template(shape: _Shape, doc: Any, strings: list, loader) -> _Template | None:
    literal, iri, quads, occurrences = _classify(doc, strings, shape.slots, loader)
    if literal | iri != shape.slots or iri != shape.iri_slots:
        return None  # fixed values changed how the slots are read: not a stable shape
    return _Template(quads, occurrences, shape.slots, iri)


def _shape_for(key: tuple, doc: Any, strings: list, loader) -> tuple[_Shape | None, _Template | None]:
    """The cached shape for ``key``, or a new one (with its template when it has one)."""
    with _lock:
        shape = _shapes.get(key)
        if shape is not None:
            _shapes.move_to_end(key)
            return shape, None
    try:
        shape, template = _new_shape(doc, strings, loader)
    except Exception:  # any pyld or loader failure: the reference reports it properly
        return None, None
    with _lock:
        _shapes[key] = shape
        while len(_shapes) > MAX_SHAPES:
            _shapes.popitem(last=False)
    return shape, template


def _prime(shape: _Shape, template: _Template | None, doc: Any, strings: list, loader) -> str | None:
    """First document with these fixed values: the reference decides (and refuses), and a
    new template must reproduce its answer before it is used on its own."""
    try:
        reference = jsonld.canonize(jsonld.check_signable(doc, loader, budget=None), loader, budget=None)
    except EngineError:
        return None
    _count("primed")
    try:
        template = template or _new_template(shape, doc, strings, loader)
    except Exception:
        template = None
    quads = template.quads(strings, shape.terms, shape.prefixes) if template is not None else None
    if template is None or (
        quads is not None and _canonize_quads(quads, lambda: template.all_components(strings)) != reference
    ):
        _count("unstable" if template is None else "template_mismatches")
        shape.disabled = True
    elif quads is not None:
        with _lock:
            _count_locked("templates")
            shape.templates[tuple(strings[i] for i in shape.fixed)] = template
            if len(shape.templates) > _MAX_TEMPLATES:
                shape.disabled = True  # fixed values vary per document: templates do not pay
    return reference


def _lookup(doc: Any, loader, walked: tuple | None = None) -> str | None:
    """Canonical N-Quads of ``doc`` by template, or None to use the reference.

    ``walked`` is ``(sig, strings)`` when the caller has already walked ``doc``.
    """
    if walked is None:
        sig: list = []
        strings: list = []
        try:
            _walk(doc, sig, strings)
        except _Bail:
            return None
    else:
        sig, strings = walked
    key = (loader, *sig)
    try:
        hash(key)
    except TypeError:  # an unhashable loader: nothing to cache by
        return None
    shape, new_template = _shape_for(key, doc, strings, loader)
    if shape is None or shape.disabled:
        return None
    fixed_values = tuple(strings[i] for i in shape.fixed)
    with _lock:
        template = shape.templates.get(fixed_values)
        if template is not None:
            shape.templates.move_to_end(fixed_values)
    if template is None:
        return _prime(shape, new_template, doc, strings, loader)
    quads = template.quads(strings, shape.terms, shape.prefixes)
    if quads is None:
        return None
    _count("template")
    return _canonize_quads(quads, lambda: template.all_components(strings))


def _canonical(doc: dict, loader, walked: tuple | None = None) -> str | None:
    result = _lookup(doc, loader, walked)
    if result is None:
        _count("reference")
    return result


# --------------------------------------------------------------------------- public API


@dataintegrity._engine_guard
def canonical_document(document: dict, loader=None) -> str:
    """RDFC-1.0 N-Quads of ``document`` without its proof; same result (and errors) as
    ``dataintegrity.canonical_document``. For documents we build (no budget): input
    from outside goes to ``dataintegrity.canonical_document`` with its budget."""
    if isinstance(document, dict):
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        result = _canonical(unsigned, loader)
        if result is not None:
            return result
    return dataintegrity.canonical_document(document, loader, budget=None)


@dataintegrity._engine_guard
def canonical_proof_config(config: dict, loader=None) -> str:
    """``dataintegrity.canonical_proof_config`` through the template cache."""
    result = _canonical(config, loader) if isinstance(config, dict) else None
    return result if result is not None else dataintegrity.canonical_proof_config(config, loader, budget=None)


_VM = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@dataintegrity._signing_guard
def sign(
    document: dict,
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    loader: Callable | None = None,
) -> dict:
    """Same arguments, result and errors as ``dataintegrity.sign``, usually much faster.

    ``loader`` must return the same document for a URL for as long as it lives (as the
    loaders of ``jsonld.make_document_loader`` do): templates are cached per loader.
    """

    def reference(created_value):
        return dataintegrity.sign(
            document, private_key, verification_method, created=created_value, proof_purpose=proof_purpose,
            loader=loader,
        )

    if (
        not isinstance(document, dict)
        or "proof" in document
        or "@context" not in document
        or not isinstance(private_key, ed25519.Ed25519PrivateKey)
        or not isinstance(verification_method, str)
        or not _VM.match(verification_method)
        or proof_purpose not in dataintegrity._PURPOSES
        or (vcmodel.is_credential(document) and vcmodel.credential_problems(document))
    ):
        return reference(created)  # the reference raises the error
    sig: list = []
    strings: list = []
    try:
        unsigned = _walk(document, sig, strings)  # a private copy, like the reference's deepcopy
    except _Bail:
        return reference(created)
    config = dataintegrity.proof_config(unsigned, verification_method, created, proof_purpose)
    canon_doc = _canonical(unsigned, loader, (sig, strings))
    canon_config = _canonical(config, loader) if canon_doc is not None else None
    if canon_config is None:
        return reference(config["created"])  # same timestamp if created was None
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = dataintegrity.sign_hash(dataintegrity.hash_data(canon_config, canon_doc), private_key)
    unsigned["proof"] = proof
    return unsigned
