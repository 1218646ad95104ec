"""Issue 16 against the reference: Digital Bazaar's eddsa-rdfc-2022 stack (JSON-LD safe
mode, ``rdfDirection: i18n-datatype``, rdf-canonize's RDFC-1.0), offline.

- Canonical N-Quads are byte-identical for ``@direction`` (JSON-LD 1.1 toRdf with
  i18n-datatype), control characters (RDFC-1.0 canonical escapes) and the numbers we
  sign; for the numbers we refuse, the reference's canonical form differs (why we refuse).
- A credential with ``@direction`` signed here verifies in Node (and fails there once the
  direction is flipped); one signed in Node verifies here. So does a Node-signed
  credential with control characters (we verify what RDFC-1.0 canonicalises exactly).
- Documents without the Data Integrity terms: Node adds the data-integrity v2 context,
  which neither side has offline: both refuse.
- The poisoned blank-node document: both refuse (rdf-canonize's deep-iteration limit,
  our budget).
"""

from __future__ import annotations

import copy
import json

import pytest

from openedx_plugin.engine import dataintegrity, jsonld, keys, verify

from ..engine.conftest import EXAMPLES_V2, make_credential, read_json
from ..engine.test_canon_budget import clique
from . import nodeverifier

pytestmark = pytest.mark.interop

SEED = bytes(range(32))
KEY = keys.ed25519_from_seed(SEED)
DID = keys.did_key(KEY)
VM = keys.did_key_verification_method(KEY)
CREATED = "2025-01-01T00:00:00Z"
NOW = "2025-06-01T00:00:00Z"


def _credential(**extra) -> dict:
    cred = make_credential(DID)
    cred.update(extra)
    return cred


def _node_verify(tmp_path, docs: list[dict]) -> list[dict]:
    items = []
    for i, doc in enumerate(docs):
        path = tmp_path / f"cred-{i}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        items.append({"kind": "ob3", "path": str(path)})
    return nodeverifier.verify(items, {}, now=NOW)


def _ours(doc: dict):
    return verify.verify_credential(
        doc, resolve_did=lambda did: None, fetch_status_list=lambda url: None, now=dataintegrity.parse_datetime(NOW)
    )


DIRECTED = [
    {"@value": "Bonjour", "@language": "FR-ca", "@direction": "rtl"},
    {"@value": "Hello", "@language": "en", "@direction": "ltr"},
    {"@value": "مرحبا", "@direction": "rtl"},
]
MOTTO = {"motto": {"@id": "https://example.org/#motto", "@direction": "rtl"}}
CONTROL = "tab\there\u0001\u0008\u000b\u000c\u001f\u007f \"q\" \\ end"
SIGNED_NUMBERS = [0, 3, -7, 2**53 - 1, 1.5, 0.1, 1e-6, 1.5e-7, 5.0, 123456.789, 1e20, 2.5e-300, -0.5]
REFUSED_NUMBERS = [1e-7, 2e-7, 1234567890123456.5, 2**53 + 1]


def test_canonical_forms_are_byte_identical():
    docs = [_credential(name=d) for d in DIRECTED]
    motto = _credential(motto="שלום")
    motto["@context"] = [*motto["@context"], MOTTO]
    docs.append(motto)
    docs.append(_credential(description=CONTROL))
    for number in SIGNED_NUMBERS:
        cred = _credential()
        cred["credentialSubject"]["achievement"]["creditsAvailable"] = number
        docs.append(cred)
    results = nodeverifier.canon_sign([{"op": "canonize", "doc": d} for d in docs])
    for doc, result in zip(docs, results, strict=True):
        assert result["ok"], result
        ours = dataintegrity.canonical_document(doc, strict=False)  # the verifier's reading (control characters)
        assert ours == result["nquads"], json.dumps(doc)[:300]
    assert "^^<https://www.w3.org/ns/i18n#fr-ca_rtl>" in results[0]["nquads"]


