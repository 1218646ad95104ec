"""The rule language: validation with clear messages, and evaluation of every kind and group."""

import pytest

from openedx_plugin import rules

pytestmark = pytest.mark.django_db
COURSE = "course-v1:TestX+R101+2026"
QUIZ = "block-v1:TestX+R101+2026+type@sequential+block@quiz2"


@pytest.mark.parametrize("condition, message", [
    ({"kind": "nope", "course": COURSE}, "Unknown condition kind"),
    ({"kind": "course_completion", "course": COURSE}, "'min_percent' is required"),
    ({"kind": "course_passed", "course": COURSE, "min_percent": 1.5}, "from 0 to 1"),
    ({"kind": "score", "course": COURSE, "block": QUIZ}, "either 'min_fraction' or 'min_points'"),
    ({"kind": "score", "course": COURSE, "block": QUIZ, "min_fraction": 0.5, "min_points": 3}, "either"),
    ({"kind": "badges", "badges": []}, "list of badge ids"),
    ({"kind": "badges", "badges": ["a", "b"], "at_least": 3}, "'at_least'"),
    ({"all": []}, "non-empty list"),
    ({"at_least": 3, "of": [{"kind": "certificate", "course": COURSE}]}, "'at_least'"),
    ({"kind": "course_passed"}, "needs 'course'"),
    ("course_passed", "must be an object"),
])
def test_invalid_rules_say_what_is_wrong(condition, message):
    with pytest.raises(rules.RuleError, match=message):
        rules.validate(condition)


def test_too_deep_or_too_many_is_refused():
    deep = {"kind": "certificate", "course": COURSE}
    for _ in range(rules.MAX_DEPTH + 2):
        deep = {"all": [deep]}
    with pytest.raises(rules.RuleError, match="nested too deeply"):
        rules.validate(deep)
    with pytest.raises(rules.RuleError, match="at most"):
        rules.validate({"any": [{"kind": "certificate", "course": COURSE}] * (rules.MAX_LEAVES + 1)})


def test_references_and_interests():
    condition = {"all": [{"kind": "course_passed", "course": COURSE},
                         {"any": [{"kind": "badges", "badges": ["u1", "u2"]},
                                  {"kind": "score", "course": "course-v1:X+Y+Z", "block": QUIZ, "min_points": 2}]}]}
    rules.validate(condition)
    assert rules.referenced_courses(condition) == [COURSE, "course-v1:X+Y+Z"]
    assert rules.referenced_badges(condition) == ["u1", "u2"]
    assert rules.interests(condition) == {"grade", "badges", "score"}


def ctx(user, **kw):
    return rules.Context(user, **kw)


def test_score_progress_in_plain_words(platform, learner):
    platform.SCORES[(learner.id, QUIZ)] = (7, 10)
    condition = {"kind": "score", "course": COURSE, "block": QUIZ, "min_points": 8}
    outcome = rules.evaluate(condition, ctx(learner, block_names={QUIZ: "Quiz 2"}))
    assert not outcome.met
    assert outcome.progress[0].text == "7 of 10 points on Quiz 2, 8 needed."
    platform.SCORES[(learner.id, QUIZ)] = (8, 10)
    outcome = rules.evaluate(condition, ctx(learner, block_names={QUIZ: "Quiz 2"}))
    assert outcome.met
    assert outcome.results[0]["earned"] == 8 and outcome.evidence[0]["narrative"] == "Scored 8 of 10 points."


def test_score_fraction_and_no_attempt(platform, learner):
    condition = {"kind": "score", "course": COURSE, "block": QUIZ, "min_fraction": 0.8}
    assert not rules.evaluate(condition, ctx(learner)).met  # never attempted: nothing possible yet
    platform.SCORES[(learner.id, QUIZ)] = (4, 5)
    assert rules.evaluate(condition, ctx(learner)).met


def test_course_passed_with_minimum(platform, learner):
    condition = {"kind": "course_passed", "course": COURSE, "min_percent": 0.9}
    platform.GRADES[(learner.id, COURSE)] = (0.85, True)
    assert not rules.evaluate(condition, ctx(learner)).met
    platform.GRADES[(learner.id, COURSE)] = (0.95, True)
    assert rules.evaluate(condition, ctx(learner)).met
    platform.GRADES[(learner.id, COURSE)] = (0.95, False)  # the platform says not passed: not passed
    assert not rules.evaluate(condition, ctx(learner)).met


def test_completion_units_and_certificate(platform, learner):
    platform.COMPLETION[(learner.id, COURSE)] = 0.5
    assert not rules.evaluate({"kind": "course_completion", "course": COURSE, "min_percent": 0.75},
                              ctx(learner)).met
    platform.COMPLETED[(learner.id, COURSE)] = {"u1", "u2"}
    assert rules.evaluate({"kind": "units_completed", "course": COURSE, "blocks": ["u1", "u2"]}, ctx(learner)).met
    assert not rules.evaluate({"kind": "units_completed", "course": COURSE, "blocks": ["u1", "u3"]},
                              ctx(learner)).met
    platform.CERTIFICATES[(learner.id, COURSE)] = ("audit", "downloadable")
    assert rules.evaluate({"kind": "certificate", "course": COURSE}, ctx(learner)).met
    assert not rules.evaluate({"kind": "certificate", "course": COURSE, "modes": ["verified"]}, ctx(learner)).met
    platform.CERTIFICATES[(learner.id, COURSE)] = ("verified", "unavailable")
    assert not rules.evaluate({"kind": "certificate", "course": COURSE, "modes": ["verified"]}, ctx(learner)).met


def test_groups(platform, learner):
    passed = {"kind": "course_passed", "course": COURSE}
    cert = {"kind": "certificate", "course": COURSE}
    done = {"kind": "course_completion", "course": COURSE, "min_percent": 1.0}
    platform.GRADES[(learner.id, COURSE)] = (0.7, True)
    platform.COMPLETION[(learner.id, COURSE)] = 1.0
    assert not rules.evaluate({"all": [passed, cert]}, ctx(learner)).met
    assert rules.evaluate({"any": [passed, cert]}, ctx(learner)).met
    assert rules.evaluate({"at_least": 2, "of": [passed, cert, done]}, ctx(learner)).met
    outcome = rules.evaluate({"at_least": 3, "of": [passed, cert, done]}, ctx(learner))
    assert not outcome.met and len(outcome.progress) == 3


def test_badges_pathway(learner):
    condition = {"kind": "badges", "badges": ["a", "b", "c"], "at_least": 2}
    assert not rules.evaluate(condition, ctx(learner, held_badges={"a"})).met
    outcome = rules.evaluate(condition, ctx(learner, held_badges={"a", "c"}))
    assert outcome.met and outcome.progress[0].text == "2 of 2 badges earned."


def test_platform_reads_are_memoised_within_an_evaluation(platform, learner):
    platform.GRADES[(learner.id, COURSE)] = (0.7, True)
    passed = {"kind": "course_passed", "course": COURSE}
    rules.evaluate({"all": [passed, dict(passed, min_percent=0.5)]}, ctx(learner))
    assert [call for call in platform.CALLS if call[0] == "course_grade"] == [("course_grade", learner.id, COURSE)]
