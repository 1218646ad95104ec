"""The stand-in platform module: compat's data contract on the demo course."""

import pytest

from lms_standin import courseware, platform
from lms_standin.demo_course import COURSE_KEY, create_demo_course, usage_key
from lms_standin.models import CourseBlock
from openedx_plugin import compat
from openedx_plugin.compat import Certificate, CourseGrade, Score

pytestmark = pytest.mark.django_db


def test_demo_course_structure_and_idempotence(course):
    assert course.display_name == "Open Badges Demo Course" and course.passing_grade == 0.6
    counts = {t: CourseBlock.objects.filter(course=course, block_type=t).count()
              for t in ("chapter", "sequential", "vertical", "problem", "html", "badge_xblock")}
    assert counts == {"chapter": 2, "sequential": 3, "vertical": 5, "problem": 4, "html": 1, "badge_xblock": 1}
    graded = CourseBlock.objects.filter(course=course, block_type="sequential", graded=True)
    assert [s.children.count() for s in graded] == [2, 2]
    problems = CourseBlock.objects.filter(course=course, block_type="problem")
    assert all(len(p.choices) == 3 and 0 <= p.correct < 3 and p.max_points == 1 for p in problems)

    create_demo_course()
    assert CourseBlock.objects.filter(course=course).count() == 16


def test_course_blocks_is_the_tree_in_course_order(course):
    blocks = compat.course_blocks(COURSE_KEY)
    assert blocks[0] == {"usage_key": "block-v1:DemoX+BADGE101+2026+type@course+block@course", "block_type": "course",
                         "display_name": "Open Badges Demo Course", "graded": False, "parent": None}
    by_key = {b["usage_key"]: b for b in blocks}
    q1 = by_key[usage_key("problem", "q1")]
    assert q1["parent"] == usage_key("vertical", "v-welcome") and q1["graded"] is True  # inherited from its sequential
    assert by_key[usage_key("badge_xblock", "badge")]["graded"] is False
    assert [b["block_type"] for b in blocks][:6] == ["course", "chapter", "sequential", "vertical", "html", "problem"]
    assert compat.course_blocks("course-v1:No+Such+Course") is None


def test_block_score_problem_unit_subsection_section(enrolled, block):
    assert compat.block_score(enrolled, COURSE_KEY, usage_key("problem", "q1")) == Score(0.0, 1.0)  # unanswered
    courseware.answer_problem(enrolled, block("q1"), 0)  # correct
    courseware.answer_problem(enrolled, block("q2"), 0)  # wrong
    courseware.answer_problem(enrolled, block("q3"), 2)  # correct

    def score(block_type, block_id):
        return compat.block_score(enrolled, COURSE_KEY, usage_key(block_type, block_id))

    assert score("problem", "q1") == Score(1.0, 1.0)
    assert score("problem", "q2") == Score(0.0, 1.0)
    assert score("vertical", "v-welcome") == Score(1.0, 1.0)
    assert score("sequential", "seq-basics") == Score(1.0, 2.0)
    assert score("chapter", "ch-analysis") == Score(1.0, 2.0)  # q4 unanswered counts 0 of 1
    assert score("sequential", "seq-wrapup") is None  # no problems below
    assert score("html", "welcome") is None
    assert compat.block_score(enrolled, COURSE_KEY, usage_key("problem", "nope")) is None
    assert compat.block_score(enrolled, "course-v1:No+Such+Course", usage_key("problem", "q1")) is None


def test_every_problem_counts_above_a_problem_graded_or_not(enrolled, course, block):
    """Issue 19 item 6: one definition of score at every level (all_total); the course grade stays graded-only."""
    extra = CourseBlock.objects.create(course=course, usage_key=usage_key("problem", "practice"), block_type="problem",
                                       display_name="Practice", parent=block("v-badge"), position=1,
                                       question="?", choices=["a", "b"], correct=0)
    courseware.answer_problem(enrolled, extra, 0)
    assert compat.block_score(enrolled, COURSE_KEY, extra.usage_key) == Score(1.0, 1.0)
    assert compat.block_score(enrolled, COURSE_KEY, usage_key("vertical", "v-badge")) == Score(1.0, 1.0)
    assert compat.block_score(enrolled, COURSE_KEY, usage_key("chapter", "ch-analysis")) == Score(1.0, 3.0)
    assert compat.course_grade(enrolled, COURSE_KEY) == CourseGrade(0.0, False)


