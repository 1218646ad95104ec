"""
Everything ``badges_sample`` writes is accepted by the independent Node.js verifier,
and rejected once tampered; the revoked credential is reported revoked.

The documents are made by the real award path (the management command) and served
to the verifier from the command's own URL index, as a web server would serve them.
"""

import json

import pytest
from django.core.management import call_command

from . import nodeverifier

pytestmark = [pytest.mark.interop, pytest.mark.django_db]
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def sample(tmp_path):
    out = tmp_path / "sample"
    call_command("badges_sample", out=str(out), base_url=BASE)
    index = json.loads((out / "index.json").read_text())
    documents = {url: str(out / name) for url, name in index["documents"].items()}
    # The revoked hosted assertion answers 410 Gone, as the view does.
    revoked_assertion = json.loads((out / "ob2-assertion-revoked.json").read_text())
    documents[revoked_assertion["id"]] = {"status": 410}
    return out, documents


def verify(out, documents, items):
    results = nodeverifier.verify([{"kind": kind, "path": str(out / name)} for kind, name in items], documents)
    return {name: result for (_, name), result in zip(items, results, strict=True)}


ACCEPTED = [
    ("ob3", "ob3.json"),
    ("ob3-status-list", "status-list.json"),
    ("ob2-jws", "ob2-signed.jws"),
    ("ob2-hosted", "ob2-assertion.json"),
    ("ob3-png", "badge-ob3.png"),
    ("ob3-svg", "badge-ob3.svg"),
    ("ob2-png", "badge-ob2.png"),
    ("ob2-svg", "badge-ob2.svg"),
]


def test_every_sample_file_verifies(sample):
    out, documents = sample
    results = verify(out, documents, ACCEPTED)
    for name, result in results.items():
        assert result["verified"], (name, result["errors"])
        assert not result["revoked"], name


def test_revoked_credential_reported_revoked(sample):
    out, documents = sample
    result = verify(out, documents, [("ob3", "ob3-revoked.json")])["ob3-revoked.json"]
    # the signature still holds (nothing was altered); the status list says revoked
    assert result["revoked"] is True, result
    hosted = verify(out, documents, [("ob2-hosted", "ob2-assertion-revoked.json")])["ob2-assertion-revoked.json"]
    assert hosted["revoked"] is True, hosted


def _tamper_json(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_tampered_copies_fail(sample):
    out, documents = sample
    _tamper_json(out / "ob3.json", lambda d: d["credentialSubject"]["achievement"].update(name="Forged"))
    _tamper_json(out / "status-list.json", lambda d: d.update(validFrom="2020-01-01T00:00:00Z"))
    jws = (out / "ob2-signed.jws").read_text().strip().split(".")
    payload = json.loads(__import__("base64").urlsafe_b64decode(jws[1] + "=" * (-len(jws[1]) % 4)))
    payload["issuedOn"] = "2001-01-01T00:00:00Z"
    forged = __import__("base64").urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    (out / "ob2-signed.jws").write_text(".".join([jws[0], forged, jws[2]]))
    png = bytearray((out / "badge-ob3.png").read_bytes())
    marker = png.find(b"Python Data Analysis")
    png[marker] = ord("Q")  # edits the baked credential (the chunk CRC then fails too)
    (out / "badge-ob3.png").write_bytes(bytes(png))
    svg = (out / "badge-ob3.svg").read_text().replace("Python Data Analysis", "Python Data Forgery", 1)
    (out / "badge-ob3.svg").write_text(svg)
    results = verify(out, documents, [("ob3", "ob3.json"), ("ob2-jws", "ob2-signed.jws"),
                                      ("ob3-png", "badge-ob3.png"), ("ob3-svg", "badge-ob3.svg")])
    for name, result in results.items():
        assert not result["verified"], name
        assert result["errors"], name
    # a status list whose proof no longer matches is not trusted: the credential fails its status check
    status = verify(out, documents, [("ob3-status-list", "status-list.json")])["status-list.json"]
    assert not status["verified"]
