"""Canonicalising input we did not produce runs under a budget (issue 17, finding 1).

RDFC-1.0 (W3C Recommendation, section 4.4 and the "Dataset Poisoning" security
consideration): the Hash N-Degree Quads algorithm is exponential in the number of blank
nodes that share a first-degree hash, so an implementation "should" bound it and fail
instead. A 1.9 KB presentation with eight blank nodes that all reference each other
cost about 60 s of CPU in pyld. Under ``jsonld.UNTRUSTED`` (the default of every
verification path) the same document is refused in a few milliseconds with an
``EngineError`` (``BudgetExceeded``), and ``dataintegrity.verify`` reports it as a
``VerificationError`` before any signature work.

Printed figures (``-s``): CPU time of each refusal, measured with ``time.process_time``.
"""

from __future__ import annotations

import json
import time

import pytest

from openedx_plugin.engine import dataintegrity, jsonld, keys, rdfc
from openedx_plugin.engine.errors import EngineError, VerificationError

from .conftest import make_credential

HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
TERMS = {"extra": "https://example.org/#extra", "knows": "https://example.org/#knows"}


def clique(n: int) -> dict:
    """A DID-Auth-like presentation whose extra property holds n blank nodes that all
    reference each other: every node has the same first-degree hash."""
    nodes = [{"id": f"_:n{i}", "knows": [{"id": f"_:n{j}"} for j in range(n) if j != i]} for i in range(n)]
    return {
        "@context": [jsonld.VC_V2, TERMS],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER,
        "extra": nodes,
    }


def cpu(fn):
    """(result or raised exception, CPU seconds) of ``fn()``."""
    start = time.process_time()
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - returned to the test to check its type
        result = exc
    return result, time.process_time() - start


def test_the_pathological_document_is_refused_fast():
    doc = clique(8)
    size = len(json.dumps(doc))
    assert size < 2200  # the 1.9 KB class of issue 17
    refused, seconds = cpu(lambda: jsonld.canonize(doc))
    assert isinstance(refused, jsonld.BudgetExceeded), refused
    assert isinstance(refused, EngineError)
    print(f"\n8 mutually-referencing blank nodes ({size} bytes): refused in {seconds * 1000:.2f} ms CPU")
    assert seconds < 1.0  # generous; measured 5 to 10 ms


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12])
def test_verification_refuses_poisoned_documents_before_the_signature(n):
    """A signed-looking document: ``verify`` must refuse it without the minute of CPU."""
    doc = {
        "@context": [jsonld.VC_V2, TERMS],
        "type": ["VerifiableCredential"],
        "issuer": HOLDER,
        "credentialSubject": {"extra": clique(n)["extra"]},
    }
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "verificationMethod": HOLDER + "#" + HOLDER.rsplit(":", maxsplit=1)[-1],
        "proofValue": keys.multibase_encode(bytes(64)),
    }

    def resolve(vm):
        return keys.ed25519_from_seed(bytes(32)).public_key(), HOLDER

    refused, seconds = cpu(lambda: dataintegrity.verify(doc, resolve))
    assert isinstance(refused, VerificationError), refused
    assert "budget" in str(refused)
    print(f"\nverify, {n}-node clique: refused in {seconds * 1000:.2f} ms CPU")
    assert seconds < 1.0


def test_the_public_option_applies_to_canonical_document():
    """For callers with their own proof logic (the DID-Auth presentation verifier)."""
    with pytest.raises(jsonld.BudgetExceeded):
        dataintegrity.canonical_document(clique(8))  # default: UNTRUSTED
    with pytest.raises(jsonld.BudgetExceeded):
        dataintegrity.canonical_proof_config(clique(8), budget=jsonld.UNTRUSTED)
    # our own documents (signing) may opt out; a small clique is then canonicalised
    assert "_:c14n2" in dataintegrity.canonical_document(clique(3), budget=None)


def test_size_limits_are_checked_before_expansion():
    tight = jsonld.Budget(max_json_values=50)
    wide = {"@context": [jsonld.VC_V2, TERMS], "extra": [{"knows": f"v{i}"} for i in range(100)]}
    refused, seconds = cpu(lambda: jsonld.canonize(wide, budget=tight))
    assert isinstance(refused, jsonld.BudgetExceeded) and "JSON values" in str(refused)

    deep: dict = {"knows": "leaf"}
    for _ in range(10_000):  # deeper than Python's recursion limit
        deep = {"knows": deep}
    refused, seconds = cpu(lambda: jsonld.canonize({"@context": [jsonld.VC_V2, TERMS], "extra": deep}))
    assert isinstance(refused, jsonld.BudgetExceeded) and "nested" in str(refused)
    print(f"\n10,000-deep document: refused in {seconds * 1000:.2f} ms CPU")