def test_course_grade_is_the_weighted_mean_of_graded_subsections(enrolled, course, block):
    assert compat.course_grade(enrolled, COURSE_KEY) == CourseGrade(0.0, False)
    CourseBlock.objects.filter(usage_key=usage_key("sequential", "seq-basics")).update(weight=3.0)
    courseware.answer_problem(enrolled, block("q1"), 0)
    assert compat.course_grade(enrolled, COURSE_KEY) == CourseGrade(0.38, False)  # 3 * 1/2 / 4, rounded half up
    courseware.answer_problem(enrolled, block("q2"), 1)
    assert compat.course_grade(enrolled, COURSE_KEY) == CourseGrade(0.75, True)
    assert compat.course_grade(enrolled, "course-v1:No+Such+Course") is None


def test_passing_exactly_at_the_passing_grade(enrolled, course, block):
    course.passing_grade = 0.5
    course.save()
    courseware.answer_problem(enrolled, block("q1"), 0)
    courseware.answer_problem(enrolled, block("q2"), 1)
    assert compat.course_grade(enrolled, COURSE_KEY) == CourseGrade(0.5, True)


def test_completion_counts_problems_and_html_not_the_badge_block(enrolled, block):
    assert compat.course_completion(enrolled, COURSE_KEY) == 0.0
    courseware.view_block(enrolled, block("welcome"))
    courseware.answer_problem(enrolled, block("q1"), 2)  # a wrong answer still completes the problem
    assert compat.course_completion(enrolled, COURSE_KEY) == pytest.approx(2 / 5)
    keys = [usage_key("html", "welcome"), usage_key("problem", "q1"), usage_key("problem", "q2"),
            usage_key("badge_xblock", "badge")]
    assert compat.completed_blocks(enrolled, COURSE_KEY, keys) == set(keys[:2])
    assert compat.completed_blocks(enrolled, COURSE_KEY, []) == set()
    assert compat.course_completion(enrolled, "course-v1:No+Such+Course") == 0.0


def test_certificate(enrolled, block):
    assert compat.certificate(enrolled, COURSE_KEY) is None
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2)):
        courseware.answer_problem(enrolled, block(block_id), choice)
    assert compat.certificate(enrolled, COURSE_KEY) == Certificate("verified", "downloadable")
    courseware.revoke_certificate(enrolled, block("q1").course)
    assert compat.certificate(enrolled, COURSE_KEY) == Certificate("verified", "unavailable")


def test_compat_resolves_the_stand_in_signals_and_model():
    for name in ("PROBLEM_WEIGHTED_SCORE_CHANGED", "SUBSECTION_SCORE_CHANGED", "COURSE_GRADE_PASSED_FIRST_TIME",
                 "COURSE_GRADE_NOW_PASSED", "USER_RETIRE_LMS_MISC", "BlockCompletion"):
        assert compat.get_platform_object(name) is getattr(platform, name)
    assert not compat.in_platform()


def test_reads_take_a_few_queries_whatever_the_course_size(enrolled, block, django_assert_max_num_queries):
    courseware.answer_problem(enrolled, block("q1"), 0)
    with django_assert_max_num_queries(3):
        compat.block_score(enrolled, COURSE_KEY, usage_key("chapter", "ch-basics"))
    with django_assert_max_num_queries(3):
        compat.course_grade(enrolled, COURSE_KEY)
    with django_assert_max_num_queries(2):
        compat.course_completion(enrolled, COURSE_KEY)


def test_signals_stay_the_same_objects_when_a_test_swaps_the_stand_in(settings):
    settings.OPENEDX_BADGES_PLATFORM_STANDIN = "tests.fake_platform"  # a stand-in without signals
    for name in ("PROBLEM_WEIGHTED_SCORE_CHANGED", "SUBSECTION_SCORE_CHANGED", "COURSE_GRADE_PASSED_FIRST_TIME",
                 "COURSE_GRADE_NOW_PASSED", "USER_RETIRE_LMS_MISC"):
        assert compat.get_platform_object(name) is getattr(platform, name)
