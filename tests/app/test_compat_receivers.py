"""
The platform's signals reach the plugin's receivers without ever failing the sender (issue 19,
items 7 and 8), and the receivers keep what must be retried.

Several platform signals are sent with ``send()`` (PROBLEM_WEIGHTED_SCORE_CHANGED,
COURSE_GRADE_NOW_PASSED, USER_RETIRE_LMS_MISC; every openedx-event under DEBUG), so an
exception in a receiver would abort the learner's grading, a certificate save or a
retirement step.
"""

from unittest import mock

import pytest
from django.db import DatabaseError
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CcxCourseData,
    CcxCoursePassingStatusData,
    CertificateData,
    CourseData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
)

from openedx_plugin import compat, handlers, tasks
from openedx_plugin.awards import rule_index
from openedx_plugin.models import Award, BadgeRule, PendingEvaluation

pytestmark = pytest.mark.django_db
COURSE = "course-v1:TestX+DW101+2026"
CCX = "ccx-v1:TestX+DW101+2026+ccx@3"


def user_data(user):
    return UserData(id=user.id, is_active=True, pii=UserPersonalData(username=user.username, email=user.email,
                                                                      name=user.username))


@pytest.fixture
def rule(badge_class):
    return BadgeRule.objects.create(badge_class=badge_class,
                                    condition={"kind": "course_passed", "course": COURSE, "min_percent": 0.5})


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "enqueue_on_commit", lambda user_id, course_key, trigger: calls.append(
        (user_id, course_key, trigger["event"])))
    return calls


# --- item 7: nothing of ours reaches the sender ---------------------------------------------------


@pytest.mark.parametrize("error", [DatabaseError("the rule index's table is locked"), RuntimeError("a bug of ours")])
def test_a_failing_rule_lookup_never_breaks_grading_and_the_evaluation_is_kept(platform, rule, learner, error):
    signal = compat.get_platform_object("PROBLEM_WEIGHTED_SCORE_CHANGED")
    with mock.patch.object(rule_index, "cares", side_effect=error):
        # send(), as the LMS sends it: an exception here would abort the learner's grading.
        signal.send(sender=None, user_id=learner.id, course_id=COURSE, usage_id=f"{COURSE}+type@problem+block@p1",
                    weighted_earned=1, weighted_possible=1, only_if_higher=False, score_deleted=False)
    [pending] = PendingEvaluation.objects.all()
    assert (pending.user_id, pending.course_key, pending.trigger["event"]) == (
        learner.id, COURSE, "PROBLEM_WEIGHTED_SCORE_CHANGED")
    assert type(error).__name__ in pending.last_error


def test_a_failing_queue_keeps_the_evaluation(platform, rule, learner, monkeypatch):
    monkeypatch.setattr(tasks, "enqueue_on_commit", mock.Mock(side_effect=OSError("broker gone")))
    compat.get_platform_object("COURSE_GRADE_NOW_PASSED").send(sender=None, user=learner,
                                                               course_id=CourseKey.from_string(COURSE))
    assert PendingEvaluation.objects.filter(user_id=learner.id, course_key=COURSE).count() == 1


def test_a_certificate_save_is_never_broken(platform, rule, learner, monkeypatch):
    monkeypatch.setattr(rule_index, "cares", mock.Mock(side_effect=LookupError("unexpected")))
    data = CertificateData(user=user_data(learner), course=CourseData(course_key=CourseKey.from_string(COURSE)),
                           mode="verified", grade="0.9", current_status="downloadable", download_url="", name="")
    # send_event falls back to send() under DEBUG; here it is called the way the platform's save calls it.
    CERTIFICATE_CREATED.send_event(certificate=data)
    CERTIFICATE_REVOKED.send_event(certificate=data)
    assert handlers.on_certificate_revoked(certificate=data) is None
    kept = sorted(p.trigger["event"] for p in PendingEvaluation.objects.filter(user_id=learner.id, course_key=COURSE))
    # CERTIFICATE_CREATED is recorded under the CERTIFICATE_CHANGED trigger; the revocation is kept as such,
    # so the sweeper revokes the badges that needed the certificate.
    assert kept == ["CERTIFICATE_CHANGED", "CERTIFICATE_REVOKED", "CERTIFICATE_REVOKED"]


def test_a_failing_retirement_step_never_breaks_the_retirement_and_changes_nothing(platform, learner, badge_class,
                                                                                    caplog):
    from openedx_plugin.credentials import issuing

    award, _ = issuing.award_badge(badge_class, learner)
    retire = compat.get_platform_object("USER_RETIRE_LMS_MISC")
    with mock.patch("openedx_plugin.backpacks.services.retire_user", side_effect=DatabaseError("deadlock")):
        retire.send(sender=None, user=learner)  # accounts/views.py: .send(sender=self.__class__, user=...)
    award.refresh_from_db()
    assert award.user_id == learner.id  # all or nothing: the step can be run again
    assert any("on_user_retired failed" in record.getMessage() for record in caplog.records)
    retire.send(sender=None, user=learner)
    award.refresh_from_db()
    assert award.user_id is None


def test_every_receiver_is_guarded():
    """Each receiver named in plugin_app is wrapped: none may let an exception reach a platform sender."""
    from openedx_plugin.apps import _RECEIVERS

    for receiver in _RECEIVERS:
        func = getattr(handlers, receiver["receiver_func_name"])
        assert func.__wrapped__ is not None, receiver["receiver_func_name"]
        with mock.patch.object(handlers, "request_evaluation", side_effect=RuntimeError("boom")), \
                mock.patch.object(rule_index, "cares", side_effect=RuntimeError("boom")):
            assert func(sender=None, signal=None) is None


# --- item 8: CCX ---------------------------------------------------------------------------------------


def test_a_ccx_learner_passing_counts_for_the_master_course(platform, rule, learner, queued):
    CCX_COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CcxCoursePassingStatusData(
        is_passing=True, user=user_data(learner),
        course=CcxCourseData(ccx_course_key=CourseKey.from_string(CCX), master_course_key=CourseKey.from_string(COURSE),
                             display_name="CCX")))
    assert queued == [(learner.id, COURSE, "COURSE_PASSING_STATUS_UPDATED")]


def test_a_ccx_score_counts_for_the_master_course(platform, rule, learner, queued):
    compat.get_platform_object("COURSE_GRADE_NOW_PASSED").send(sender=None, user=learner,
                                                               course_id=CourseKey.from_string(CCX))
    assert queued == [(learner.id, COURSE, "COURSE_GRADE_PASSED")]


def test_an_award_is_not_made_in_the_receiver(platform, rule, learner, queued):
    compat.get_platform_object("COURSE_GRADE_PASSED_FIRST_TIME").send(sender=None, user_id=learner.id,
                                                                      course_id=CourseKey.from_string(COURSE))
    assert queued and not Award.objects.exists()
