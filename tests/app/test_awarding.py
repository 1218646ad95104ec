"""
The award pipeline end to end in one process: real openedx-events and internal
signals reach the receivers, evaluation is queued on commit (celery runs eagerly
here; tests/integration runs a real worker), and the award is made once.
"""

from unittest import mock

import pytest
from django.core import mail
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    BADGE_AWARDED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)

from openedx_plugin import compat, handlers, tasks
from openedx_plugin.awards import awarding, bulk, rule_index
from openedx_plugin.credentials import issuing, verification
from openedx_plugin.models import Award, BadgeRule, PendingEvaluation

pytestmark = pytest.mark.django_db
COURSE = "course-v1:TestX+DW101+2026"
QUIZ = "block-v1:TestX+DW101+2026+type@sequential+block@final"


def user_data(user):
    return UserData(id=user.id, is_active=True, pii=UserPersonalData(username=user.username, email=user.email,
                                                                      name=user.username))


def send_passing(user, course=COURSE, passing=True):
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=passing, course=CourseData(course_key=CourseKey.from_string(course)), user=user_data(user)))


@pytest.fixture
def passed_rule(badge_class):
    return BadgeRule.objects.create(badge_class=badge_class,
                                    condition={"kind": "course_passed", "course": COURSE, "min_percent": 0.8})


def test_passing_event_awards_once_with_provenance(platform, passed_rule, learner,
                                                   django_capture_on_commit_callbacks):
    platform.GRADES[(learner.id, COURSE)] = (0.91, True)
    awarded = []
    BADGE_AWARDED.connect(lambda **kw: awarded.append(kw["badge"]), dispatch_uid="test-awarded", weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send_passing(learner)
        with django_capture_on_commit_callbacks(execute=True):
            send_passing(learner)  # at-least-once delivery: the same event again
    finally:
        BADGE_AWARDED.disconnect(dispatch_uid="test-awarded")
    award = Award.objects.get()
    assert award.provenance["source"] == "rule"
    assert award.provenance["trigger"]["event"] == "COURSE_PASSING_STATUS_UPDATED"
    assert award.provenance["trigger"]["event_id"]
    assert award.ob3_credential["credentialSubject"]["result"][0]["value"] == "91"
    assert award.ob3_credential["credentialSubject"]["achievement"]["resultDescription"][0]["resultType"] == \
        "Percent"
    assert verification.verify_award(award).ok
    assert [badge.uuid for badge in awarded] == [str(award.uuid)]
    assert len(mail.outbox) == 1 and "Data Wrangler" in mail.outbox[0].subject
    assert mail.outbox[0].to == [learner.email]


def test_not_met_means_no_award(platform, passed_rule, learner, django_capture_on_commit_callbacks):
    platform.GRADES[(learner.id, COURSE)] = (0.7, True)
    with django_capture_on_commit_callbacks(execute=True):
        send_passing(learner)
    assert not Award.objects.exists()


def test_payload_is_not_trusted(platform, passed_rule, learner, django_capture_on_commit_callbacks):
    # the event says passing, the platform's grade says otherwise: the grade decides
    platform.GRADES[(learner.id, COURSE)] = (0.2, False)
    with django_capture_on_commit_callbacks(execute=True):
        send_passing(learner, passing=True)
    assert not Award.objects.exists()


def test_course_without_rules_costs_no_query_and_queues_nothing(platform, passed_rule, learner,
                                                              django_assert_num_queries):
    rule_index.cares(COURSE, "grade")  # warm the index, as a running LMS has
    with mock.patch.object(tasks, "enqueue_on_commit") as enqueue:
        with django_assert_num_queries(0):
            for _ in range(50):
                send_passing(learner, course="course-v1:Other+C1+2026")
                compat.PROBLEM_WEIGHTED_SCORE_CHANGED.send(sender=None, user_id=learner.id,
                                                           course_id="course-v1:Other+C1+2026", usage_id="x")
    enqueue.assert_not_called()


def test_course_with_a_rule_only_enqueues_on_commit(passed_rule, learner, django_assert_num_queries):
    rule_index.cares(COURSE, "grade")
    with mock.patch.object(tasks.evaluate_learner, "apply_async") as apply_async:
        with django_assert_num_queries(0):
            send_passing(learner)
        apply_async.assert_not_called()  # nothing until the transaction commits
    assert rule_index.cares(COURSE, "grade") and not rule_index.cares(COURSE, "score")


def test_index_follows_rule_changes(badge_class):
    assert not rule_index.cares(COURSE, "score")
    rule = BadgeRule.objects.create(badge_class=badge_class, condition={
        "kind": "score", "course": COURSE, "block": QUIZ, "min_fraction": 0.5})
    assert rule_index.cares(COURSE, "score")
    rule.enabled = False
    rule.save()
    assert not rule_index.cares(COURSE, "score")


def test_malformed_payloads_are_dropped_quietly(passed_rule):
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(COURSE)),
        user=UserData(id=None, is_active=True, pii=None)))
    assert handlers.on_problem_score(user_id=None, course_id=None) is None
    assert handlers.on_subsection_score(course=None, user=None) is None
    assert handlers.on_block_completion(instance=object()) is None
    assert not Award.objects.exists()