def test_numbers_we_refuse_are_the_ones_javascript_canonicalises_differently():
    docs = []
    for number in REFUSED_NUMBERS:
        cred = _credential()
        cred["credentialSubject"]["achievement"]["creditsAvailable"] = number
        docs.append(cred)
        with pytest.raises(Exception, match="creditsAvailable"):
            dataintegrity.sign(cred, KEY, VM)
    results = nodeverifier.canon_sign([{"op": "canonize", "doc": d} for d in docs])
    for doc, result in zip(docs, results, strict=True):
        assert result["ok"], result
        assert dataintegrity.canonical_document(doc, check=False, budget=None) != result["nquads"]


def test_direction_signed_here_verifies_in_node_and_is_covered(tmp_path):
    signed = [dataintegrity.sign(_credential(name=d), KEY, VM, created=CREATED) for d in DIRECTED]
    flipped = copy.deepcopy(signed[0])
    flipped["name"]["@direction"] = "ltr"
    results = _node_verify(tmp_path, [*signed, flipped])
    for result in results[:-1]:
        assert result["verified"], result["errors"]
    assert not results[-1]["verified"]
    assert not _ours(flipped).ok


def test_node_signed_direction_and_control_characters_verify_here():
    docs = [_credential(name=d) for d in DIRECTED] + [_credential(description=CONTROL)]
    results = nodeverifier.canon_sign(
        [{"op": "sign", "doc": d, "seed": SEED.hex(), "vm": VM, "created": CREATED} for d in docs]
    )
    for result in results:
        assert result["ok"], result.get("error")
        outcome = _ours(result["signed"])
        assert outcome.ok, outcome.errors
        assert dataintegrity.verify(result["signed"], verify.make_vm_resolver(lambda did: None))
    # byte-identical signing where we sign (direction): same proof as Node's
    for doc, result in zip(docs[:-1], results[:-1], strict=True):
        assert dataintegrity.sign(doc, KEY, VM, created=CREATED) == result["signed"]


def test_without_data_integrity_terms_both_sides_refuse():
    examples = {EXAMPLES_V2: read_json("examples-v2-context.json")}
    doc = {"@context": [EXAMPLES_V2], "id": "urn:x:2", "name": "examples only"}
    [result] = nodeverifier.canon_sign(
        [{"op": "sign", "doc": doc, "seed": SEED.hex(), "vm": VM, "created": CREATED}], examples
    )
    assert not result["ok"]
    assert dataintegrity.DATA_INTEGRITY_V2 in result["error"]  # Node adds the context ...
    with pytest.raises(Exception, match="data-integrity"):  # ... which we refuse to sign without
        dataintegrity.sign(doc, KEY, VM, loader=jsonld.make_document_loader(examples))


def test_poisoned_blank_nodes_are_refused_by_both():
    results = nodeverifier.canon_sign([{"op": "canonize", "doc": clique(n)} for n in (2, 8)])
    for n, result in zip((2, 8), results, strict=True):
        assert not result["ok"] and "deep iterations" in result["error"]
        with pytest.raises(jsonld.BudgetExceeded):
            jsonld.canonize(clique(n))


def test_malformed_language_tags_are_refused_by_both():
    doc = _credential(name={"@value": "x", "@language": "en_US"})
    [result] = nodeverifier.canon_sign([{"op": "canonize", "doc": doc}])
    assert not result["ok"] and "Safe mode" in result["error"]
    with pytest.raises(Exception, match="language tag"):
        dataintegrity.sign(doc, KEY, VM)


def test_n_degree_hashing_within_the_limit_agrees():
    """Blank nodes that share a first-degree hash but need no more N-Degree runs than
    there are such nodes: both canonicalise them, to the same bytes."""
    twins = _credential()
    twins["evidence"] = [{"type": ["Evidence"], "name": "Same"}, {"type": ["Evidence"], "name": "Same"}]
    pair = _credential()
    pair["credentialSubject"]["result"] = [
        {"type": ["Result"], "value": "A", "resultDescription": "urn:x:rd"},
        {"type": ["Result"], "value": "A", "resultDescription": "urn:x:rd"},
    ]
    docs = [twins, pair]
    results = nodeverifier.canon_sign([{"op": "canonize", "doc": d} for d in docs])
    for doc, result in zip(docs, results, strict=True):
        assert result["ok"], result
        assert jsonld.canonize(doc) == result["nquads"]
