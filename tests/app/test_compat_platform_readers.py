"""
compat's real-platform readers, run against fakes of the platform's modules (issue 19).

Each fake reproduces the shape of a row of docs/platform-contract.md (see
tests/fake_platform.py, ``PlatformFake``); edx-completion's BlockCompletion is the
real model. With no stand-in configured, compat takes its ``_platform_*`` paths
exactly as inside the LMS.
"""

import pytest
from completion.models import BlockCompletion
from opaque_keys.edx.keys import CourseKey, UsageKey
from xblock.completable import XBlockCompletionMode

from openedx_plugin import compat
from openedx_plugin.compat import Certificate, CourseGrade, Score
from tests.fake_platform import FakeCourseBlock, PlatformFake, PlatformScore

pytestmark = pytest.mark.django_db

COURSE = "course-v1:FakeX+LMS101+2026"
COURSE_KEY = CourseKey.from_string(COURSE)


def key(block_type, name):
    return COURSE_KEY.make_usage_key(block_type, name)


ROOT, CHAPTER, SEQ_GRADED, SEQ_PRACTICE = key("course", "course"), key("chapter", "c1"), key("sequential", "s1"), \
    key("sequential", "s2")
UNIT_GRADED, UNIT_PRACTICE = key("vertical", "u1"), key("vertical", "u2")
P_GRADED, P_PRACTICE, HTML, BADGE, DISCUSSION = (key("problem", "p1"), key("problem", "p2"), key("html", "h1"),
                                                  key("badge_xblock", "b1"), key("discussion", "d1"))
CHILDREN = {ROOT: [CHAPTER], CHAPTER: [SEQ_GRADED, SEQ_PRACTICE], SEQ_GRADED: [UNIT_GRADED],
            SEQ_PRACTICE: [UNIT_PRACTICE], UNIT_GRADED: [P_GRADED, HTML, BADGE], UNIT_PRACTICE: [P_PRACTICE, DISCUSSION]}


@pytest.fixture
def platform(monkeypatch, settings):
    settings.OPENEDX_BADGES_PLATFORM_STANDIN = ""
    return PlatformFake(monkeypatch)


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("lin", "lin@example.com", "pw")


def complete(user, *usage_keys):
    for usage in usage_keys:
        BlockCompletion.objects.create(user=user, context_key=COURSE_KEY, block_key=usage,
                                       block_type=usage.block_type, completion=1.0)


# --- item 2: certificates ----------------------------------------------------------------------


def test_certificate_reads_the_platforms_type_key(platform, learner):
    """get_certificate_for_user's dict names the mode "type" (today's code read "mode": KeyError)."""
    platform.certificates[("lin", COURSE)] = {
        "username": "lin", "course_key": COURSE_KEY, "type": "verified", "status": "downloadable", "grade": "0.9",
        "is_passing": True, "is_pdf_certificate": False, "download_url": "/certificates/x", "uuid": "x"}
    assert compat.certificate(learner, COURSE) == Certificate("verified", "downloadable")


def test_no_certificate_is_none(platform, learner):
    assert compat.certificate(learner, COURSE) is None


# --- item 3: completion -------------------------------------------------------------------------


def completion_structure(platform):
    aggregators = {usage: {"completion_mode": XBlockCompletionMode.AGGREGATOR}
                   for usage in (ROOT, CHAPTER, SEQ_GRADED, SEQ_PRACTICE, UNIT_GRADED, UNIT_PRACTICE)}
    platform.structure[COURSE] = (CHILDREN, {**aggregators,
        P_GRADED: {"completion_mode": XBlockCompletionMode.COMPLETABLE},
        P_PRACTICE: {"completion_mode": XBlockCompletionMode.COMPLETABLE},
        HTML: {"completion_mode": XBlockCompletionMode.COMPLETABLE},
        BADGE: {"completion_mode": XBlockCompletionMode.EXCLUDED},
        DISCUSSION: {"completion_mode": XBlockCompletionMode.COMPLETABLE},
    })


