"""
The rule language with pathways' milestones and optional steps: what validates, what a
pathway evaluates to (in any order, optional steps never counted), and the checks every
save path of a rule shares (a badge requiring itself, unknown badges, cycles).
"""

import pytest
from django.core.exceptions import ValidationError

from openedx_plugin import rules
from openedx_plugin.models import BadgeRule, pathway_problem
from openedx_plugin.pathways.structure import Milestone, condition_of, milestones_of

from .conftest import milestone_rule, set_rule, uid

pytestmark = pytest.mark.django_db


def ctx(user, held):
    return rules.Context(user, held_badges=set(held))


@pytest.mark.parametrize("condition, message", [
    ({"kind": "badges", "badges": ["a"], "milestone": 3}, "'milestone'"),
    ({"kind": "badges", "badges": ["a"], "milestone": "x" * 256}, "'milestone'"),
    ({"kind": "badges", "badges": ["a"], "optional": "b"}, "'optional'"),
    ({"kind": "badges", "badges": ["a"], "optional": [1]}, "'optional'"),
    ({"kind": "badges", "badges": ["a", "b"], "optional": ["b"]}, "either required or optional"),
])
def test_new_keys_are_checked(condition, message):
    with pytest.raises(rules.RuleError, match=message):
        rules.validate(condition)


def test_a_rule_without_the_new_keys_reads_as_before(learner):
    condition = {"kind": "badges", "badges": ["a", "b", "c"], "at_least": 2}
    rules.validate(condition)
    outcome = rules.evaluate(condition, ctx(learner, {"a", "c"}))
    assert outcome.met and [p.text for p in outcome.progress] == ["2 of 2 badges earned."]
    assert rules.referenced_badges(condition) == ["a", "b", "c"]


def test_optional_steps_are_never_counted_nor_indexed(learner):
    condition = {"kind": "badges", "badges": ["a", "b"], "optional": ["x", "y"]}
    assert not rules.evaluate(condition, ctx(learner, {"a", "x", "y"})).met
    assert rules.evaluate(condition, ctx(learner, {"a", "b"})).met
    # an optional step earned later cannot change the outcome, so it does not re-evaluate the pathway
    assert rules.referenced_badges(condition) == ["a", "b"]


def test_ordered_milestones_are_met_in_any_order_and_report_in_order(site, learner):
    condition = milestone_rule(site)
    rules.validate(condition)
    # the second milestone first: the pathway is not met yet, and progress keeps the milestones' order
    outcome = rules.evaluate(condition, ctx(learner, {uid(site["b2"])}))
    assert not outcome.met
    assert [p.text for p in outcome.progress] == ["Foundations: 0 of 2 badges earned.",
                                                   "Analysis: 1 of 1 badge earned."]
    outcome = rules.evaluate(condition, ctx(learner, {uid(site["b2"]), uid(site["a1"]), uid(site["a2"])}))
    assert outcome.met and len(outcome.evidence) == 2


def test_describe_names_the_milestone_and_the_optional_steps(site):
    leaf = milestone_rule(site)["all"][0]
    names = {uid(badge): badge.name for badge in site.values()}
    text = rules.KINDS["badges"].describe(leaf, lambda s: s, {}, names)
    assert text == "Foundations: Earn all of these badges: Python basics, Data frames. Optional, not counted: Ethics."


def test_structure_round_trips(site):
    condition = milestone_rule(site)
    milestones = milestones_of(condition)
    assert [m.title for m in milestones] == ["Foundations", "Analysis"]
    assert milestones[1].needed == 1 and milestones[0].optional == [uid(site["c1"])]
    assert condition_of(milestones) == condition
    single = condition_of([Milestone(badges=["a", "b"], at_least=2)])
    assert single == {"kind": "badges", "badges": ["a", "b"]}  # N equal to the count is "all of them"
    # rules that read course outcomes too are not pathways the editor can show
    assert milestones_of({"all": [{"kind": "badges", "badges": ["a"]},
                                  {"kind": "course_passed", "course": "course-v1:X+Y+Z"}]}) is None
    assert milestones_of({"any": [{"kind": "badges", "badges": ["a"]}]}) is None


def test_a_badge_cannot_require_itself(site):
    assert pathway_problem(site["p"].uuid, {"kind": "badges", "badges": [uid(site["p"])]}) == \
        "A badge cannot require itself."


def test_unknown_badges_are_named(site):
    problem = pathway_problem(site["p"].uuid, {"kind": "badges", "badges": ["00000000-0000-0000-0000-000000000001"]})
    assert problem == "Unknown badge: 00000000-0000-0000-0000-000000000001."


def test_a_cycle_across_pathways_is_refused_with_its_chain(site):
    set_rule(site["b1"], {"kind": "badges", "badges": [uid(site["a1"])]})  # b1 requires a1
    set_rule(site["a1"], {"kind": "badges", "badges": [uid(site["p"])]})   # a1 requires p
    # p requiring b1 closes p -> b1 -> a1 -> p
    problem = pathway_problem(site["p"].uuid, {"kind": "badges", "badges": [uid(site["b1"]), uid(site["b2"])]})
    assert problem == ("These badges would require each other, so nobody could earn them: "
                       "Data analyst pathway → Statistics → Python basics → Data analyst pathway.")
    # without the closing link, no cycle
    assert pathway_problem(site["p"].uuid, {"kind": "badges", "badges": [uid(site["b2"])]}) == ""


def test_the_model_and_the_api_refuse_cycles_too(site):
    from openedx_plugin import api

    set_rule(site["a1"], {"kind": "badges", "badges": [uid(site["p"])]})
    rule = BadgeRule(badge_class=site["p"], condition={"kind": "badges", "badges": [uid(site["a1"])]})
    with pytest.raises(ValidationError, match="require each other"):
        rule.full_clean()
    with pytest.raises(ValidationError, match="require each other"):
        api.save_badge(site["p"].course_key, {}, badge_uuid=site["p"].uuid,
                       rule={"kind": "badges", "badges": [uid(site["a1"])]})


def test_cycle_search_is_pure():
    assert rules.cycle_through("p", {"kind": "badges", "badges": ["a"]}, {"a": ["b"], "b": ["p"]}) == \
        ["p", "a", "b", "p"]
    assert rules.cycle_through("p", {"kind": "badges", "badges": ["a"]}, {"a": ["b"], "b": ["c"]}) is None
    assert rules.cycle_through("p", {"kind": "course_passed", "course": "c"}, {}) is None


def test_the_blocks_editor_keeps_a_pathway_with_milestones_unchanged(site):
    """The Studio editor cannot show titles or optional steps: it shows the rule in words and keeps it."""
    from badge_xblock import authoring

    condition = milestone_rule(site)
    assert authoring.form_from_rule(condition, site["p"].course_key) is None
    plain = {"kind": "badges", "badges": [uid(site["a1"])], "at_least": 1}
    assert authoring.form_from_rule(plain, site["p"].course_key) == {
        "combine": "all", "conditions": [{"kind": "badges", "badges": [uid(site["a1"])], "at_least": "1"}]}