def test_problem_score_signal_awards_assessment_badge(platform, badge_class, learner,
                                                      django_capture_on_commit_callbacks):
    BadgeRule.objects.create(badge_class=badge_class, condition={
        "kind": "score", "course": COURSE, "block": QUIZ, "min_points": 8})
    platform.BLOCKS[COURSE] = [{"usage_key": QUIZ, "block_type": "sequential", "display_name": "Final quiz",
                                "graded": True, "parent": None}]
    platform.SCORES[(learner.id, QUIZ)] = (9, 10)
    with django_capture_on_commit_callbacks(execute=True):
        compat.PROBLEM_WEIGHTED_SCORE_CHANGED.send(sender=None, user_id=learner.id, course_id=COURSE,
                                                   usage_id=QUIZ + "-problem", weighted_earned=9,
                                                   weighted_possible=10)
    award = Award.objects.get()
    assert award.evidence[0]["name"] == "Final quiz"
    assert award.evidence[0]["id"].endswith(f"/courses/{COURSE}/jump_to/{QUIZ}")
    assert award.provenance["scores"][0]["earned"] == 9
    assert award.ob3_credential["evidence"][0]["name"] == "Final quiz"


def test_broker_down_keeps_the_evaluation_and_the_sweeper_catches_up(platform, passed_rule, learner,
                                                                     django_capture_on_commit_callbacks):
    platform.GRADES[(learner.id, COURSE)] = (0.95, True)
    with mock.patch.object(tasks.evaluate_learner, "apply_async", side_effect=ConnectionRefusedError("down")):
        with django_capture_on_commit_callbacks(execute=True):
            send_passing(learner)
        assert PendingEvaluation.objects.count() == 1
        assert tasks.sweep() == 0  # still down: the row stays
        assert PendingEvaluation.objects.get().attempts == 1
    assert tasks.sweep() == 1  # broker back (eager here): queued and run
    assert not PendingEvaluation.objects.exists()
    assert Award.objects.count() == 1


def test_sweep_inline_runs_without_a_broker(platform, passed_rule, learner):
    platform.GRADES[(learner.id, COURSE)] = (0.95, True)
    PendingEvaluation.objects.create(user_id=learner.id, course_key=COURSE, trigger={"event": "test"})
    from django.core.management import call_command

    call_command("badges_sweep", inline=True)
    assert Award.objects.count() == 1 and not PendingEvaluation.objects.exists()


