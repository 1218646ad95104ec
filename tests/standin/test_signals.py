"""The learner's actions emit what the LMS emits, in order and with the LMS's arguments."""

from datetime import datetime

import pytest
from completion.models import BlockCompletion
from django.db import transaction
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

from lms_standin import courseware, platform
from lms_standin.demo_course import COURSE_KEY, usage_key
from lms_standin.models import GeneratedCertificate, PersistentCourseGrade

pytestmark = pytest.mark.django_db

COURSE = CourseKey.from_string(COURSE_KEY)


def user_data(user):
    return UserData(id=user.id, is_active=True,
                    pii=UserPersonalData(username="ada", email="ada@example.com", name="Ada Lovelace"))


def pass_course(user, block):
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2)):
        courseware.answer_problem(user, block(block_id), choice)


def test_answering_a_problem_sends_the_grading_chain_in_order(enrolled, block, recorder):
    courseware.answer_problem(enrolled, block("q1"), 0)

    assert recorder.names() == [
        # edx-completion records the problem's completion from PROBLEM_WEIGHTED_SCORE_CHANGED, so it follows it
        "PROBLEM_WEIGHTED_SCORE_CHANGED", "post_save:BlockCompletion", "SUBSECTION_SCORE_CHANGED",
        "PERSISTENT_GRADE_SUMMARY_CHANGED", "COURSE_GRADE_NOW_FAILED", "COURSE_PASSING_STATUS_UPDATED",
    ]
    [saved] = recorder.only("post_save:BlockCompletion")
    assert saved["created"] is True
    # edx-completion's model: opaque keys, as the plugin's receiver reads them (str())
    assert (saved["instance"].user_id, str(saved["instance"].context_key), str(saved["instance"].block_key),
            saved["instance"].completion) == (enrolled.id, COURSE_KEY, usage_key("problem", "q1"), 1.0)

    [problem] = recorder.only("PROBLEM_WEIGHTED_SCORE_CHANGED")
    modified = problem.pop("modified")
    assert isinstance(modified, datetime) and modified.tzinfo is not None
    problem.pop("signal")
    assert problem == {
        "sender": None, "weighted_earned": 1.0, "weighted_possible": 1.0, "user_id": enrolled.id,
        "anonymous_user_id": None, "course_id": COURSE_KEY, "usage_id": usage_key("problem", "q1"),
        "only_if_higher": False, "score_deleted": False, "grading_policy_hash": "", "score_db_table": "csm",
    }

    [subsection] = recorder.only("SUBSECTION_SCORE_CHANGED")
    assert subsection["sender"] is None and subsection["course_structure"] is None
    assert subsection["user"] == enrolled
    assert subsection["course"].id == COURSE  # the course block, as the LMS sends it
    grade = subsection["subsection_grade"]
    assert grade.location == UsageKey.from_string(usage_key("sequential", "seq-basics"))
    assert (grade.graded_total.earned, grade.graded_total.possible) == (1.0, 2.0)

    [summary] = recorder.only("PERSISTENT_GRADE_SUMMARY_CHANGED")
    assert summary["metadata"].event_type == "org.openedx.learning.course.persistent_grade_summary.changed.v1"
    course = block("q1").course
    assert summary["grade"] == PersistentCourseGradeData(
        user_id=enrolled.id, course=CourseData(course_key=COURSE), course_edited_timestamp=course.modified,
        course_version="", grading_policy_hash="", percent_grade=0.25, letter_grade="", passed_timestamp=None)

    [failed] = recorder.only("COURSE_GRADE_NOW_FAILED")
    assert failed["user"] == enrolled and failed["course_id"] == COURSE
    [status] = recorder.only("COURSE_PASSING_STATUS_UPDATED")
    assert status["course_passing_status"] == CoursePassingStatusData(
        is_passing=False, course=CourseData(course_key=COURSE), user=user_data(enrolled))


def test_passing_sends_first_time_once_and_issues_the_certificate(enrolled, block, recorder):
    pass_course(enrolled, block)
    names = recorder.names()
    assert names[-8:] == [
        "PROBLEM_WEIGHTED_SCORE_CHANGED", "post_save:BlockCompletion", "SUBSECTION_SCORE_CHANGED",
        "COURSE_GRADE_PASSED_FIRST_TIME",
        "PERSISTENT_GRADE_SUMMARY_CHANGED", "COURSE_GRADE_NOW_PASSED", "COURSE_PASSING_STATUS_UPDATED",
        "CERTIFICATE_CREATED",
    ]
    [first] = recorder.only("COURSE_GRADE_PASSED_FIRST_TIME")
    assert first == {"signal": first["signal"], "sender": None, "course_id": COURSE, "user_id": enrolled.id}
    assert isinstance(first["course_id"], CourseKey)
    [now_passed] = recorder.only("COURSE_GRADE_NOW_PASSED")
    assert now_passed["sender"] is platform.CourseGradeFactory and now_passed["user"] == enrolled and now_passed["course_id"] == COURSE
    summary = recorder.only("PERSISTENT_GRADE_SUMMARY_CHANGED")[-1]["grade"]
    persisted = PersistentCourseGrade.objects.get(user=enrolled)
    assert (summary.percent_grade, summary.letter_grade, summary.passed_timestamp) == (
        0.75, "Pass", persisted.passed_timestamp)
    assert recorder.only("COURSE_PASSING_STATUS_UPDATED")[-1]["course_passing_status"].is_passing is True
    [created] = recorder.only("CERTIFICATE_CREATED")
    assert created["certificate"] == CertificateData(
        user=user_data(enrolled), course=CourseData(course_key=COURSE), mode="verified", grade="0.75",
        download_url="", name="Ada Lovelace", current_status="downloadable")

    # Still passing, then failing, then passing again: never "first time" again, one certificate.
    recorder.clear()
    courseware.answer_problem(enrolled, block("q4"), 0)
    courseware.answer_problem(enrolled, block("q3"), 0)
    courseware.answer_problem(enrolled, block("q4"), 1)
    courseware.answer_problem(enrolled, block("q4"), 0)
    assert recorder.names().count("COURSE_GRADE_PASSED_FIRST_TIME") == 0
    assert recorder.names().count("CERTIFICATE_CREATED") == 0
    assert [s["course_passing_status"].is_passing for s in recorder.only("COURSE_PASSING_STATUS_UPDATED")] == [
        True, True, False, True]
    assert len(recorder.only("COURSE_GRADE_NOW_PASSED")) == 3  # on every recalculation while passing, as the LMS
    assert PersistentCourseGrade.objects.get(user=enrolled).passed_timestamp == persisted.passed_timestamp
    assert GeneratedCertificate.objects.filter(user=enrolled).count() == 1


