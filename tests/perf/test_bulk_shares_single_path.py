"""Bulk awards are made and announced through the single award's path: same status bits, same follow-ups."""

import pytest

from openedx_plugin.awards import awarding, bulk_issue
from openedx_plugin.credentials import issuing, verification
from openedx_plugin.models import Award

pytestmark = pytest.mark.django_db
PROVENANCE = {"source": "staff", "by": "tester", "reason": "bulk test"}


def test_a_bulk_award_carries_a_suspension_bit_and_can_be_suspended_and_reinstated(badge_class, learner,
                                                                                   other_learner):
    bulk_issue.award_many(badge_class, [learner, other_learner], provenance=PROVENANCE)
    award = Award.objects.get(badge_class=badge_class, user=learner)
    assert award.suspension_list is not None and award.suspension_list.purpose == issuing.SUSPENSION
    other = Award.objects.get(badge_class=badge_class, user=other_learner)
    assert (other.suspension_list_id, other.suspension_index) != (award.suspension_list_id, award.suspension_index)
    statuses = award.ob3_credential["credentialStatus"]
    assert isinstance(statuses, list) and {entry["statusPurpose"] for entry in statuses} == {"revocation", "suspension"}

    awarding.suspend(award, "Under review")
    award.refresh_from_db()
    assert award.state() == "suspended"
    result = verification.verify_award(award)
    assert not result.ok and result.suspended and result.revoked is False
    assert verification.verify_award(other).ok  # a neighbour's bit is untouched

    awarding.reinstate(award, staff_user=None)
    award.refresh_from_db()
    assert verification.verify_award(award).ok


def test_bulk_follow_ups_go_through_the_single_outbox(badge_class, learner, other_learner, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(awarding, "send_follow_ups",
                        lambda award, **kwargs: sent.append((award.user_id, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        bulk_issue.award_many(badge_class, [learner, other_learner], provenance=PROVENANCE, notify=True)
    assert sorted(user_id for user_id, _ in sent) == sorted([learner.pk, other_learner.pk])
    assert all(kwargs["notify"] is True for _, kwargs in sent)
    assert Award.objects.filter(badge_class=badge_class, announced_at__isnull=False).count() == 2