def test_pathway_awards_when_its_last_part_is_earned(platform, issuer, learner, django_capture_on_commit_callbacks):
    part_a = issuing.create_badge_class(issuer, "Part A", "First part.", criteria_narrative="Pass A.")
    part_b = issuing.create_badge_class(issuer, "Part B", "Second part.", criteria_narrative="Pass B.")
    whole = issuing.create_badge_class(issuer, "Pathway", "Both parts.", criteria_narrative="Earn A and B.",
                                       achievement_type="MicroCredential")
    course_b = "course-v1:TestX+B+2026"
    BadgeRule.objects.create(badge_class=part_a, condition={"kind": "course_passed", "course": COURSE})
    BadgeRule.objects.create(badge_class=part_b, condition={"kind": "course_passed", "course": course_b})
    BadgeRule.objects.create(badge_class=whole, condition={"kind": "badges", "badges": [str(part_a.uuid),
                                                                                         str(part_b.uuid)]})
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)
    with django_capture_on_commit_callbacks(execute=True):
        send_passing(learner)
    assert set(Award.objects.values_list("badge_class__name", flat=True)) == {"Part A"}
    platform.GRADES[(learner.id, course_b)] = (0.9, True)
    with django_capture_on_commit_callbacks(execute=True):
        send_passing(learner, course=course_b)
    assert set(Award.objects.values_list("badge_class__name", flat=True)) == {"Part A", "Part B", "Pathway"}
    pathway = Award.objects.get(badge_class=whole)
    assert pathway.provenance["trigger"]["event"] == "COURSE_PASSING_STATUS_UPDATED"


def test_certificate_revoked_revokes_its_badge(platform, badge_class, learner, django_capture_on_commit_callbacks):
    BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "certificate", "course": COURSE})
    platform.CERTIFICATES[(learner.id, COURSE)] = ("verified", "downloadable")
    awarding.evaluate_learner(learner.id, COURSE, {"event": "test"})
    award = Award.objects.get()
    platform.CERTIFICATES[(learner.id, COURSE)] = ("verified", "unavailable")
    with django_capture_on_commit_callbacks(execute=True):
        CERTIFICATE_REVOKED.send_event(certificate=CertificateData(
            user=user_data(learner), course=CourseData(course_key=CourseKey.from_string(COURSE)), mode="verified",
            grade="0.9", current_status="unavailable", download_url="", name=""))
    award.refresh_from_db()
    assert award.revoked and "certificate" in award.revocation_reason
    assert verification.verify_award(award).revoked


def test_certificate_revocation_can_be_switched_off(settings, platform, badge_class, learner):
    settings.OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE = False
    BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "certificate", "course": COURSE})
    platform.CERTIFICATES[(learner.id, COURSE)] = ("verified", "downloadable")
    awarding.evaluate_learner(learner.id, COURSE, {"event": "test"})
    platform.CERTIFICATES[(learner.id, COURSE)] = ("verified", "unavailable")
    assert awarding.certificate_revoked(learner.id, COURSE, {}) == []
    assert not Award.objects.get().revoked


def test_revoked_badge_is_not_reawarded_by_events(platform, passed_rule, learner, django_capture_on_commit_callbacks):
    platform.GRADES[(learner.id, COURSE)] = (0.95, True)
    awarding.evaluate_learner(learner.id, COURSE, {"event": "test"})
    issuing.revoke_award(Award.objects.get(), "Misconduct")
    with django_capture_on_commit_callbacks(execute=True):
        send_passing(learner)
    assert Award.objects.count() == 1


def test_manual_and_bulk_awards(badge_class, learner, other_learner, admin_user):
    award, created = awarding.manual_award(badge_class, learner, staff_user=admin_user, reason="Mentoring")
    assert created and award.provenance == {**award.provenance, "source": "staff", "by": "admin",
                                            "reason": "Mentoring"}
    rows = bulk.read_identifiers("username\nlearner\nOTHER@example.com\nghost\nlearner\n")
    assert [value for _, value in rows] == ["learner", "OTHER@example.com", "ghost"]
    dry = bulk.bulk_award(badge_class, rows, staff_user=admin_user, reason="Workshop", dry_run=True)
    assert [row.status for row in dry] == ["already holds it", "would award", "not found"]
    assert Award.objects.count() == 1
    done = bulk.bulk_award(badge_class, rows, staff_user=admin_user, reason="Workshop", dry_run=False)
    assert [row.status for row in done] == ["already holds it", "awarded", "not found"]
    assert Award.objects.get(user=other_learner).provenance["reason"] == "Workshop"


