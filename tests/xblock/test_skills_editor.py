"""
The editor's skills (issue 13): the search handler checks the author as every editing handler does,
a skill picked from a taxonomy is saved as the plugin builds it, and the editor's data names the
course's tagged content, the target types, levels and categories.
"""

import pytest

from lms_standin.demo_course import usage_key

from .conftest import COURSE_KEY, call
from .test_handlers import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills_taxonomy(course):
    from lms_standin.demo_skills import import_demo_taxonomy, tag_demo_course

    taxonomy = import_demo_taxonomy()
    tag_demo_course(taxonomy.id)
    return taxonomy


def test_the_search_answers_authors_with_the_orgs_skills(issuer, skills_taxonomy, staff, block_for):
    status, data = call(block_for(staff), "search_skills", {"term": "visual"})
    assert status == 200
    assert [(s["value"], s["code"], s["taxonomy"]) for s in data["skills"]] == [
        ("Data visualisation", "DS-VIS", "Demo Data Skills")]


@pytest.mark.parametrize("user", ["student", "anonymous"])
def test_learners_cannot_search(user, skills_taxonomy, student, block_for):
    status, data = call(block_for(student if user == "student" else None), "search_skills", {"term": "data"})
    assert status == 403 and "course team" in data["error"]


@pytest.mark.parametrize("payload", [{"term": 3}, {"term": "x" * 101}, {"term": None}, ["data"]])
def test_a_search_no_editor_sends_is_a_400(payload, skills_taxonomy, staff, block_for):
    status, _data = call(block_for(staff), "search_skills", payload)
    assert status == 400


def test_a_picked_skill_is_saved_as_the_taxonomy_says(issuer, skills_taxonomy, staff, block_for):
    from openedx_plugin.models import BadgeClass

    picked = {"taxonomy_id": skills_taxonomy.id, "tag": "Data visualisation", "type": "ceasn:Competency",
              # what a forged request might add: the server builds the alignment from the tag alone
              "name": "Something else", "code": "FORGED", "framework": "Forged", "url": "https://evil.example/"}
    payload = form(alignments=[picked], level="Advanced")
    payload["fields"]["category"] = "Data science"
    status, data = call(block_for(staff), "save_badge", payload)
    assert status == 200, data
    badge = BadgeClass.objects.get(uuid=data["badge"]["uuid"])
    assert badge.alignments == [{
        "type": ["Alignment"], "targetName": "Data visualisation", "targetCode": "DS-VIS",
        "targetFramework": "Demo Data Skills", "targetType": "ceasn:Competency",
        "targetUrl": "https://lms.example.com/badges/skills/demo-data-skills/DS-VIS"}]
    assert (badge.level, badge.category) == ("Advanced", "Data science")
    assert data["badge"]["fields"]["alignments"][0]["type"] == "ceasn:Competency"
    assert data["badge"]["fields"]["category"] == "Data science"


def test_skills_of_another_org_or_bad_types_are_refused_under_the_row(issuer, skills_taxonomy, staff, block_for):
    from openedx_plugin import compat

    other, ok, _log = compat.import_taxonomy("Elsewhere", "elsewhere", b"id,value,parent_id\nE1,Welding,\n",
                                             orgs=["OtherX"], file_format="csv")
    assert ok
    rows = [{"taxonomy_id": other.id, "tag": "Welding"},
            {"taxonomy_id": "x", "tag": "Tidy data"},
            {"name": "Charts", "url": "https://example.org/charts", "type": "Competency"}]
    status, data = call(block_for(staff), "save_badge", form(alignments=rows))
    assert status == 400
    assert "organization" in data["errors"]["alignments-0-name"]
    assert "again" in data["errors"]["alignments-1-name"]
    assert "target type" in data["errors"]["alignments-2-type"]


def test_the_editor_offers_the_contents_skills_target_types_levels_and_mastery(issuer, skills_taxonomy, staff,
                                                                               block_for):
    fragment = block_for(staff).studio_view()
    init = fragment.json_init_args
    assert [s["value"] for s in init["contentSkills"][usage_key("problem", "q4")]] == [
        "Data visualisation", "Data analysis"]
    assert "demo-data-skills:Data analysis" in {s["key"] for s in init["skills"]}
    assert init["targetTypes"][:3] == ["CFItem", "ceasn:Competency", "ceterms:Credential"]
    assert "skill_mastery" in {kind["kind"] for kind in init["kinds"]}
    text = fragment.body_html()
    assert '<option value="Expert">' in text and 'name="category"' in text and 'data-role="skill-search"' in text


def test_a_mastery_condition_saves_for_a_skill_of_the_content(issuer, skills_taxonomy, staff, block_for):
    from openedx_plugin.models import BadgeRule

    rule = {"combine": "all", "conditions": [
        {"kind": "skill_mastery", "skill": "demo-data-skills:Data analysis", "min_percent": "80"}]}
    status, data = call(block_for(staff), "save_badge", form(rule=rule))
    assert status == 200, data
    assert BadgeRule.objects.get(badge_class__uuid=data["badge"]["uuid"]).condition == {
        "kind": "skill_mastery", "course": COURSE_KEY, "taxonomy": "demo-data-skills", "tag": "Data analysis",
        "min_fraction": 0.8}
    forged = {"combine": "all", "conditions": [
        {"kind": "skill_mastery", "skill": "elsewhere:Welding", "min_percent": "80"}]}
    status, data = call(block_for(staff), "save_badge", form(rule=forged))
    assert status == 400 and "rule-0-skill" in data["errors"]


def test_an_empty_search_lists_the_first_skills(issuer, skills_taxonomy, staff, block_for):
    status, data = call(block_for(staff), "search_skills", {})
    assert status == 200 and [s["value"] for s in data["skills"]][:2] == ["Data analysis", "Data visualisation"]
