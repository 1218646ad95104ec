"""
Keys rotated again and again while two worker processes sign a cohort's awards:
every credential and every signed 2.0 assertion verifies with the key it names,
that key is published, and the independent verifier agrees.
"""

import json
import time

import pytest

from lms_standin.demo_course import COURSE_KEY
from openedx_plugin import api, tasks
from openedx_plugin.credentials import issuing, keystore, public_urls, verification
from openedx_plugin.engine import ob2
from openedx_plugin.models import Award, SigningKey
from tests.interop import nodeverifier

from .support import consumption_held, passing_learners, requires_mariadb
from .test_resilience import TRIGGER

pytestmark = [pytest.mark.integration, pytest.mark.interop, pytest.mark.django_db(transaction=True),
              requires_mariadb]

LEARNERS = 400
ROTATE_EVERY = 0.25  # seconds


def test_every_credential_signed_during_rotations_verifies(course, issuer, live, tmp_path, capsys):
    nodeverifier.ensure_node_modules()  # skips without Node (fails in CI)
    api.save_badge(COURSE_KEY, {"name": "Finisher", "description": "Passed the demo course.",
                                "criteria_narrative": "Pass the course."},
                   rule={"kind": "course_passed", "course": COURSE_KEY})
    learners = passing_learners(course, LEARNERS, "rotation")
    keystore.active_key(issuer, SigningKey.ED25519)
    keystore.active_key(issuer, SigningKey.RSA)
    with consumption_held(live.app, [live.worker]):
        for learner in learners:
            assert tasks.enqueue(learner.id, COURSE_KEY, TRIGGER)
    rotations = 0
    while Award.objects.count() < LEARNERS and rotations < 400:
        issuing.rotate_key(issuer, SigningKey.ED25519)
        issuing.rotate_key(issuer, SigningKey.RSA)
        rotations += 1
        time.sleep(ROTATE_EVERY)
    live.drain(timeout=120)

    awards = list(Award.objects.select_related("badge_class__issuer", "status_list", "suspension_list").order_by("id"))
    assert len(awards) == LEARNERS
    did_document = issuing.did_document(issuer)
    published = {method["id"] for method in did_document["verificationMethod"]}
    methods = {award.ob3_credential["proof"]["verificationMethod"] for award in awards}
    assert methods <= published, "every key that signed is published"
    assert len(methods) >= 3, f"the awards were signed across rotations ({len(methods)} keys used)"

    rsa_keys = {public_urls.key_url(issuer, key): key for key in issuer.keys.filter(kind=SigningKey.RSA)}
    creators = set()
    for award in awards:
        result = verification.verify_award(award)
        assert result.ok, (award.pk, result.errors)
        creator = award.ob2_signed_assertion["verification"]["creator"]
        creators.add(creator)
        assert ob2.verify_signed_assertion(award.ob2_jws, rsa_keys[creator].public_key)["id"] == f"urn:uuid:{award.uuid}"
    assert len(creators) >= 3

    # the independent verifier, reading only the published did.json, agrees on all of them
    (tmp_path / "did.json").write_text(json.dumps(did_document))
    documents = {public_urls.did_json_url(issuer): str(tmp_path / "did.json")}
    lists = {award.status_list for award in awards} | {award.suspension_list for award in awards if award.suspension_list}
    for status_list in lists:
        path = tmp_path / f"status-{status_list.pk}.json"
        path.write_text(json.dumps(issuing.status_list_credential(status_list)))
        documents[public_urls.status_list_url(status_list)] = str(path)
    items = []
    for award in awards:
        path = tmp_path / f"{award.uuid}.json"
        path.write_text(json.dumps(award.ob3_credential))
        items.append({"kind": "ob3", "path": str(path)})
    results = nodeverifier.verify(items, documents)
    failed = [(item["path"], result["errors"]) for item, result in zip(items, results, strict=True)
              if not result["verified"] or result["revoked"] is not False]
    assert failed == []
    with capsys.disabled():
        print(f"\n[rotation] {rotations} rotations of both keys while {LEARNERS} awards were signed; "
              f"{len(methods)} Ed25519 and {len(creators)} RSA keys used; {LEARNERS}/{LEARNERS} verify "
              f"(ours and @digitalbazaar/vc)")