def test_badges_award_command(badge_class, learner, tmp_path):
    from django.core.management import call_command

    csv_file = tmp_path / "learners.csv"
    csv_file.write_text("email\nlearner@example.com\n")
    call_command("badges_award", badge=str(badge_class.uuid), reason="Event", csv=str(csv_file), dry_run=True)
    assert not Award.objects.exists()
    call_command("badges_award", badge=str(badge_class.uuid), reason="Event", user="learner")
    assert Award.objects.get().provenance["source"] == "staff"


def test_progress_for_the_block(platform, badge_class, learner):
    BadgeRule.objects.create(badge_class=badge_class, condition={
        "kind": "score", "course": COURSE, "block": QUIZ, "min_points": 8})
    platform.BLOCKS[COURSE] = [{"usage_key": QUIZ, "block_type": "sequential", "display_name": "Quiz 2",
                                "graded": True, "parent": None}]
    platform.SCORES[(learner.id, QUIZ)] = (7, 10)
    progress = awarding.progress(badge_class, learner)
    assert progress["state"] == "none" and not progress["met"]
    assert progress["items"][0].text == "7 of 10 points on Quiz 2, 8 needed."


def test_signals_of_one_transaction_queue_one_evaluation(passed_rule, learner, django_capture_on_commit_callbacks):
    """One answer raises several grade signals in one transaction: one evaluation is queued, not four."""
    from django.db import transaction  # pylint: disable=import-outside-toplevel

    with mock.patch.object(tasks.evaluate_learner, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            for _ in range(3):
                send_passing(learner)
            with transaction.atomic():  # a savepoint inside the same transaction
                send_passing(learner)
        assert len(callbacks) == 1
    [call] = apply_async.call_args_list
    user_id, course_key, trigger = call.kwargs["args"]
    assert (user_id, course_key) == (learner.id, COURSE)
    assert trigger["event"] == "COURSE_PASSING_STATUS_UPDATED" and trigger["coalesced"] == 4


def test_a_rolled_back_first_signal_does_not_swallow_the_next(passed_rule, learner,
                                                             django_capture_on_commit_callbacks):
    from django.db import transaction  # pylint: disable=import-outside-toplevel

    with mock.patch.object(tasks.evaluate_learner, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    send_passing(learner)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            send_passing(learner)
    assert apply_async.call_count == 1
    assert "coalesced" not in apply_async.call_args.kwargs["args"][2]


def test_a_deadlock_victim_is_evaluated_again_at_once(platform, passed_rule, learner):
    """InnoDB's deadlock error reruns the evaluation in the task (no celery retry); other errors still retry."""
    from django.db import OperationalError  # pylint: disable=import-outside-toplevel

    platform.GRADES[(learner.id, COURSE)] = (0.95, True)
    real, calls = awarding.evaluate_learner, []

    def deadlock_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")
        return real(*args, **kwargs)

    with mock.patch.object(awarding, "evaluate_learner", side_effect=deadlock_once), \
            mock.patch.object(tasks.time, "sleep"):
        result = tasks.evaluate_learner.apply(args=[learner.id, COURSE, {"event": "test"}])
    assert result.successful() and len(calls) == 2 and Award.objects.count() == 1

    gone = OperationalError(2006, "MySQL server has gone away")
    with mock.patch.object(awarding, "evaluate_learner", side_effect=gone) as evaluate, \
            mock.patch.object(tasks.evaluate_learner, "retry", side_effect=RuntimeError("retried")) as retry:
        with pytest.raises(RuntimeError, match="retried"):
            tasks.evaluate_learner.apply(args=[learner.id, COURSE, {"event": "test"}], throw=True)
    assert evaluate.call_count == 1 and retry.call_count == 1  # celery's backoff, not a rerun here
