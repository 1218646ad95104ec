"""
Issue 13, seen by the independent verifier: a badge aligned to a content-tagging taxonomy (code,
framework, targetType) with a level and a category is earned on tagged content and its OB 3.0
credential passes Digital Bazaar's stack in JSON-LD safe mode (every term it signs is defined by
the OB 3.0 context); its OB 2.0 hosted assertion verifies and its badge class carries the same
alignment in 2.0 terms.
"""

import json

import pytest

from lms_standin.courseware import answer_problem
from lms_standin.demo_course import COURSE_KEY, demo_block
from lms_standin.demo_skills import import_demo_taxonomy, tag_demo_course
from openedx_plugin import api
from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import Award

from . import nodeverifier

pytestmark = [pytest.mark.interop, pytest.mark.django_db]
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def award(course, student):
    issuing.create_issuer("Interop Academy", "https://academy.example/", "badges@academy.example",
                          public_base_url=BASE, is_default=True)
    taxonomy = import_demo_taxonomy()
    tag_demo_course(taxonomy.id)
    alignments = [api.skill_alignment(None, COURSE_KEY, taxonomy.id, "Data analysis", "CFItem"),
                  api.skill_alignment(None, COURSE_KEY, taxonomy.id, "Data visualisation", "ceasn:Competency"),
                  api.skill_alignment(None, COURSE_KEY, taxonomy.id, "Descriptive statistics", "ext:DemoSkill")]
    badge = api.save_badge(COURSE_KEY, {
        "name": "Data Analysis Skills", "description": "Analyses and charts data.",
        "criteria_narrative": "80% on everything tagged Data analysis.", "achievement_type": "Competency",
        "alignments": alignments, "level": "Intermediate", "category": "Data science",
    }, rule={"kind": "skill_mastery", "course": COURSE_KEY, "taxonomy": "demo-data-skills", "tag": "Data analysis",
             "min_fraction": 0.8})
    answer_problem(student, demo_block("q3"), 2)
    answer_problem(student, demo_block("q4"), 0)
    assert api.check_now(badge["uuid"], student)["state"] == "earned"
    return Award.objects.get(user=student, badge_class__uuid=badge["uuid"])


def _write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return str(path)


def test_the_taxonomy_aligned_credential_verifies_in_node(award, tmp_path):
    issuer = award.badge_class.issuer
    credential = award.ob3_credential
    achievement = credential["credentialSubject"]["achievement"]
    assert [(a["targetCode"], a["targetFramework"], a["targetType"]) for a in achievement["alignment"]] == [
        ("DS-ANALYSE", "Demo Data Skills", "CFItem"), ("DS-VIS", "Demo Data Skills", "ceasn:Competency"),
        ("DS-SUMMARY", "Demo Data Skills", "ext:DemoSkill")]
    assert achievement["fieldOfStudy"] == "Data science" and "Intermediate" in achievement["tag"]
    assert any("Tagged “Data analysis”" in item.get("narrative", "") for item in credential["evidence"])
    documents = {
        public_urls.did_json_url(issuer): _write(tmp_path, "did.json", issuing.did_document(issuer)),
        public_urls.status_list_url(award.status_list): _write(
            tmp_path, "revocation.json", issuing.status_list_credential(award.status_list)),
        public_urls.status_list_url(award.suspension_list): _write(
            tmp_path, "suspension.json", issuing.status_list_credential(award.suspension_list)),
    }
    [result] = nodeverifier.verify([{"kind": "ob3", "path": _write(tmp_path, "credential.json", credential)}],
                                   documents)
    assert result["verified"], result["errors"]
    assert not result["revoked"]


def test_the_ob2_documents_carry_the_alignment_and_verify(award, tmp_path):
    badge = award.badge_class
    issuer = badge.issuer
    badge_class = issuing.badge_class_ob2(badge)
    assert badge_class["alignment"][0] == {
        "targetName": "Data analysis", "targetCode": "DS-ANALYSE", "targetFramework": "Demo Data Skills",
        "targetUrl": f"{BASE}/badges/skills/demo-data-skills/DS-ANALYSE"}
    assert all("targetType" not in a for a in badge_class["alignment"])  # not a 2.0 term
    assert {"Intermediate", "Data science"} <= set(badge_class["tags"])
    assertion = issuing.hosted_assertion(award)
    documents = {
        public_urls.assertion_url(award): _write(tmp_path, "assertion.json", assertion),
        public_urls.badge_class_url(badge): _write(tmp_path, "badge.json", badge_class),
        public_urls.issuer_url(issuer): _write(tmp_path, "issuer.json", issuing.issuer_ob2(issuer)),
        public_urls.revocation_list_url(issuer): _write(tmp_path, "revocations.json",
                                                        issuing.revocation_list_ob2(issuer)),
    }
    for key in issuer.keys.filter(kind="rsa"):
        documents[public_urls.key_url(issuer, key)] = _write(tmp_path, f"key-{key.id}.json",
                                                             issuing.key_ob2(issuer, key))
    items = [{"kind": "ob2-hosted", "path": documents[public_urls.assertion_url(award)]},
             {"kind": "ob2-jws", "path": _write(tmp_path, "assertion.jws", award.ob2_jws)}]
    for result in nodeverifier.verify(items, documents):
        assert result["verified"], (result["kind"], result["errors"])
        assert not result["revoked"]