def test_completion_reaches_100_percent_in_a_course_holding_the_badge_block(platform, learner):
    """The badge block is EXCLUDED and never completed: it must not count (today: 4 of 5)."""
    completion_structure(platform)
    complete(learner, P_GRADED, P_PRACTICE, HTML, DISCUSSION)
    assert compat.course_completion(learner, COURSE) == 1.0
    assert ("get_course_blocks", learner.id, COURSE, True) in platform.calls  # completion_mode collected


def test_completion_counts_only_the_leaves_visible_to_the_learner(platform, learner):
    completion_structure(platform)
    platform.hidden[(learner.id, COURSE)] = {UNIT_PRACTICE, P_PRACTICE, DISCUSSION}  # e.g. a cohort's content
    complete(learner, P_GRADED)
    assert compat.course_completion(learner, COURSE) == 0.5  # p1 of {p1, h1}; the emptied subsection aggregates
    platform.structure[COURSE] = (CHILDREN, {})  # the same without collected modes: containers still aggregate
    assert compat.course_completion(learner, COURSE) == 0.5


def test_completion_mode_comes_from_the_block_class_when_the_structure_has_none(platform, learner):
    platform.structure[COURSE] = (CHILDREN, {})  # no completion_mode collected: the class decides
    complete(learner, P_GRADED, P_PRACTICE, HTML, DISCUSSION)
    # badge_xblock loads (EXCLUDED); problem, html, discussion do not load here and count as completable.
    assert compat.course_completion(learner, COURSE) == 1.0
    assert compat.completion_mode("badge_xblock") == XBlockCompletionMode.EXCLUDED
    assert compat.completion_mode("no-such-block-type") == XBlockCompletionMode.COMPLETABLE


def test_completed_blocks_reads_blockcompletion(platform, learner):
    complete(learner, HTML)
    asked = [str(HTML), str(P_GRADED)]
    assert compat.completed_blocks(learner, COURSE, asked) == {str(HTML)}


# --- item 6: one definition of score ---------------------------------------------------------------


def graded_course(platform, learner):
    problems = {P_GRADED: PlatformScore(1.0, 2.0, True), P_PRACTICE: PlatformScore(3.0, 3.0, False)}
    subsections = {SEQ_GRADED: PlatformFake.subsection_grade((1.0, 2.0), (1.0, 2.0)),
                   SEQ_PRACTICE: PlatformFake.subsection_grade((3.0, 3.0), (0.0, 0.0))}
    platform.grades[(learner.id, COURSE)] = PlatformFake.course_grade(0.5, False, problems, subsections, CHILDREN)


def test_an_ungraded_practice_subsection_scores_its_problems(platform, learner):
    """all_total, not graded_total (today: 0/0 for every ungraded subsection)."""
    graded_course(platform, learner)
    assert compat.block_score(learner, COURSE, str(SEQ_PRACTICE)) == Score(3.0, 3.0)
    assert compat.block_score(learner, COURSE, str(SEQ_GRADED)) == Score(1.0, 2.0)


def test_units_and_sections_sum_every_problem_below_them(platform, learner):
    graded_course(platform, learner)
    assert compat.block_score(learner, COURSE, str(UNIT_PRACTICE)) == Score(3.0, 3.0)
    assert compat.block_score(learner, COURSE, str(CHAPTER)) == Score(4.0, 5.0)
    assert compat.block_score(learner, COURSE, str(P_PRACTICE)) == Score(3.0, 3.0)
    assert compat.block_score(learner, COURSE, str(HTML)) is None  # no problem below


