"""
Issue 21: the static verification bundle keeps credentials verifiable with the LMS gone.

The bundle is exported, then served by ``persistence/static_server.py`` in its own process
(no Django, no database: the LMS is not running anywhere), at the issuers' own origin on a
loopback port. Everything the independent Node verifier reads is fetched over HTTP from
that server alone; it accepts the credentials, including one signed by a retired key, and
sees the revocation made before the export.
"""

import json

import pytest
from django.core.management import call_command

from openedx_plugin.awards import awarding
from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import SigningKey

from . import nodeverifier, statichttp

pytestmark = [pytest.mark.interop, pytest.mark.django_db]


@pytest.fixture
def site(django_user_model):
    port = statichttp.free_port()
    base = f"http://127.0.0.1:{port}"
    issuer = issuing.create_issuer("Bundle Academy", f"{base}/", "badges@bundle.example",
                                   public_base_url=base, is_default=True)
    badge = issuing.create_badge_class(issuer, "Persistent", "Outlives its LMS.", criteria_narrative="Be kept.")
    users = [django_user_model.objects.create_user(name, f"{name}@example.com", "pw")
             for name in ("early", "later", "revoked")]
    early = issuing.award_badge(badge, users[0])[0]
    issuing.rotate_key(issuer, SigningKey.ED25519)  # the early credential's key is retired, still published
    issuing.rotate_key(issuer, SigningKey.RSA)
    later = issuing.award_badge(badge, users[1])[0]
    revoked = awarding.revoke(issuing.award_badge(badge, users[2])[0], "Awarded in error.")
    return {"port": port, "base": base, "issuer": issuer, "badge": badge,
            "early": early, "later": later, "revoked": revoked}


def _node(credentials, tmp_path):
    items, documents = [], {}
    for name, credential in credentials.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(credential), encoding="utf-8")
        items.append({"kind": "ob3", "path": str(path)})
        fetched, _ = statichttp.ob3_documents(credential)
        documents.update(fetched)
    return dict(zip(credentials, nodeverifier.verify(items, documents), strict=True))


def test_bundle_served_statically_verifies_with_the_lms_stopped(site, tmp_path):
    nodeverifier.ensure_node_modules()
    out = tmp_path / "bundle"
    call_command("badges_export_bundle", "--out", str(out))
    index = json.loads((out / "index.json").read_text())
    assert index["origin"] == site["base"] and (out / "README.md").is_file() and (out / "nginx.conf").is_file()

    with statichttp.serving(out, site["port"]) as base:
        credentials = {}
        for name in ("early", "later", "revoked"):
            status, media, credentials[name] = statichttp.get(public_urls.credential_url(site[name]))
            assert (status, media) == (200, "application/vc")
        _, media = statichttp.ob3_documents(credentials["early"])
        assert media[f"{base}/.well-known/did.json"] == "application/did+json"
        results = _node(credentials, tmp_path)

        # the 2.0 documents, through the same server: a revoked hosted assertion is 410 Gone
        assert statichttp.get(public_urls.assertion_url(site["revoked"]))[0] == 410
        status, media, assertion = statichttp.get(public_urls.assertion_url(site["later"]))
        assert (status, media) == (200, "application/ld+json")
        for url in (assertion["badge"], public_urls.issuer_url(site["issuer"]),
                    public_urls.revocation_list_url(site["issuer"])):
            assert statichttp.get(url)[:2] == (200, "application/ld+json"), url
        status, media, _ = statichttp.get(f"{base}/badges/v1/no-such-thing")
        assert status == 404

    for name in ("early", "later"):
        assert results[name]["verified"], results[name]["errors"]
        assert results[name]["revoked"] is False
    assert results["revoked"]["revoked"] is True
    did_doc = json.loads((out / ".well-known" / "did.json").read_text())
    assert len(did_doc["assertionMethod"]) == 2  # the retired key stays published


def test_a_refresh_carries_a_later_revocation_and_drops_nothing_else(site, tmp_path):
    nodeverifier.ensure_node_modules()
    out = tmp_path / "bundle"
    call_command("badges_export_bundle", "--out", str(out))
    before = json.loads((out / "index.json").read_text())["documents"]
    awarding.revoke(site["later"], "Found to be plagiarised.")
    call_command("badges_export_bundle", "--out", str(out))
    after = json.loads((out / "index.json").read_text())["documents"]
    assert set(before) == set(after)
    assert after[public_urls.assertion_url(site["later"])]["status"] == 410
    with statichttp.serving(out, site["port"]):
        credential = statichttp.get(public_urls.credential_url(site["later"]))[2]
        results = _node({"later": credential}, tmp_path)
    assert results["later"]["revoked"] is True
