"""
The skill_mastery rule kind: a badge for at least a share of the points on everything in the course
tagged with a skill, evidence naming each tagged item and its score, and one read of tags and scores.
"""

import pytest

from badge_xblock import authoring
from lms_standin.courseware import answer_problem
from lms_standin.demo_course import COURSE_KEY, demo_block, usage_key
from openedx_plugin import api, compat, rules
from openedx_plugin.models import Award

pytestmark = pytest.mark.django_db

LEAF = {"kind": "skill_mastery", "course": COURSE_KEY, "taxonomy": "demo-data-skills", "tag": "Data analysis",
        "min_fraction": 0.8}


@pytest.fixture
def mastery_badge(issuer, skills_taxonomy):
    return api.save_badge(COURSE_KEY, {"name": "Data Analysis Skills", "description": "Analyses data.",
                                       "criteria_narrative": "80% on everything tagged Data analysis."}, rule=LEAF)


def test_mastery_of_every_tagged_item_awards_with_evidence_per_item(mastery_badge, student):
    answer_problem(student, demo_block("q3"), 2)  # right
    answer_problem(student, demo_block("q4"), 0)  # right
    state = api.check_now(mastery_badge["uuid"], student)
    assert state["state"] == "earned", state
    award = Award.objects.get(user=student, badge_class__uuid=mastery_badge["uuid"])
    by_name = {item["name"]: item for item in award.evidence}
    assert set(by_name) == {"Exam: first analyses", "Robust averages", "Choosing a chart"}
    assert by_name["Exam: first analyses"]["narrative"] == (
        "Tagged “Data analysis” (Demo Data Skills): scored 2 of 2 points (100%).")
    assert by_name["Robust averages"]["id"].endswith(f"/jump_to/{usage_key('problem', 'q3')}")
    evidence = award.ob3_credential["evidence"]
    assert any("Tagged “Data analysis”" in item.get("narrative", "") for item in evidence)


def test_one_tagged_item_below_the_share_keeps_the_badge(mastery_badge, student):
    answer_problem(student, demo_block("q3"), 2)  # right
    answer_problem(student, demo_block("q4"), 1)  # wrong: the exam is at 50%
    state = api.check_now(mastery_badge["uuid"], student)
    assert state["state"] == "in_progress"
    assert state["progress"][0]["text"] == "1 of 3 items tagged “Data analysis” at 80% or more."
    assert not Award.objects.filter(user=student).exists()


def test_a_skill_no_scored_item_carries_is_never_met(issuer, skills_taxonomy, student):
    from openedx_tagging import api as tagging_api

    tagging_api.tag_object(usage_key("html", "welcome"), tagging_api.get_taxonomy(skills_taxonomy.id), ["Tidy data"])
    ctx = rules.Context(student)
    outcome = rules.evaluate(dict(LEAF, tag="Reading data"), ctx)  # seq-basics: scored, 0 of 2
    assert not outcome.met and outcome.progress[0].target == 1
    text_only = dict(LEAF, tag="No such tag")
    assert not rules.evaluate(text_only, rules.Context(student)).met


def test_tags_and_scores_are_read_once_per_evaluation(skills_taxonomy, student, monkeypatch):
    calls = {"content_tags": 0, "block_scores": 0}

    def counting(name):
        original = getattr(compat, name)

        def wrapper(*args):
            calls[name] += 1
            return original(*args)
        return wrapper

    for name in calls:
        monkeypatch.setattr(compat, name, counting(name))
    rule = {"all": [LEAF, dict(LEAF, tag="Data visualisation", min_fraction=0.5),
                    {"kind": "score", "course": COURSE_KEY, "block": usage_key("problem", "q3"), "min_points": 1}]}
    answer_problem(student, demo_block("q3"), 2)
    answer_problem(student, demo_block("q4"), 0)
    outcome = rules.evaluate(rule, rules.Context(student))
    assert outcome.met
    assert calls == {"content_tags": 1, "block_scores": 1}
    # A score on a tagged problem names its skills in the evidence.
    assert "Skills: Descriptive statistics, Data analysis." in outcome.evidence[-1]["narrative"]


def test_validation_and_the_editor_round_trip():
    rules.validate(LEAF)
    for broken in (dict(LEAF, tag=""), dict(LEAF, min_fraction=0), dict(LEAF, min_fraction=1.5),
                   {k: v for k, v in LEAF.items() if k != "taxonomy"}):
        with pytest.raises(rules.RuleError):
            rules.validate(broken)
    form = authoring.form_from_rule(LEAF, COURSE_KEY)
    assert form == {"combine": "all", "conditions": [
        {"kind": "skill_mastery", "skill": "demo-data-skills:Data analysis", "min_percent": "80"}]}
    _ = str
    rule, errors = authoring.rule_from_form(form, COURSE_KEY, _, skills=["demo-data-skills:Data analysis"])
    assert errors == {} and rule == LEAF
    rule, errors = authoring.rule_from_form(form, COURSE_KEY, _, skills=[])  # not this course's content
    assert rule is None and "rule-0-skill" in errors
    bad = {"combine": "all", "conditions": [dict(form["conditions"][0], min_percent="0")]}
    assert "rule-0-min_percent" in authoring.rule_from_form(bad, COURSE_KEY, _,
                                                            skills=["demo-data-skills:Data analysis"])[1]
    assert authoring.describe_leaf(LEAF, _) == "Score at least 80% on every item of the course tagged “Data analysis”."


def test_the_rule_index_listens_to_scores_for_it():
    assert rules.interests(LEAF) == {"score"}