def test_many_block_scores_from_one_grade_read(platform, learner, django_user_model, monkeypatch):
    """Row P14: the skill-mastery rule's read, each score as block_score answers it."""
    graded_course(platform, learner)
    keys = [str(key) for key in (SEQ_PRACTICE, SEQ_GRADED, UNIT_PRACTICE, CHAPTER, P_PRACTICE, HTML)]
    one_by_one = {key: compat.block_score(learner, COURSE, key) for key in keys}
    reads = []
    original = compat._read_grade
    monkeypatch.setattr(compat, "_read_grade", lambda *args: reads.append(args) or original(*args))
    assert compat.block_scores(learner, COURSE, keys) == one_by_one
    assert len(reads) == 1
    other = django_user_model.objects.create_user("other", "o@example.com", "pw")
    assert compat.block_scores(other, COURSE, keys) == dict.fromkeys(keys)


def test_course_grade_and_a_learner_without_one(platform, learner, django_user_model):
    graded_course(platform, learner)
    assert compat.course_grade(learner, COURSE) == CourseGrade(0.5, False)
    other = django_user_model.objects.create_user("other", "o@example.com", "pw")
    assert compat.course_grade(other, COURSE) is None
    assert compat.block_score(other, COURSE, str(P_GRADED)) is None


# --- course blocks, preferences ------------------------------------------------------------------


def test_course_blocks_walks_the_modulestore_tree_in_order(platform):
    problem = FakeCourseBlock(P_GRADED, "Q1")
    seq = FakeCourseBlock(SEQ_GRADED, "Graded", graded=True, children=[FakeCourseBlock(UNIT_GRADED, "U", children=[
        problem])])
    platform.courses[COURSE] = FakeCourseBlock(ROOT, "Fake course", children=[FakeCourseBlock(CHAPTER, "Ch", children=[
        seq])])
    blocks = compat.course_blocks(COURSE)
    assert [(b["block_type"], b["parent"]) for b in blocks] == [
        ("course", None), ("chapter", str(ROOT)), ("sequential", str(CHAPTER)), ("vertical", str(SEQ_GRADED)),
        ("problem", str(UNIT_GRADED))]
    assert blocks[2]["graded"] is True and blocks[2]["display_name"] == "Graded"
    assert compat.course_blocks("course-v1:No+Such+Course") is None


def test_user_language_reads_pref_lang(platform, learner):
    platform.preferences[("lin", "pref-lang")] = "fr"
    assert compat.user_language(learner) == "fr"


# --- item 12: course roles through compat -------------------------------------------------------


def test_course_staff_is_per_course(platform, learner):
    other_course = "course-v1:FakeX+LMS202+2026"
    platform.staff.add((learner.id, COURSE))
    assert compat.is_course_staff(learner, COURSE) is True
    assert compat.is_course_staff(learner, other_course) is False
    assert ("has_access", learner.id, "staff", COURSE) in platform.calls


def test_enrollment_through_compat(platform, learner):
    platform.enrolled.add((learner.id, COURSE))
    assert compat.is_enrolled(learner, COURSE) is True
    assert compat.is_enrolled(learner, "course-v1:FakeX+LMS202+2026") is False


def test_anonymous_users_and_empty_keys_have_no_rights(platform, learner):
    from django.contrib.auth.models import AnonymousUser

    platform.staff.add((learner.id, COURSE))
    assert compat.is_course_staff(AnonymousUser(), COURSE) is False
    assert compat.is_course_staff(learner, "") is False
    assert compat.is_enrolled(None, COURSE) is False


# --- item 8: CCX -----------------------------------------------------------------------------------


def test_ccx_keys_map_to_their_master_course():
    assert compat.master_course_key("ccx-v1:FakeX+LMS101+2026+ccx@7") == COURSE
    assert compat.master_course_key(COURSE) == COURSE
    assert compat.master_course_key("ccx-v1:not a key") == "ccx-v1:not a key"
    assert compat.master_course_key(None) == ""


