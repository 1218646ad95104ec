"""
Platform reads per evaluation, for each rule kind, on the stand-in's counters.

In the LMS each read (course grade, completion, certificate, a block's score, the course's
blocks) costs far more than here, so the evaluation makes at most one read of each kind a
rule needs, none when the signal carried what the rule needs (a problem's score), and none
for a rule that does not read what the learner's action changed. The cases are in
``read_counts.py`` (``bench/events.py`` prints the same table).
"""

import pytest

from lms_standin import platform

from .read_counts import CASES, measure

# transaction=True: the receivers queue the evaluation when the learner's transaction commits
pytestmark = pytest.mark.django_db(transaction=True)



@pytest.fixture(autouse=True)
def _completion_tracking():
    """The stand-in's migration turns the switch on; a transactional test's flush took it away again."""
    from waffle.testutils import override_switch

    with override_switch("completion.enable_completion_tracking", active=True):
        yield


NONE = {}
EXPECTED = {
    "course_passed; answers a problem": {"grade": 1},
    "course_completion; answers a problem": {"completion": 1},
    "certificate; answers a problem (passes, certificate issued)": {"certificate": 1},
    # the score signal carried the problem's points; the course's block names are read once (for the evidence)
    "score on the problem answered (the signal carries it)": {"blocks": 1},
    "score on the subsection of the problem answered": {"score": 1, "blocks": 1},
    "units_completed; answers one of the blocks": {"completed": 1},
    "badges (pathway) after a score badge": {"blocks": 1},
    "all of course_passed, course_completion, certificate": {"grade": 1, "completion": 1, "certificate": 1},
    "two rules reading the course grade": {"grade": 1},
    "certificate; the learner only views a page (a completion signal)": NONE,
    "score; the learner only views a page (a completion signal)": NONE,
}


def test_every_case_has_an_expectation():
    assert [label for label, _ in CASES] == list(EXPECTED)


@pytest.mark.parametrize(("label", "case"), CASES, ids=[label for label, _ in CASES])
def test_reads_per_evaluation(label, case, issuer):
    from openedx_plugin.models import Award

    before = Award.objects.count()
    assert measure(case) == EXPECTED[label]
    made = Award.objects.count() - before
    # the cases award what they should: the reads were spent on real evaluations
    if "views a page" in label:
        assert made == 0
    else:
        assert made == len(case[0])


def test_block_names_are_kept_between_evaluations(issuer):
    """A second learner's evaluation in the same course reads the names from memory: no read at all."""
    from django.contrib.auth import get_user_model

    from lms_standin import courseware
    from openedx_plugin import tasks
    from openedx_plugin.awards import awarding

    from .read_counts import build_course

    course, blocks, rows = build_course()
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeRule

    badge = issuing.create_badge_class(issuer, "Score", "Counted.", course_key=course.course_key,
                                       criteria_narrative="Counted.")
    BadgeRule.objects.create(badge_class=badge, condition={"kind": "score", "course": blocks["course"],
                                                           "block": blocks["p1"], "min_points": 1})
    awarding.forget_block_names()
    counts = []
    for name in ("ann", "bob"):
        learner = get_user_model().objects.create_user(name, f"{name}@example.com", "x")
        queued = []
        original = tasks.enqueue
        tasks.enqueue = lambda *args, into=queued: into.append(args) or True
        try:
            courseware.answer_problem(learner, rows["p1"], 0)
        finally:
            tasks.enqueue = original
        platform.reset_reads()
        for args in queued:
            awarding.evaluate_learner(*args)
        counts.append(platform.reads())
    assert counts == [{"blocks": 1}, {}]


def test_a_score_the_signal_carries_is_the_one_stored_last(issuer):
    """Two answers of one problem in one transaction: the folded trigger carries the later score."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lms_standin import courseware
    from openedx_plugin import tasks
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeRule

    from .read_counts import build_course

    course, blocks, rows = build_course()
    badge = issuing.create_badge_class(issuer, "Score", "Counted.", course_key=course.course_key,
                                       criteria_narrative="Counted.")
    BadgeRule.objects.create(badge_class=badge, condition={"kind": "score", "course": blocks["course"],
                                                           "block": blocks["p1"], "min_points": 1})
    learner = get_user_model().objects.create_user("cy", "cy@example.com", "x")
    queued = []
    original = tasks.enqueue
    tasks.enqueue = lambda *args: queued.append(args) or True
    try:
        with transaction.atomic():
            courseware.answer_problem(learner, rows["p1"], 0)  # right
            courseware.answer_problem(learner, rows["p1"], 1)  # then wrong: 0 points stored
    finally:
        tasks.enqueue = original
    [(_user, _course, trigger)] = queued
    assert trigger["scores"] == {blocks["p1"]: [0.0, 1.0]}
    assert trigger["interests"] == ["score"]  # the grade and completion signals: no rule here reads them