def test_revoking_the_certificate_sends_certificate_revoked(enrolled, block, recorder):
    pass_course(enrolled, block)
    recorder.clear()
    cert = courseware.revoke_certificate(enrolled, block("q1").course)
    assert cert.status == "unavailable"
    [revoked] = recorder.only("CERTIFICATE_REVOKED")
    assert revoked["metadata"].event_type == "org.openedx.learning.certificate.revoked.v1"
    assert revoked["certificate"] == CertificateData(
        user=user_data(enrolled), course=CourseData(course_key=COURSE), mode="verified", grade="",
        download_url="", name="Ada Lovelace", current_status="unavailable", previous_status="downloadable")

    courseware.revoke_certificate(enrolled, block("q1").course)  # already revoked: nothing to send
    courseware.answer_problem(enrolled, block("q4"), 0)  # still passing: a revoked certificate stays revoked
    assert recorder.names().count("CERTIFICATE_REVOKED") == 1
    assert "CERTIFICATE_CREATED" not in recorder.names()


def test_no_certificate_for_audit_or_unenrolled_learners(student, course, block, recorder, django_user_model):
    pass_course(student, block)  # not enrolled
    courseware.enroll(student, course, mode="audit")
    courseware.answer_problem(student, block("q4"), 0)
    assert "COURSE_GRADE_PASSED_FIRST_TIME" in recorder.names()
    assert "CERTIFICATE_CREATED" not in recorder.names()
    assert not GeneratedCertificate.objects.exists()


def test_viewing_html_completes_it_once(enrolled, block, recorder):
    courseware.view_block(enrolled, block("welcome"))
    courseware.view_block(enrolled, block("welcome"))
    [saved] = recorder.only("post_save:BlockCompletion")
    assert str(saved["instance"].block_key) == usage_key("html", "welcome") and saved["instance"].block_type == "html"
    assert BlockCompletion.objects.filter(user=enrolled).count() == 1


def test_enroll_sends_enrollment_created_once(student, course, recorder):
    courseware.enroll(student, course)
    courseware.enroll(student, course, mode="verified")
    [event] = recorder.only("COURSE_ENROLLMENT_CREATED")
    assert event["enrollment"].mode == "verified" and event["enrollment"].course.course_key == COURSE


def test_receivers_on_commit_work_runs_after_the_action_commits(enrolled, block, django_capture_on_commit_callbacks):
    ran = []

    def receiver(course_passing_status=None, **kwargs):
        transaction.on_commit(lambda: ran.append(course_passing_status.is_passing))

    COURSE_PASSING_STATUS_UPDATED.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            courseware.answer_problem(enrolled, block("q1"), 0)
            assert ran == []  # nothing runs inside the action's transaction
    finally:
        COURSE_PASSING_STATUS_UPDATED.disconnect(receiver)
    assert ran == [False] and len(callbacks) >= 1


def test_answering_a_non_problem_is_refused(enrolled, block):
    with pytest.raises(ValueError):
        courseware.answer_problem(enrolled, block("welcome"), 0)


def test_the_plugin_hears_every_stand_in_signal(enrolled, block, monkeypatch):
    """End to end: the receivers the plugin wires by string path at start-up get the stand-in's signals."""
    from openedx_plugin import handlers

    heard = []
    monkeypatch.setattr(handlers, "request_evaluation",
                        lambda user_id, course_key, interest, trigger: heard.append((trigger["event"], course_key)))
    courseware.view_block(enrolled, block("welcome"))
    pass_course(enrolled, block)
    events = {event for event, course_key in heard if course_key == COURSE_KEY}
    assert {"BLOCK_COMPLETION", "PROBLEM_WEIGHTED_SCORE_CHANGED", "SUBSECTION_SCORE_CHANGED", "COURSE_GRADE_PASSED",
            "PERSISTENT_GRADE_SUMMARY_CHANGED", "COURSE_PASSING_STATUS_UPDATED", "CERTIFICATE_CHANGED"} <= events
