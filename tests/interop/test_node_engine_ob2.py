"""Open Badges 2.0 documents made by the Python engine pass the independent Node.js verifier.

Uses only ``openedx_plugin.engine`` (no Django): signed (RS256 JWS) and hosted assertions,
a revocation list, and PNG/SVG baking.
"""

from __future__ import annotations

import json
import struct
import zlib

import pytest
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from openedx_plugin.engine import (
    baking,  # noqa: E402
    ob2,  # noqa: E402
)

from . import nodeverifier

pytestmark = pytest.mark.interop

BASE = "https://lms.example.com/badges"
EMAIL = "Learner@Example.com"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + chunk(b"IEND", b"")
    )


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    nodeverifier.ensure_node_modules()
    d = tmp_path_factory.mktemp("engine-ob2")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    issuer_id, key_id = f"{BASE}/issuer", f"{BASE}/issuer/key"
    rl_id, badge_id = f"{BASE}/issuer/revocations", f"{BASE}/class/1"
    revoked_id = "urn:uuid:6a1c5e0e-0000-4000-8000-00000000dead"
    docs = {
        issuer_id: ob2.build_issuer(
            issuer_id,
            "Test Academy",
            "https://lms.example.com",
            "badges@lms.example.com",
            public_keys=[key_id],
            revocation_list=rl_id,
        ),
        key_id: ob2.build_crypto_key(key_id, issuer_id, pem),
        badge_id: ob2.build_badge_class(
            badge_id,
            "Data Wrangler",
            "Cleans data.",
            f"{BASE}/class/1.png",
            issuer_id=issuer_id,
            criteria_narrative="Score 80%.",
        ),
        rl_id: ob2.build_revocation_list(rl_id, issuer_id, [(revoked_id, "Issued in error")]),
    }
    recipient = ob2.hashed_email_recipient(EMAIL, "s4lt")

    def signed(assertion_id):
        a = ob2.build_assertion(
            assertion_id,
            recipient,
            badge_id,
            "2026-01-05T10:00:00Z",
            verification={"type": "signed", "creator": key_id},
        )
        return ob2.sign_assertion(a, private)

    hosted_id = f"{BASE}/assertions/42"
    hosted = ob2.build_assertion(
        hosted_id, recipient, badge_id, "2026-01-05T10:00:00Z", verification={"type": "hosted"}
    )
    docs[hosted_id] = hosted
    files = {}
    for url, doc in docs.items():
        p = d / (url.rsplit("/", 1)[-1] + ".json")
        p.write_text(json.dumps(doc))
        files[url] = p
    jws = signed("urn:uuid:6a1c5e0e-0000-4000-8000-000000000001")
    out = {
        "signed.jws": jws,
        "revoked.jws": signed(revoked_id),
        "signed.png": baking.bake_png(_png(), jws, version="ob2"),
        "signed.svg": baking.bake_svg(SVG, jws, version="ob2"),
        "hosted.json": json.dumps(hosted),
        "hosted.png": baking.bake_png(_png(), json.dumps(hosted), version="ob2"),
        "hosted.svg": baking.bake_svg(SVG, json.dumps(hosted), version="ob2"),
    }
    paths = {}
    for name, data in out.items():
        p = d / name
        (p.write_bytes if isinstance(data, bytes) else p.write_text)(data)
        paths[name] = p
    return {"paths": paths, "documents": files}


@pytest.mark.parametrize(
    "name,kind,revoked",
    [
        ("signed.jws", "ob2-jws", False),
        ("revoked.jws", "ob2-jws", True),
        ("signed.png", "ob2-png", False),
        ("signed.svg", "ob2-svg", False),
        ("hosted.json", "ob2-hosted", False),
        ("hosted.png", "ob2-png", False),
        ("hosted.svg", "ob2-svg", False),
    ],
)
def test_engine_ob2_verifies_in_node(world, name, kind, revoked):
    [r] = nodeverifier.verify(
        [{"kind": kind, "path": world["paths"][name], "recipient_email": EMAIL.strip().lower()}], world["documents"]
    )
    assert r["verified"], r["errors"]
    assert r["revoked"] is revoked
