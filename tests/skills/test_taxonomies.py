"""
Skills from content tagging: a taxonomy's tag as the badge's OB 3.0 and 2.0 alignment, the levels and
categories, the skills a course's content carries, and the public page of a skill.
"""

import pytest
from django.core.exceptions import ValidationError

from lms_standin.demo_course import COURSE_KEY, usage_key
from openedx_plugin import api, compat
from openedx_plugin.credentials import issuing
from openedx_plugin.skills import taxonomies

pytestmark = pytest.mark.django_db


def tag(taxonomy, value):
    return compat.taxonomy_tag(taxonomy.id, value)


def test_a_tag_becomes_an_alignment_with_its_code_framework_and_a_page(issuer, skills_taxonomy):
    alignment = api.skill_alignment(None, COURSE_KEY, skills_taxonomy.id, "Data visualisation", "CFItem")
    assert alignment == {
        "type": ["Alignment"], "targetName": "Data visualisation", "targetCode": "DS-VIS",
        "targetFramework": "Demo Data Skills", "targetType": "CFItem",
        "targetUrl": "https://lms.example.com/badges/skills/demo-data-skills/DS-VIS"}
    assert taxonomies.ob2_alignment(alignment) == {
        "targetName": "Data visualisation", "targetCode": "DS-VIS", "targetFramework": "Demo Data Skills",
        "targetUrl": "https://lms.example.com/badges/skills/demo-data-skills/DS-VIS"}


def test_a_tag_whose_id_is_a_web_address_keeps_it_as_target_url(issuer, course):
    rows = b"id,value,parent_id\nhttp://data.example/esco/skill/1234,analyse data,\n"
    taxonomy, ok, log = compat.import_taxonomy("ESCO sample", "esco-sample", rows, file_format="csv")
    assert ok, log
    alignment = taxonomies.alignment_for_tag(tag(taxonomy, "analyse data"), issuer, "ceasn:Competency")
    assert alignment["targetUrl"] == alignment["targetCode"] == "http://data.example/esco/skill/1234"


def test_only_the_orgs_taxonomies_and_defined_target_types_are_accepted(issuer, skills_taxonomy):
    other, ok, _log = compat.import_taxonomy("Elsewhere", "elsewhere", b"id,value,parent_id\nE1,Welding,\n",
                                             orgs=["OtherX"], file_format="csv")
    assert ok
    with pytest.raises(ValidationError, match="organization"):
        api.skill_alignment(None, COURSE_KEY, other.id, "Welding")
    with pytest.raises(ValidationError, match="organization"):
        api.skill_alignment(None, COURSE_KEY, skills_taxonomy.id, "No such skill")
    with pytest.raises(ValidationError, match="target type"):
        api.skill_alignment(None, COURSE_KEY, skills_taxonomy.id, "Tidy data", "Competency")
    assert api.skill_alignment(None, COURSE_KEY, skills_taxonomy.id, "Tidy data", "ext:SkillsFramework")[
        "targetType"] == "ext:SkillsFramework"


def test_search_finds_the_orgs_skills_and_leaves_levels_out(skills_taxonomy, django_user_model):
    compat.import_taxonomy(taxonomies.LEVELS_NAME, taxonomies.LEVELS_EXPORT_ID, taxonomies.shipped_levels_bytes())
    author = django_user_model.objects.create_user("author", "a@example.com", "pw", is_staff=True)
    found = api.search_skills(author, COURSE_KEY, "DATA")
    assert [s["value"] for s in found] == ["Data analysis", "Data visualisation", "Reading data", "Tidy data"]
    assert found[1] == {"taxonomy_id": skills_taxonomy.id, "taxonomy": "Demo Data Skills",
                        "export_id": "demo-data-skills", "value": "Data visualisation", "code": "DS-VIS",
                        "parent": "Data analysis", "key": "demo-data-skills:Data visualisation"}
    assert api.search_skills(author, COURSE_KEY, "intermediate") == []  # a level, chosen in its own field
    assert api.search_skills(author, "course-v1:OtherX+A+1", "data") == []


def test_search_is_capped(skills_taxonomy, settings):
    settings.OPENEDX_BADGES_SKILL_SEARCH_LIMIT = 2
    assert len(api.search_skills(None, COURSE_KEY, "a")) == 2


