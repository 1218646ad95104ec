"""
The event-driven award path's economies (performance round three), each held to what it
must not change: every award its own status bits, exactly one award per learner, follow-ups
sent once and recorded, and the rules evaluated that can have changed.

Transactional (``transaction=True``): slots are reserved ahead only outside a transaction,
as in a worker, and a worker's awards commit one by one.
"""

import os

import pytest
from django.db import transaction

from openedx_plugin.awards import awarding, rule_index
from openedx_plugin.credentials import issuing, verification
from openedx_plugin.models import Award, BadgeRule, StatusList

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_reserved_slots():
    issuing.forget_reserved_slots()
    yield
    issuing.forget_reserved_slots()


def test_reserved_slots_are_taken_once_each_and_verify(badge_class, django_user_model):
    learners = [django_user_model.objects.create_user(f"l{n}", f"l{n}@example.com", "x") for n in range(5)]
    assert issuing.reserve_slots(badge_class.issuer)
    revocation = StatusList.objects.get(issuer=badge_class.issuer, purpose=issuing.REVOCATION)
    assert revocation.next_index == issuing.SLOTS_RESERVED  # reserved, and committed, at once
    awards = [issuing.award_badge(badge_class, learner)[0] for learner in learners]
    assert sorted(a.status_index for a in awards) == list(range(5))
    assert len({(a.suspension_list_id, a.suspension_index) for a in awards}) == 5
    # the five awards took no lock and no index of their own: the reservation covered them
    assert StatusList.objects.get(pk=revocation.pk).next_index == issuing.SLOTS_RESERVED
    for award in awards:
        assert verification.verify_award(Award.objects.get(pk=award.pk)).ok


def test_no_reservation_inside_a_transaction(badge_class, django_user_model):
    """A rollback there could undo a reservation already handed out: the award locks as before."""
    learner = django_user_model.objects.create_user("ann", "ann@example.com", "x")
    with transaction.atomic():
        assert not issuing.reserve_slots(badge_class.issuer)
        award, _ = issuing.award_badge(badge_class, learner)
    assert award.status_index == 0
    assert StatusList.objects.get(issuer=badge_class.issuer, purpose=issuing.REVOCATION).next_index == 1


def test_a_rolled_back_award_leaves_its_reserved_slot_unused(badge_class, django_user_model):
    ann = django_user_model.objects.create_user("ann", "ann@example.com", "x")
    bob = django_user_model.objects.create_user("bob", "bob@example.com", "x")
    issuing.reserve_slots(badge_class.issuer)
    with pytest.raises(RuntimeError), transaction.atomic():
        issuing.award_badge(badge_class, ann)
        raise RuntimeError("the award's transaction fails")
    assert not Award.objects.exists()
    award, _ = issuing.award_badge(badge_class, bob)
    assert award.status_index == 1  # index 0 stays unused (its bit stays 0): never given twice


def test_a_forked_process_does_not_take_its_parents_reservations(badge_class, django_user_model, monkeypatch):
    learner = django_user_model.objects.create_user("ann", "ann@example.com", "x")
    issuing.reserve_slots(badge_class.issuer)
    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)  # what a prefork child sees
    award, _ = issuing.award_badge(badge_class, learner)
    assert award.status_index == issuing.SLOTS_RESERVED  # past the parent's reservation


def test_an_evaluation_claims_the_award_and_records_the_follow_ups(badge_class, learner, mailoutbox):
    BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "course_passed",
                                                                 "course": badge_class.course_key})
    rule_index.forget()
    from lms_standin.models import Course

    Course.objects.create(course_key=badge_class.course_key, display_name="DW", passing_grade=0.0)
    [award] = awarding.evaluate_learner(learner.id, badge_class.course_key,
                                        {"event": "COURSE_PASSING_STATUS_UPDATED", "interests": ["grade"]})
    award.refresh_from_db()
    assert award.announce_claimed_at is not None and award.announced_at is not None
    assert len(mailoutbox) == 1
    # the same event again: nothing new, nothing sent twice
    assert awarding.evaluate_learner(learner.id, badge_class.course_key,
                                     {"event": "COURSE_PASSING_STATUS_UPDATED", "interests": ["grade"]}) == []
    assert len(mailoutbox) == 1 and Award.objects.count() == 1


def test_an_unsent_award_is_still_claimed_before_its_follow_ups(badge_class, learner, mailoutbox):
    """An award of an interrupted run (not claimed by this one) is sent only after a claim, once."""
    award, _ = issuing.award_badge(badge_class, learner)
    Award.objects.filter(pk=award.pk).update(announce_claimed_at=None, announced_at=None)
    assert awarding.deliver_announcements(award) is True
    assert awarding.deliver_announcements(award) is False
    assert len(mailoutbox) == 1


def test_only_the_rules_that_read_what_changed_are_evaluated(badge_class, learner):
    BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "certificate",
                                                                 "course": badge_class.course_key})
    rule_index.forget()
    course = badge_class.course_key
    assert rule_index.rules_for_course(course, ["grade"]) == frozenset()
    assert len(rule_index.rules_for_course(course, ["certificate", "score"])) == 1
    assert len(rule_index.rules_for_course(course)) == 1  # no interests: every rule of the course
