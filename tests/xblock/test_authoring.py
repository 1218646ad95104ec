"""The editor's form <-> the engine's rule, and rules in words (no database)."""

import pytest

from badge_xblock import authoring
from openedx_plugin import rules

COURSE = "course-v1:DemoX+BADGE101+2026"
SEQ = "block-v1:DemoX+BADGE101+2026+type@sequential+block@seq"
UNIT = "block-v1:DemoX+BADGE101+2026+type@vertical+block@u"
OTHER = "11111111-1111-1111-1111-111111111111"
NAMES = {SEQ: "Homework", UNIT: "Welcome"}


def _(text):
    return text


def convert(conditions, combine="all"):
    return authoring.rule_from_form({"combine": combine, "conditions": conditions}, COURSE, _,
                                    blocks=[SEQ, UNIT], units=[UNIT], badges=[OTHER])


@pytest.mark.parametrize(("condition", "leaf"), [
    ({"kind": "course_passed", "min_percent": ""}, {"kind": "course_passed", "course": COURSE}),
    ({"kind": "course_passed", "min_percent": "75"}, {"kind": "course_passed", "course": COURSE, "min_percent": 0.75}),
    ({"kind": "course_completion", "min_percent": 80}, {"kind": "course_completion", "course": COURSE,
                                                        "min_percent": 0.8}),
    ({"kind": "certificate", "modes": []}, {"kind": "certificate", "course": COURSE}),
    ({"kind": "certificate", "modes": ["verified", "honor"]}, {"kind": "certificate", "course": COURSE,
                                                               "modes": ["verified", "honor"]}),
    ({"kind": "score", "block": SEQ, "threshold": "points", "value": "2.5"},
     {"kind": "score", "course": COURSE, "block": SEQ, "min_points": 2.5}),
    ({"kind": "score", "block": SEQ, "threshold": "percent", "value": "66,7"},
     {"kind": "score", "course": COURSE, "block": SEQ, "min_fraction": 0.667}),
    ({"kind": "units_completed", "blocks": [UNIT]}, {"kind": "units_completed", "course": COURSE, "blocks": [UNIT]}),
    ({"kind": "badges", "badges": [OTHER], "at_least": ""}, {"kind": "badges", "badges": [OTHER]}),
])
def test_each_kind_round_trips(condition, leaf):
    rule, errors = convert([condition])
    assert errors == {} and rule == leaf
    rules.validate(rule)  # what the engine accepts
    back = authoring.form_from_rule(rule, COURSE)
    assert back["combine"] == "all" and len(back["conditions"]) == 1
    again, _errors = convert(back["conditions"])
    assert again == leaf


def test_groups_use_the_chosen_combination():
    rule, errors = convert([{"kind": "course_passed"}, {"kind": "units_completed", "blocks": [UNIT]}], "any")
    assert not errors and list(rule) == ["any"] and len(rule["any"]) == 2
    assert authoring.form_from_rule(rule, COURSE)["combine"] == "any"


def test_rules_the_form_cannot_show():
    nested = {"all": [{"kind": "course_passed", "course": COURSE}, {"any": [{"kind": "course_passed",
                                                                              "course": COURSE}]}]}
    assert authoring.form_from_rule(nested, COURSE) is None
    assert authoring.form_from_rule({"at_least": 1, "of": [{"kind": "course_passed", "course": COURSE}]}, COURSE) \
        is None
    assert authoring.form_from_rule({"kind": "course_passed", "course": "course-v1:X+Y+Z"}, COURSE) is None
    assert authoring.form_from_rule(None, COURSE) == {"combine": "all", "conditions": []}


def test_unreadable_forms():
    assert authoring.rule_from_form("all", COURSE, _)[1] == {"rule": "The earning rule could not be read."}
    assert "rule-0-kind" in convert([None])[1]
    assert "rule-0-threshold" in convert([{"kind": "score", "block": SEQ, "threshold": "stars", "value": 1}])[1]
    assert "rule-0-value" in convert([{"kind": "score", "block": SEQ, "value": "0"}])[1]
    assert "rule-0-value" in convert([{"kind": "score", "block": SEQ, "value": True}])[1]
    assert "rule-1-min_percent" in convert([{"kind": "course_passed"}, {"kind": "course_passed",
                                                                          "min_percent": "-1"}])[1]


def test_rules_in_words():
    leaf = {"kind": "score", "course": COURSE, "block": SEQ, "min_fraction": 0.8}
    assert authoring.describe_leaf(leaf, _, NAMES) == "Score at least 80% on Homework."
    assert authoring.describe_leaf({"kind": "score", "block": "gone", "min_points": 3}, _, NAMES) == \
        "Score at least 3 points on a block that is no longer in the course."
    assert authoring.describe_leaf({"kind": "course_passed", "min_percent": 0.755}, _) == \
        "Pass the course with a grade of at least 75.5%."
    assert authoring.describe_leaf({"kind": "certificate", "modes": ["verified"]}, _) == \
        "Earn the course certificate (verified)."
    assert authoring.describe_leaf({"kind": "units_completed", "blocks": [UNIT]}, _, NAMES) == \
        "Complete these units: Welcome."
    assert authoring.describe_leaf({"kind": "badges", "badges": [OTHER, "x"], "at_least": 1}, _,
                                   badge_names={OTHER: "Reader"}) == \
        "Earn 1 of these badges: Reader, a badge that no longer exists."
    html = authoring.describe_html({"at_least": 2, "of": [leaf, {"all": [{"kind": "course_passed"}]}]}, _, NAMES)
    assert html.startswith('<p class="badge-rule-line">At least 2 of these:</p><ul class="badge-rule-list">')
    assert "<li>All of these:<ul" in html
    assert authoring.describe_html(None, _) == ""


def test_rule_words_are_escaped():
    html = authoring.describe_html({"kind": "score", "block": SEQ, "min_points": 1}, _, {SEQ: "<b>Quiz</b>"})
    assert "&lt;b&gt;Quiz&lt;/b&gt;" in html and "<b>" not in html
