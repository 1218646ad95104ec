"""The independent Node.js verifier proves itself on published vectors and on its own fixtures.

No Django app is involved: these tests show that tests/interop/verify.mjs accepts the W3C
and 1EdTech eddsa-rdfc-2022 test vectors, rejects tampered copies, resolves did:web and
did:key, reads Bitstring Status Lists, runs JSON-LD in safe mode, verifies OB 2.0 signed
and hosted assertions and unbakes PNG/SVG, all offline.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from . import nodeverifier

pytestmark = pytest.mark.interop

FIXTURES = Path(__file__).resolve().parent / "fixtures"
W3C_SIGNED = FIXTURES / "w3c-eddsa-rdfc-2022-signed.json"
OB3_1EDTECH = FIXTURES / "1edtech-ob3-signed-credential.json"
EXAMPLES_CONTEXT_URL = "https://www.w3.org/ns/credentials/examples/v2"
W3C_DOCS = {EXAMPLES_CONTEXT_URL: FIXTURES / "credentials-examples-v2.json"}
ISSUER_1EDTECH = "https://example.edu/issuers/565049"
OB3_DOCS = {ISSUER_1EDTECH: FIXTURES / "1edtech-issuer-565049-controller.json"}


@pytest.fixture(scope="module", autouse=True)
def _node_ready():
    nodeverifier.ensure_node_modules()


def _write(tmp_path: Path, name: str, doc) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def _flip_proof_char(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    value = doc["proof"]["proofValue"]
    i = len(value) // 2
    doc["proof"]["proofValue"] = value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1 :]
    return doc


# --------------------------------------------------------------- W3C vector


def test_w3c_vector_verifies():
    [r] = nodeverifier.verify([{"kind": "vc", "path": W3C_SIGNED, "check_issuer": False}], W3C_DOCS)
    assert r["verified"], r["errors"]


def test_w3c_vector_issuer_is_not_the_signer():
    """The W3C vector is signed by a did:key but names https://vc.example/issuers/5678 as
    issuer, so @digitalbazaar/vc's issuance purpose (controller == issuer) rejects it."""
    [r] = nodeverifier.verify([{"kind": "vc", "path": W3C_SIGNED}], W3C_DOCS)
    assert not r["verified"]
    assert any("issuer must match the verification method controller" in e for e in r["errors"]), r["errors"]


@pytest.mark.parametrize("tamper", ["name", "proofValue"])
def test_w3c_vector_tampered_fails(tmp_path, tamper):
    doc = json.loads(W3C_SIGNED.read_text())
    if tamper == "name":
        doc["name"] = "Alumni Credential!"
    else:
        doc = _flip_proof_char(doc)
    [r] = nodeverifier.verify(
        [{"kind": "vc", "path": _write(tmp_path, "t.json", doc), "check_issuer": False}], W3C_DOCS
    )
    assert not r["verified"]
    assert r["errors"]


def test_w3c_vector_needs_its_context_offline():
    """Without the examples context mapped, the loader refuses to go to the network."""
    [r] = nodeverifier.verify([{"kind": "vc", "path": W3C_SIGNED, "check_issuer": False}], {})
    assert not r["verified"]
    assert any("network access is disabled" in e for e in r["errors"]), r["errors"]


# ------------------------------------------------------------ 1EdTech vector


def test_1edtech_ob3_vector_verifies_with_url_issuer():
    """The issuer is an https URL; its controller document (built from the vector's key)
    lists the Multikey under assertionMethod, and the vc library accepts it."""
    [r] = nodeverifier.verify([{"kind": "ob3", "path": OB3_1EDTECH}], OB3_DOCS)
    assert r["verified"], r["errors"]
    assert r["revoked"] is False


@pytest.mark.parametrize("tamper", ["name", "proofValue", "achievement"])
def test_1edtech_ob3_vector_tampered_fails(tmp_path, tamper):
    doc = json.loads(OB3_1EDTECH.read_text())
    if tamper == "name":
        doc["name"] = "Teamwork Badge 2"
    elif tamper == "achievement":
        doc["credentialSubject"]["achievement"]["name"] = "Leadership"
    else:
        doc = _flip_proof_char(doc)
    [r] = nodeverifier.verify([{"kind": "ob3", "path": _write(tmp_path, "t.json", doc)}], OB3_DOCS)
    assert not r["verified"]
    assert r["errors"]


