"""Open Badges 3.0 credentials signed by the Python engine pass the independent Node.js verifier.

Uses only ``openedx_plugin.engine`` (no Django): eddsa-rdfc-2022 proofs, did:web and
did:key issuers, a signed BitstringStatusListCredential, and PNG/SVG baking. The Node side
is Digital Bazaar's stack in JSON-LD safe mode, offline.
"""

from __future__ import annotations

import json
import struct
import zlib

import pytest

from openedx_plugin.engine import baking, dataintegrity, dids, keys, ob3, statuslist  # noqa: E402

from . import nodeverifier

pytestmark = pytest.mark.interop

EMAIL = "Learner@Example.com"
BASE = "https://lms.example.com:8443/badges"
LIST_URL = f"{BASE}/status/1"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + chunk(b"IEND", b"")
    )


def _credential(issuer_id: str, cred_id: str, status=None) -> dict:
    achievement = ob3.build_achievement(
        f"{BASE}/achievements/data-wrangler",
        "Data Wrangler",
        "Cleans messy data.",
        criteria_narrative="Score 80% or more on the final project.",
        achievement_type="Competency",
        alignment=[
            ob3.build_alignment(
                "Data cleaning",
                "https://skills.example/dc",
                target_code="DC1",
                target_framework="Example Skills",
            )
        ],
        tag=["data"],
    )
    return ob3.build_credential(
        cred_id,
        ob3.build_profile(issuer_id, "Test Academy", "https://lms.example.com", email="badges@lms.example.com"),
        achievement,
        recipient_identity=ob3.hashed_email_identity(EMAIL, "s4lt"),
        valid_from="2026-01-05T10:00:00Z",
        awarded_date="2026-01-05T10:00:00Z",
        name="Data Wrangler",
        description="Awarded for course-v1:TestX+DW101+2026.",
        evidence=[ob3.build_evidence(name="Final project", narrative="Scored 91%.")],
        results=[ob3.build_result(value="91", status="Completed")],
        credential_status=status,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    nodeverifier.ensure_node_modules()
    d = tmp_path_factory.mktemp("engine-ob3")
    key = keys.ed25519_from_seed(bytes(range(32)))
    did = dids.did_web(BASE)
    vm = f"{did}#key-1"
    did_doc = dids.did_web_document(did, [("key-1", key.public_key())])

    bits = statuslist.BitstringStatusList()
    bits.set(7)
    status_list = dataintegrity.sign(
        statuslist.build_status_list_credential(LIST_URL, did, bits.encode(), "2026-01-01T00:00:00Z"),
        key,
        vm,
        created="2026-01-01T00:00:00Z",
    )
    active = dataintegrity.sign(
        _credential(did, "urn:uuid:11111111-1111-4111-8111-111111111111", statuslist.status_entry(LIST_URL, 3)),
        key,
        vm,
    )
    revoked = dataintegrity.sign(
        _credential(did, "urn:uuid:22222222-2222-4222-8222-222222222222", statuslist.status_entry(LIST_URL, 7)),
        key,
        vm,
    )
    did_key_cred = dataintegrity.sign(
        _credential(keys.did_key(key), "urn:uuid:33333333-3333-4333-8333-333333333333"),
        key,
        keys.did_key_verification_method(key),
    )
    files = {
        "did.json": did_doc,
        "status-list.json": status_list,
        "active.json": active,
        "revoked.json": revoked,
        "didkey.json": did_key_cred,
    }
    paths = {}
    for name, doc in files.items():
        paths[name] = d / name
        paths[name].write_text(json.dumps(doc, indent=2))
    payload = json.dumps(active)
    paths["active.png"] = d / "active.png"
    paths["active.png"].write_bytes(baking.bake_png(_png(), payload, version="ob3"))
    paths["active.svg"] = d / "active.svg"
    paths["active.svg"].write_text(baking.bake_svg(SVG, payload, version="ob3"))
    documents = {dids.did_web_url(did): paths["did.json"], LIST_URL: paths["status-list.json"]}
    return {"paths": paths, "documents": documents, "did": did}


def test_did_web_document_location(world):
    assert world["did"] == "did:web:lms.example.com%3A8443:badges"
    assert set(world["documents"]) == {"https://lms.example.com:8443/badges/did.json", LIST_URL}


@pytest.mark.parametrize(
    "name,kind,revoked",
    [
        ("active.json", "ob3", False),
        ("revoked.json", "ob3", True),
        ("didkey.json", "ob3", False),
        ("active.png", "ob3-png", False),
        ("active.svg", "ob3-svg", False),
    ],
)
def test_engine_ob3_verifies_in_node(world, name, kind, revoked):
    [r] = nodeverifier.verify(
        [{"kind": kind, "path": world["paths"][name], "recipient_email": EMAIL.strip().lower()}],
        world["documents"],
    )
    assert r["verified"], r["errors"]
    assert r["revoked"] is revoked


def test_engine_status_list_verifies_in_node(world):
    [r] = nodeverifier.verify(
        [{"kind": "ob3-status-list", "path": world["paths"]["status-list.json"], "index": 7}], world["documents"]
    )
    assert r["verified"], r["errors"]
    assert r["bits"] >= 131072 and r["status"] is True


def test_engine_credential_tampered_fails_in_node(world, tmp_path):
    doc = json.loads(world["paths"]["active.json"].read_text())
    doc["credentialSubject"]["result"][0]["value"] = "99"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))
    [r] = nodeverifier.verify([{"kind": "ob3", "path": path}], world["documents"])
    assert not r["verified"]
