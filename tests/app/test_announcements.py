"""
An award's follow-ups (BADGE_AWARDED, the email, backpack pushes) are an outbox:
sent once, recorded, and sent again when a database error or a crash interrupted
them; never lost, and not repeated by a duplicate evaluation.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone
from openedx_events.learning.signals import BADGE_AWARDED

from openedx_plugin import compat
from openedx_plugin.awards import awarding, bulk_issue
from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award, BadgeRule

pytestmark = pytest.mark.django_db
COURSE = "course-v1:TestX+DW101+2026"


@pytest.fixture
def emitted():
    sent = []
    BADGE_AWARDED.connect(lambda **kw: sent.append(kw["badge"].uuid), dispatch_uid="test-outbox", weak=False)
    yield sent
    BADGE_AWARDED.disconnect(dispatch_uid="test-outbox")


@pytest.fixture
def rule(badge_class):
    return BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "course_passed", "course": COURSE})


def drop_connection_in_email(monkeypatch, times=1):
    """The database goes away while the email is being prepared, ``times`` times."""
    real, calls = compat.user_language, []

    def flaky(user):
        calls.append(user.id)
        if len(calls) <= times:
            raise OperationalError(2013, "Lost connection to server during query")
        return real(user)
    monkeypatch.setattr(compat, "user_language", flaky)
    return calls


def test_followups_are_sent_once_and_recorded(platform, rule, learner, emitted, django_capture_on_commit_callbacks):
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)
    for _ in range(3):  # the same event, delivered three times
        with django_capture_on_commit_callbacks(execute=True):
            awarding.evaluate_learner(learner.id, COURSE, {"event": "test"})
    award = Award.objects.get()
    assert award.announced_at is not None and award.announce_claimed_at is not None
    assert emitted == [str(award.uuid)]
    assert len(mail.outbox) == 1


def test_a_dropped_connection_raises_for_the_retry_which_sends_them(platform, rule, learner, emitted, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)
    drop_connection_in_email(monkeypatch)
    with pytest.raises(OperationalError):  # the task fails, so celery retries it
        with django_capture_on_commit_callbacks(execute=True):
            awarding.evaluate_learner(learner.id, COURSE, {"event": "test"})
    award = Award.objects.get()
    assert award.announced_at is None and award.announce_claimed_at is None, "the claim is released"
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):  # the retry
        made = awarding.evaluate_learner(learner.id, COURSE, {"event": "test"})
    assert made == [] and Award.objects.count() == 1  # no new award: the existing one is announced
    award.refresh_from_db()
    assert award.announced_at is not None
    assert len(mail.outbox) == 1
    # the event went out before the email failed, so the retry repeats it (at least once, documented)
    assert emitted == [str(award.uuid)] * 2


def test_a_fresh_claim_is_respected_and_a_lapsed_one_taken_over(badge_class, learner, emitted):
    award, _ = issuing.award_badge(badge_class, learner)
    Award.objects.filter(pk=award.pk).update(announce_claimed_at=timezone.now())
    assert awarding.deliver_announcements(award) is False  # another worker is sending them
    assert emitted == [] and mail.outbox == []

    lapsed = timezone.now() - awarding.ANNOUNCE_LEASE - timedelta(seconds=1)
    Award.objects.filter(pk=award.pk).update(announce_claimed_at=lapsed)  # that worker died
    assert awarding.deliver_announcements(award) is True
    assert emitted == [str(award.uuid)] and len(mail.outbox) == 1
    assert awarding.deliver_announcements(award) is False  # done: never again


def test_the_sweeper_sends_what_a_crash_left(badge_class, learner, other_learner, emitted):
    crashed, _ = issuing.award_badge(badge_class, learner)  # made, its worker killed before the follow-ups
    fresh, _ = issuing.award_badge(badge_class, other_learner)  # its worker is still at it
    old = timezone.now() - awarding.ANNOUNCE_LEASE - timedelta(minutes=1)
    Award.objects.filter(pk=crashed.pk).update(created=old, announce_claimed_at=old)
    assert awarding.sweep_announcements() == 1
    assert emitted == [str(crashed.uuid)]
    assert [message.to for message in mail.outbox] == [[learner.email]]
    assert Award.objects.get(pk=fresh.pk).announced_at is None
    assert awarding.sweep_announcements() == 0


def test_the_sweeper_stops_while_the_database_fails(badge_class, learner, monkeypatch):
    award, _ = issuing.award_badge(badge_class, learner)
    Award.objects.filter(pk=award.pk).update(created=timezone.now() - awarding.ANNOUNCE_LEASE * 2)
    drop_connection_in_email(monkeypatch)
    assert awarding.sweep_announcements() == 0
    assert Award.objects.get(pk=award.pk).announced_at is None
    assert awarding.sweep_announcements() == 1
    assert Award.objects.get(pk=award.pk).announced_at is not None


def test_bulk_awards_record_their_followups(badge_class, learner, other_learner, emitted,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = bulk_issue.award_many(badge_class, [learner, other_learner], provenance={"source": "test"}, notify=True)
    assert result.awarded == 2
    assert Award.objects.filter(announced_at__isnull=True).count() == 0
    assert len(emitted) == 2 and len(mail.outbox) == 2


def test_bulk_followups_cut_short_are_left_to_the_sweeper(badge_class, learner, other_learner, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    drop_connection_in_email(monkeypatch, times=1)
    with django_capture_on_commit_callbacks(execute=True):
        bulk_issue.award_many(badge_class, [learner, other_learner], provenance={"source": "test"}, notify=True)
    assert Award.objects.filter(announced_at__isnull=True).count() == 2, "nothing recorded past the failure"
    assert awarding.sweep_announcements() == 0, "the run's claim holds for the lease"
    lapsed = timezone.now() - awarding.ANNOUNCE_LEASE * 2
    Award.objects.update(created=lapsed, announce_claimed_at=lapsed)
    assert awarding.sweep_announcements() == 2
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("task", ["evaluate_learner", "certificate_revoked"])
def test_an_evaluation_out_of_retries_is_kept_for_the_sweeper(task, learner):
    """Retries exhausted by a long database outage: the evaluation is stored, not dropped."""
    from openedx_plugin import tasks  # pylint: disable=import-outside-toplevel
    from openedx_plugin.models import PendingEvaluation  # pylint: disable=import-outside-toplevel

    the_task = getattr(tasks, task)
    assert the_task.max_retries == 20
    the_task.on_failure(OperationalError(2006, "MySQL server has gone away"), "id",
                        (learner.id, COURSE, {"event": "COURSE_PASSING_STATUS_UPDATED"}), {}, None)
    the_task.on_failure(ValueError("a bug, not the database"), "id", (learner.id, COURSE, {}), {}, None)
    [pending] = PendingEvaluation.objects.all()
    assert (pending.user_id, pending.course_key) == (learner.id, COURSE)
    expected = "CERTIFICATE_REVOKED" if task == "certificate_revoked" else "COURSE_PASSING_STATUS_UPDATED"
    assert pending.trigger["event"] == expected and "gone away" in pending.last_error