def test_1edtech_ob3_vector_without_controller_document_fails():
    [r] = nodeverifier.verify([{"kind": "ob3", "path": OB3_1EDTECH}], {})
    assert not r["verified"]
    assert any(ISSUER_1EDTECH in e for e in r["errors"]), r["errors"]


def test_key_not_authorised_for_assertion_fails(tmp_path):
    controller = json.loads((FIXTURES / "1edtech-issuer-565049-controller.json").read_text())
    controller["assertionMethod"] = []
    path = _write(tmp_path, "controller.json", controller)
    [r] = nodeverifier.verify([{"kind": "ob3", "path": OB3_1EDTECH}], {ISSUER_1EDTECH: path})
    assert not r["verified"]
    assert any("not authorized" in e for e in r["errors"]), r["errors"]


def test_safe_mode_rejects_undefined_term(tmp_path):
    """An undefined term added inside the achievement would be silently dropped by a JSON-LD
    processor outside safe mode (leaving the signature valid); safe mode rejects it."""
    doc = json.loads(OB3_1EDTECH.read_text())
    doc["credentialSubject"]["achievement"]["notAnObTerm"] = "x"
    [r] = nodeverifier.verify([{"kind": "ob3", "path": _write(tmp_path, "t.json", doc)}], OB3_DOCS)
    assert not r["verified"]
    assert any("Safe mode validation error" in e and "notAnObTerm" in e for e in r["errors"]), r["errors"]


def test_response_reports_versions_and_repo_contexts():
    resp = nodeverifier.verify_raw([{"kind": "ob3", "path": OB3_1EDTECH}], OB3_DOCS)
    assert resp["versions"]["@digitalbazaar/vc"] == "7.3.0"
    assert Path(resp["contextsDir"]) == nodeverifier.CONTEXTS_DIR
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in resp["contexts"]


# ------------------------------------------- harness self-test (JS-signed fixtures)


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    return nodeverifier.make_fixtures(tmp_path_factory.mktemp("interop-fixtures"))


def _one(fx, item):
    [r] = nodeverifier.verify([item], fx["documents"])
    return r


def test_did_web_with_active_status(fx):
    r = _one(fx, {"kind": "ob3", "path": fx["files"]["ob3-web-active.json"]})
    assert r["verified"], r["errors"]
    assert r["revoked"] is False


def test_did_web_with_revoked_status(fx):
    r = _one(fx, {"kind": "ob3", "path": fx["files"]["ob3-web-revoked.json"]})
    assert r["verified"], r["errors"]
    assert r["revoked"] is True


def test_status_list_shorter_than_spec_minimum_fails(fx):
    r = _one(fx, {"kind": "ob3", "path": fx["files"]["ob3-web-small-list.json"]})
    assert not r["verified"]
    assert any("131072" in e for e in r["errors"]), r["errors"]


def test_status_list_credential_itself(fx):
    r = _one(fx, {"kind": "ob3-status-list", "path": fx["files"]["status-list.json"], "index": 5})
    assert r["verified"], r["errors"]
    assert r["bits"] == 131072 and r["status"] is True


def test_missing_status_list_document_fails(fx):
    docs = {k: v for k, v in fx["documents"].items() if not k.endswith("/status/1")}
    [r] = nodeverifier.verify([{"kind": "ob3", "path": fx["files"]["ob3-web-active.json"]}], docs)
    assert not r["verified"]
    assert r["revoked"] is None


def test_did_web_document_with_wrong_id_fails(fx, tmp_path):
    did_doc = json.loads(Path(fx["files"]["did.json"]).read_text())
    did_doc["id"] = "did:web:elsewhere.example"
    docs = dict(fx["documents"])
    docs["https://badges.example.org:8443/issuer/did.json"] = str(_write(tmp_path, "did.json", did_doc))
    [r] = nodeverifier.verify([{"kind": "ob3", "path": fx["files"]["ob3-web-active.json"]}], docs)
    assert not r["verified"]
    assert any("expected" in e for e in r["errors"]), r["errors"]