def test_levels_come_from_the_level_taxonomy_weakest_first(course):
    shipped = ["Foundation", "Beginner", "Intermediate", "Advanced", "Expert"]
    assert api.badge_levels() == shipped  # not imported yet: the shipped data
    taxonomy, ok, _log = compat.import_taxonomy(taxonomies.LEVELS_NAME, taxonomies.LEVELS_EXPORT_ID,
                                                taxonomies.shipped_levels_bytes())
    assert ok and api.badge_levels() == shipped  # imported: its tags, in the order of their ids
    compat.import_taxonomy(taxonomies.LEVELS_NAME, taxonomies.LEVELS_EXPORT_ID,
                           b'{"tags": [{"id": "level-6-master", "value": "Master", "parent_id": ""}]}')
    assert api.badge_levels() == shipped + ["Master"]


def test_categories_are_the_top_tags_of_the_category_taxonomy(course, settings):
    assert api.badge_categories() == []
    compat.import_taxonomy("Badge categories", "badge-categories",
                           b"id,value,parent_id\nC1,Data science,\nC2,Teaching,\nC3,Statistics,C1\n",
                           file_format="csv")
    settings.OPENEDX_BADGES_CATEGORY_TAXONOMY = "badge-categories"
    assert api.badge_categories() == ["Data science", "Teaching"]


def test_content_skills_gather_tags_up_the_course_tree(skills_taxonomy):
    carried = {key: [s["value"] for s in skills] for key, skills in api.content_skills(COURSE_KEY).items()}
    assert carried[usage_key("problem", "q1")] == ["Tidy data"]
    assert carried[usage_key("vertical", "v-charts")] == ["Data visualisation", "Data analysis"]
    assert sorted(carried[usage_key("sequential", "seq-basics")]) == ["File formats", "Reading data", "Tidy data"]
    assert usage_key("html", "welcome") not in carried


def test_the_signed_documents_carry_code_framework_type_level_and_category(issuer, skills_taxonomy):
    alignment = api.skill_alignment(None, COURSE_KEY, skills_taxonomy.id, "Data analysis", "ceasn:Competency")
    summary = api.save_badge(COURSE_KEY, {"name": "Analyst", "description": "Analyses data.",
                                          "criteria_narrative": "Pass.", "alignments": [alignment],
                                          "level": "Advanced", "category": "Data science"})
    from openedx_plugin.models import BadgeClass

    badge = BadgeClass.objects.get(uuid=summary["uuid"])
    achievement = issuing.achievement_ob3(badge)
    assert achievement["alignment"] == [dict(alignment)]
    assert achievement["fieldOfStudy"] == "Data science" and "Advanced" in achievement["tag"]
    ob2 = issuing.badge_class_ob2(badge)
    assert ob2["alignment"] == [taxonomies.ob2_alignment(alignment)] and "targetType" not in ob2["alignment"][0]
    assert {"Advanced", "Data science"} <= set(ob2["tags"])


def test_the_public_page_of_a_skill_lists_the_badges_aligned_to_it(client, issuer, skills_taxonomy):
    alignment = api.skill_alignment(None, COURSE_KEY, skills_taxonomy.id, "Data visualisation")
    api.save_badge(COURSE_KEY, {"name": "Chart Maker", "description": "Makes charts.",
                                "criteria_narrative": "Pass.", "alignments": [alignment]})
    page = client.get("/badges/skills/demo-data-skills/DS-VIS")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Data visualisation" in text and "Demo Data Skills" in text and "Chart Maker" in text
    assert client.get("/badges/skills/demo-data-skills/NOPE").status_code == 404
    assert client.get("/badges/skills/no-such-taxonomy/DS-VIS").status_code == 404


def test_import_command(course, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    call_command("badges_import_taxonomy", "--levels")
    assert "5 tags, for every organization" in capsys.readouterr().out
    source = tmp_path / "skills.json"
    source.write_text('{"tags": [{"id": "K1", "value": "Knitting", "parent_id": ""}]}')
    call_command("badges_import_taxonomy", str(source), "--name", "Crafts", "--export-id", "crafts", "--org", "DemoX")
    assert "Crafts (crafts): 1 tags, for DemoX" in capsys.readouterr().out
    assert [t.name for t in compat.org_taxonomies(None, "DemoX")] == ["Crafts", "Open Badges levels"]
    with pytest.raises(CommandError):
        call_command("badges_import_taxonomy", str(tmp_path / "skills.txt"), "--name", "X", "--export-id", "x")
    with pytest.raises(CommandError):
        call_command("badges_import_taxonomy", str(source), "--name", "X", "--export-id", "bad id!")


def test_the_profiles_level_order_is_the_shipped_level_taxonomy():
    from openedx_plugin.skills import profile

    assert [level.casefold() for level in taxonomies.levels()] == list(profile.DEFAULT_LEVELS)
