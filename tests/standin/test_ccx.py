"""
A CCX's learners earn their master course's badges (contract rows P17-P19).

The platform enrolls, grades and completes a CCX learner under the CCX's key (``ccx-v1:…``,
its blocks ``ccx-block-v1:…``); the badges are defined on the master course. The learner acts
in the stand-in LMS, which keeps their data as the platform does; the real receivers queue
the evaluation on commit and the (eager) task awards. Before the readers took the learner's
run into account, every grade, score and completion read here answered the master course's
empty record, and none of these badges was earned.
"""

import pytest

from lms_standin import courseware, platform
from lms_standin.demo_badges import create_demo_badges
from lms_standin.demo_course import COURSE_KEY, demo_block, usage_key
from openedx_plugin import api, compat, rules
from openedx_plugin.models import Award

# transaction=True: the receivers queue the evaluation when the learner's transaction commits
pytestmark = pytest.mark.django_db(transaction=True)

CORRECT = {"q1": 0, "q2": 1, "q3": 2, "q4": 0}


@pytest.fixture(autouse=True)
def _completion_tracking():
    """The stand-in's migration turns the switch on; a transactional test's flush took it away again."""
    from waffle.testutils import override_switch

    with override_switch("completion.enable_completion_tracking", active=True):
        yield


@pytest.fixture
def ccx(course):
    return courseware.create_ccx(course, display_name="Evening cohort")


@pytest.fixture
def ccx_learner(course, ccx, django_user_model):
    """A learner enrolled in the CCX only (as a coach enrolls them), not in the master course."""
    user = django_user_model.objects.create_user("grace", "grace@example.com", "pw")
    courseware.enroll(user, course, mode="verified", ccx=ccx)
    return user


def held(user):
    return sorted(Award.objects.filter(user=user).values_list("badge_class__name", flat=True))


def answer(user, *block_ids):
    for block_id in block_ids:
        courseware.answer_problem(user, demo_block(block_id), CORRECT[block_id])


def test_a_ccx_learner_earns_the_master_courses_score_grade_and_pathway_badges(course, ccx, ccx_learner):
    demo = create_demo_badges("https://lms.example.com")
    ccx_key = str(ccx.locator)
    answer(ccx_learner, "q1", "q2")
    assert held(ccx_learner) == ["Data Reader"]  # the score badge on the master's subsection
    answer(ccx_learner, "q3", "q4")  # 100%: the master course's grade badge, and the pathway
    assert held(ccx_learner) == ["Data Analyst", "Data Pathway", "Data Reader"]
    analyst = Award.objects.get(user=ccx_learner, badge_class__uuid=demo[1]["uuid"])
    assert analyst.badge_class.course_key == COURSE_KEY  # the master course's badge
    assert analyst.provenance["trigger"]["course_run"] == ccx_key  # read under the CCX, as the event said
    assert analyst.result[0]["value"] == "75"  # passed at 75%, after q3
    # what the platform holds: the grade is the CCX's; under the master key there is none of it
    assert compat.course_grade(ccx_learner, ccx_key).passed is True
    assert compat.course_grade(ccx_learner, COURSE_KEY).percent == 0.0


def test_a_ccx_learner_completes_the_master_courses_units(course, ccx, ccx_learner, issuer):
    units = [usage_key("html", "welcome"), usage_key("problem", "q1")]
    api.save_badge(COURSE_KEY, {"name": "Explorer", "description": "Explores.", "criteria_narrative": "Two units."},
                   rule={"kind": "units_completed", "course": COURSE_KEY, "blocks": units})
    api.save_badge(COURSE_KEY, {"name": "Finisher", "description": "Finishes.", "criteria_narrative": "Some."},
                   rule={"kind": "course_completion", "course": COURSE_KEY, "min_percent": 0.3})
    courseware.view_block(ccx_learner, demo_block("welcome"))
    assert held(ccx_learner) == []
    courseware.answer_problem(ccx_learner, demo_block("q1"), 2)  # a wrong answer completes the unit too
    assert held(ccx_learner) == ["Explorer", "Finisher"]
    # the completions are the CCX's: its block keys, its context
    assert compat.completed_blocks(ccx_learner, str(ccx.locator), units) == set(units)
    assert compat.completed_blocks(ccx_learner, COURSE_KEY, units) == set()


def test_an_evaluation_without_the_events_run_asks_once(course, ccx, ccx_learner, student,
                                                        django_assert_num_queries):
    """The learner's progress page (no event): one query finds their CCX, whatever the rules read."""
    answer(ccx_learner, "q1", "q2")
    ctx = rules.Context(ccx_learner)
    with django_assert_num_queries(1):
        assert ctx.run(COURSE_KEY) == str(ccx.locator)
        assert ctx.run(COURSE_KEY) == str(ccx.locator)
        assert ctx.run("course-v1:Other+X+2026") == "course-v1:Other+X+2026"
    platform.reset_reads()
    score = ctx.block_score(COURSE_KEY, usage_key("sequential", "seq-basics"))
    assert (score.earned, score.possible) == (2.0, 2.0)
    # a learner of the master course itself reads the master course, as before
    assert rules.Context(student).run(COURSE_KEY) == COURSE_KEY
    # an event's run is taken as known: no query at all
    with django_assert_num_queries(0):
        assert rules.Context(ccx_learner, runs={COURSE_KEY: str(ccx.locator)}).run(COURSE_KEY) == str(ccx.locator)


def test_a_master_course_learner_is_read_as_before(course, student, issuer):
    api.save_badge(COURSE_KEY, {"name": "Reader", "description": "Reads.", "criteria_narrative": "Two points."},
                   rule={"kind": "score", "course": COURSE_KEY, "block": usage_key("sequential", "seq-basics"),
                         "min_points": 2})
    answer(student, "q1", "q2")
    assert held(student) == ["Reader"]
    award = Award.objects.get(user=student)
    assert award.provenance["trigger"]["course_run"] == COURSE_KEY
