"""Shared fixtures for the engine tests: vector files (restated under vectors/) and a
small signed Open Badge with did:key and did:web issuers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openedx_plugin.engine import dataintegrity, dids, jsonld, keys, ob3, statuslist

VECTORS = Path(__file__).parent / "vectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def read_text(rel: str) -> str:
    return (VECTORS / rel).read_text(encoding="utf-8")


def read_json(rel: str):
    return json.loads(read_text(rel))


@pytest.fixture(scope="session")
def examples_loader():
    """Loader with the W3C examples context, which only the test vectors use."""
    return jsonld.make_document_loader({EXAMPLES_V2: read_json("examples-v2-context.json")})


@pytest.fixture(scope="session")
def issuer_key():
    return keys.ed25519_from_seed(bytes(range(32)))


NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def make_credential(issuer_id: str, *, name: str = "Python Basics", **overrides) -> dict:
    profile = ob3.build_profile(issuer_id, "Example University", "https://example.edu", email="badges@example.edu")
    achievement = ob3.build_achievement(
        "https://lms.example.edu/badges/python-basics",
        name,
        "Completed the Python Basics course.",
        criteria_narrative="Pass every graded unit.",
        achievement_type="Course",
    )
    kwargs = dict(
        recipient_identity=ob3.hashed_email_identity("learner@example.com", "s4lt"),
        valid_from="2025-01-01T00:00:00Z",
        name=name,
    )
    kwargs.update(overrides)
    return ob3.build_credential("urn:uuid:9a1c2b3d-0000-4000-8000-000000000001", profile, achievement, **kwargs)


class DidWebWorld:
    """An issuer on did:web with one rotated and one current key, plus its status list."""

    did = "did:web:lms.example.edu"
    list_url = "https://lms.example.edu/status/1"

    def __init__(self):
        self.old_key = keys.ed25519_from_seed(b"\x01" * 32)
        self.key = keys.ed25519_from_seed(b"\x02" * 32)
        self.did_document = dids.did_web_document(
            self.did, keys=[("key-1", self.old_key.public_key()), ("key-2", self.key.public_key())]
        )
        self.bits = statuslist.BitstringStatusList()
        self.status_list = None
        self.publish()

    @property
    def vm(self) -> str:
        return f"{self.did}#key-2"

    def publish(self):
        unsigned = statuslist.build_status_list_credential(
            self.list_url, self.did, self.bits.encode(), "2025-01-01T00:00:00Z"
        )
        self.status_list = dataintegrity.sign(unsigned, self.key, self.vm, created="2025-01-01T00:00:00Z")

    def resolve_did(self, did):
        return self.did_document if did == self.did else None

    def fetch_status_list(self, url):
        return self.status_list if url == self.list_url else None

    def issue(self, index: int = 7, **overrides) -> dict:
        overrides.setdefault("credential_status", statuslist.status_entry(self.list_url, index))
        cred = make_credential(self.did, **overrides)
        return dataintegrity.sign(cred, self.key, self.vm, created="2025-01-01T00:00:00Z")


@pytest.fixture
def world():
    return DidWebWorld()