def test_did_key_and_recipient(fx):
    path = fx["files"]["ob3-didkey.json"]
    good, bad = nodeverifier.verify(
        [
            {"kind": "ob3", "path": path, "recipient_email": "learner@example.org"},
            {"kind": "ob3", "path": path, "recipient_email": "someone@example.org"},
        ],
        fx["documents"],
    )
    assert good["verified"], good["errors"]
    assert not bad["verified"]


def test_did_key_undefined_term_rejected(fx):
    r = _one(fx, {"kind": "ob3", "path": fx["files"]["ob3-didkey-undefined-term.json"]})
    assert not r["verified"]
    assert any("Safe mode" in e for e in r["errors"]), r["errors"]


@pytest.mark.parametrize("name,kind", [("ob3-baked.png", "ob3-png"), ("ob3-baked.svg", "ob3-svg")])
def test_baked_ob3(fx, name, kind):
    r = _one(fx, {"kind": kind, "path": fx["files"][name]})
    assert r["verified"], r["errors"]


def test_baked_png_with_bad_crc_fails(fx, tmp_path):
    data = bytearray(Path(fx["files"]["ob3-baked.png"]).read_bytes())
    i = data.find(b"iTXt") + 40
    data[i] ^= 0x01
    path = tmp_path / "bad.png"
    path.write_bytes(bytes(data))
    r = _one(fx, {"kind": "ob3-png", "path": path})
    assert not r["verified"]


@pytest.mark.parametrize(
    "name,kind,revoked",
    [
        ("ob2-signed.jws", "ob2-jws", False),
        ("ob2-signed-revoked.jws", "ob2-jws", True),
        ("ob2-signed.png", "ob2-png", False),
        ("ob2-signed.svg", "ob2-svg", False),
        ("ob2-hosted.json", "ob2-hosted", False),
        ("ob2-hosted-gone.json", "ob2-hosted", True),
        ("ob2-hosted.svg", "ob2-svg", False),
    ],
)
def test_ob2(fx, name, kind, revoked):
    r = _one(fx, {"kind": kind, "path": fx["files"][name], "recipient_email": "learner@example.org"})
    assert r["verified"], r["errors"]
    assert r["revoked"] is revoked


def test_ob2_tampered_jws_fails(fx, tmp_path):
    header, payload, sig = Path(fx["files"]["ob2-signed.jws"]).read_text().strip().split(".")
    sig = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    r = _one(fx, {"kind": "ob2-jws", "path": _write(tmp_path, "t.jws", f"{header}.{payload}.{sig}")})
    assert not r["verified"]
    assert any("signature" in e.lower() for e in r["errors"]), r["errors"]


def test_ob2_key_owner_must_be_issuer(fx, tmp_path):
    key = json.loads(Path(fx["files"]["ob2-key.json"]).read_text())
    key["owner"] = "https://badges.example.org/ob2/someone-else"
    docs = dict(fx["documents"])
    docs[key["id"]] = str(_write(tmp_path, "key.json", key))
    [r] = nodeverifier.verify([{"kind": "ob2-jws", "path": fx["files"]["ob2-signed.jws"]}], docs)
    assert not r["verified"]
    assert any("owner" in e for e in r["errors"]), r["errors"]


def test_ob2_hosted_on_foreign_origin_fails(fx):
    r = _one(fx, {"kind": "ob2-hosted", "path": fx["files"]["ob2-hosted-foreign.json"]})
    assert not r["verified"]
    assert any("origin" in e for e in r["errors"]), r["errors"]


def test_bad_request_is_a_harness_error():
    with pytest.raises(nodeverifier.NodeVerifierError):
        nodeverifier.verify([{"kind": "nonsense", "path": "x"}], {})


def test_missing_input_file_is_a_harness_error(tmp_path):
    with pytest.raises(nodeverifier.NodeVerifierError, match="not found"):
        nodeverifier.verify([{"kind": "ob3", "path": tmp_path / "absent.json"}], {})