def test_quad_and_blank_node_limits():
    many = {"@context": [jsonld.VC_V2, TERMS], "extra": [{"knows": f"value {i}"} for i in range(80)]}
    with pytest.raises(jsonld.BudgetExceeded, match="blank nodes"):
        jsonld.canonize(many, budget=jsonld.Budget(max_blank_nodes=50))
    with pytest.raises(jsonld.BudgetExceeded, match="RDF statements"):
        jsonld.canonize(many, budget=jsonld.Budget(max_quads=100))
    # within the default budget the result is the unbudgeted one
    assert jsonld.canonize(many) == jsonld.canonize(many, budget=None)


def test_cpu_limit_is_a_backstop():
    big = {"@context": [jsonld.VC_V2, TERMS], "extra": [{"knows": f"value {i}"} for i in range(150)]}
    with pytest.raises(jsonld.BudgetExceeded, match="CPU"):
        jsonld.canonize(big, budget=jsonld.Budget(cpu_seconds=0.0))


def test_documents_that_need_n_degree_hashing_within_budget_still_canonicalise():
    """Two identical evidence entries share a first-degree hash: N-Degree hashing runs,
    once per node, which the budget allows (as rdf-canonize's default does)."""
    doc = {
        "@context": [jsonld.VC_V2, TERMS],
        "id": "urn:uuid:1",
        "extra": [{"knows": "same"}, {"knows": "same"}],
    }
    assert jsonld.canonize(doc) == jsonld.canonize(doc, budget=None)


def test_ordinary_credentials_fit_the_default_budget():
    credential = make_credential("did:web:lms.example.edu")
    assert dataintegrity.canonical_document(credential) == dataintegrity.canonical_document(credential, budget=None)


def test_budget_argument_is_checked():
    with pytest.raises(EngineError):
        jsonld.canonize(clique(2), budget="lots")
    assert isinstance(jsonld.UNTRUSTED, rdfc.Budget)


def _credential_around(subject, context=None) -> dict:
    return {
        "@context": context or [jsonld.VC_V2, TERMS],
        "type": ["VerifiableCredential"],
        "issuer": HOLDER,
        "credentialSubject": subject,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "verificationMethod": HOLDER + "#k",
            "proofValue": keys.multibase_encode(bytes(64)),
        },
    }


WORST = {
    # pyld adds each value of a property after comparing it with those before: quadratic
    "1450 strings in one list": {"extra": [f"v{i}" for i in range(1450)]},
    "480 nodes under one property": {"extra": [{"knows": f"v{i}"} for i in range(480)]},
    "ring of 97 alike blank nodes": {
        "extra": [{"id": f"_:n{i}", "knows": {"id": f"_:n{(i + 1) % 97}"}} for i in range(97)]
    },
    "chain of 96 blank nodes": {"extra": [{"id": f"_:n{i}", "knows": {"id": f"_:n{i + 1}"}} for i in range(96)]},
    "12-clique": {"extra": [{"id": f"_:n{i}", "knows": [{"id": f"_:n{j}"} for j in range(12) if j != i]}
                            for i in range(12)]},
    "@list of 1400": {"extra": {"@list": [f"v{i}" for i in range(1400)]}},
}


@pytest.mark.parametrize("name", list(WORST))
def test_worst_documents_we_could_build(name):
    """The figure of issue 17: each refusal (or failed signature) under the default budget."""
    doc = _credential_around(WORST[name])

    def resolve(vm):
        return keys.ed25519_from_seed(bytes(32)).public_key(), HOLDER

    dataintegrity.canonical_document(make_credential("did:web:lms.example.edu"))  # contexts processed once
    refused, seconds = cpu(lambda: dataintegrity.verify(doc, resolve))
    assert isinstance(refused, VerificationError), refused
    print(f"\n{name}: {seconds * 1000:.1f} ms CPU ({refused})")
    assert seconds < 1.0  # generous: measured 10 to 45 ms on a shared 2-core machine