def test_a_ccx_learner_is_read_under_the_ccx_and_its_block_keys(platform, learner):
    """
    Rows P17-P18: the learner's CCX comes from their enrollments (one query), and the grade the
    platform keeps under the CCX key names its blocks by CCXBlockUsageLocator keys.
    """
    from ccx_keys.locator import CCXLocator

    ccx = CCXLocator.from_string("ccx-v1:FakeX+LMS101+2026+ccx@7")
    platform.enrolled.update({(learner.id, str(ccx)), (learner.id, "course-v1:FakeX+LMS202+2026")})
    assert compat.ccx_runs(learner) == {COURSE: str(ccx)}
    assert platform.calls.count(("enrollments", learner.id)) == 1
    run = compat.learner_course_run(learner, COURSE)
    ccx_problem = ccx.make_usage_key(P_GRADED.block_type, P_GRADED.block_id)
    platform.grades[(learner.id, str(ccx))] = PlatformFake.course_grade(
        0.9, True, problem_scores={ccx_problem: PlatformScore(3.0, 4.0, graded=True)})
    assert compat.course_grade(learner, run) == (0.9, True)
    assert compat.block_score(learner, run, str(P_GRADED)) == (3.0, 4.0)  # the rule names the master's block
    assert compat.block_scores(learner, run, [str(P_GRADED)]) == {str(P_GRADED): (3.0, 4.0)}
    assert compat.course_grade(learner, COURSE) is None  # nothing is kept under the master key
    # a learner of the master course only is read under it, without a CCX
    platform.enrolled.clear()
    assert compat.learner_course_run(learner, COURSE) == COURSE


# --- item 14: no platform, no stand-in ----------------------------------------------------------


def test_without_platform_or_stand_in_every_read_answers_no_data(settings, learner):
    """A block developer's workbench: no ModuleNotFoundError (xmodule, lms), just no data."""
    settings.OPENEDX_BADGES_PLATFORM_STANDIN = ""
    assert compat.in_platform() is False
    assert compat.course_grade(learner, COURSE) is None
    assert compat.block_score(learner, COURSE, str(P_GRADED)) is None
    assert compat.course_completion(learner, COURSE) is None
    assert compat.completed_blocks(learner, COURSE, [str(HTML)]) == set()
    assert compat.certificate(learner, COURSE) is None
    assert compat.course_blocks(COURSE) is None
    assert compat.is_course_staff(learner, COURSE) is False
    assert compat.is_enrolled(learner, COURSE) is False
    assert compat.user_language(learner) is None


def test_usage_keys_of_the_readers_are_the_platforms_opaque_keys(platform, learner):
    """The readers map string keys into the course (UsageKey.map_into_course), as the grade's dicts are keyed."""
    problems = {P_GRADED: PlatformScore(2.0, 2.0, True)}
    platform.grades[(learner.id, COURSE)] = PlatformFake.course_grade(1.0, True, problems, {}, CHILDREN)
    assert isinstance(UsageKey.from_string(str(P_GRADED)), UsageKey)
    assert compat.block_score(learner, COURSE, str(P_GRADED)) == Score(2.0, 2.0)


def test_authors_read_the_same_definition_in_their_language():
    from django.utils import translation

    from openedx_plugin.rules import SCORE_DEFINITION

    assert "graded or not" in str(SCORE_DEFINITION)
    with translation.override("fr"):
        assert "notés ou non" in str(SCORE_DEFINITION)


def test_course_names_come_from_course_overviews_in_one_query(platform):
    other = CourseKey.from_string("course-v1:FakeX+LMS202+2026")
    platform.overviews.update({COURSE_KEY: "Learning Management 101", other: None})
    names = compat.course_names([COURSE, str(other), "not a course key", COURSE])
    assert names == {COURSE: "Learning Management 101"}  # no name: the caller shows the key
    assert [call for call in platform.calls if call[0] == "course_overviews"] == [("course_overviews", 2)]


def test_course_home_is_the_learning_mfe(platform):
    assert compat.course_home_url(COURSE) == f"http://apps.local.openedx.io:2000/learning/course/{COURSE}/home"
