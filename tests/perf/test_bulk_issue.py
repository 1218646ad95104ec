"""Bulk awarding (bulk_issue): exactly once, verifiable documents, bounded batches. Functional, not timed."""

import jwt
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openedx_events.learning.signals import BADGE_AWARDED

from openedx_plugin.awards import bulk, bulk_issue
from openedx_plugin.credentials import issuing, keystore, verification
from openedx_plugin.models import Award, SigningKey, StatusList

pytestmark = pytest.mark.django_db
PROVENANCE = {"source": "staff", "by": "tester", "reason": "bulk test"}


@pytest.fixture
def learners(django_user_model):
    return [django_user_model.objects.create_user(f"bulk{i:03d}", f"bulk{i:03d}@example.com", "pw")
            for i in range(23)]


def bulk_users(django_user_model):
    return django_user_model.objects.filter(username__startswith="bulk")


def test_awards_every_learner_once_and_rerun_awards_nobody(badge_class, learners, django_user_model):
    first = bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE, batch_size=5)
    assert first.awarded == 23 and first.already == 0 and first.batches == 5
    second = bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE, batch_size=5)
    assert second.awarded == 0 and second.already == 23
    assert Award.objects.filter(badge_class=badge_class).count() == 23
    slots = list(Award.objects.values_list("status_list_id", "status_index"))
    assert len(set(slots)) == 23
    assert StatusList.objects.get(purpose="revocation").next_index == 23
    assert StatusList.objects.get(purpose="suspension").next_index == 23  # every award can be suspended


def test_documents_verify_and_jws_is_signed_by_the_active_rsa_key(badge_class, learners, django_user_model):
    bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE, batch_size=10)
    rsa_key = keystore.active_key(badge_class.issuer, SigningKey.RSA)
    for award in Award.objects.select_related("badge_class__issuer", "status_list", "user"):
        assert verification.verify_award(award).ok, verification.verify_award(award).errors
        payload = jwt.decode(award.ob2_jws, rsa_key.public_key, algorithms=["RS256"])
        assert payload["id"] == f"urn:uuid:{award.uuid}"
        assert award.provenance["source"] == "staff"
        assert award.recipient_identity == award.ob3_credential["credentialSubject"]["identifier"][0]["identityHash"]


def test_same_documents_as_the_single_award_path(badge_class, learner, other_learner):
    """The batch signer and award_badge produce credentials of the same shape (same keys, same fields)."""
    single, _ = issuing.award_badge(badge_class, learner, provenance=PROVENANCE)
    result = bulk_issue.award_many(badge_class, [other_learner], provenance=PROVENANCE)
    assert result.awarded == 1
    batch = Award.objects.get(user=other_learner)
    assert set(batch.ob3_credential) == set(single.ob3_credential)
    assert batch.ob3_credential["proof"]["verificationMethod"] == single.ob3_credential["proof"]["verificationMethod"]
    assert set(batch.ob2_signed_assertion) == set(single.ob2_signed_assertion)


def test_concurrent_single_award_then_bulk_still_one(badge_class, learners, django_user_model, monkeypatch):
    """A learner awarded between the batch's holder check and its insert: the constraint decides, once."""
    victim = learners[3]
    real_existing = bulk_issue._existing

    def racing_existing(badge, user_ids, now):
        seen = real_existing(badge, user_ids, now)
        if victim.pk in user_ids and not Award.objects.filter(user=victim).exists():
            issuing.award_badge(badge, victim, provenance={"source": "rule"})  # the concurrent award
        return seen

    monkeypatch.setattr(bulk_issue, "_existing", racing_existing)
    result = bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE, batch_size=10)
    assert result.fallback_batches == 1
    assert Award.objects.filter(user=victim).count() == 1
    assert Award.objects.get(user=victim).provenance == {"source": "rule"}
    assert Award.objects.count() == 23 and result.awarded == 22 and result.already == 1
    slots = list(Award.objects.values_list("status_list_id", "status_index"))
    assert len(set(slots)) == 23


def test_revoked_and_expired_holders_get_a_new_award(badge_class, learners, django_user_model):
    revoked, _ = issuing.award_badge(badge_class, learners[0])
    issuing.revoke_award(revoked, "mistake")
    held, _ = issuing.award_badge(badge_class, learners[1])
    result = bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE)
    assert result.awarded == 22 and result.already == 1
    assert Award.objects.get(user=learners[0], sequence=2).revoked is False
    assert Award.objects.filter(user=learners[1]).get() == held


def test_queries_per_batch_are_bounded(badge_class, learners, django_user_model):
    """Streaming: the query count grows with the number of batches, not of learners."""
    def queries(batch_size, users):
        Award.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            result = bulk_issue.award_many(badge_class, users, provenance=PROVENANCE, batch_size=batch_size)
        return result, len(ctx.captured_queries)

    queries(30, bulk_users(django_user_model).filter(username="bulk000"))  # creates the status list
    small, q_small = queries(30, bulk_users(django_user_model).filter(username__lt="bulk005"))
    large, q_large = queries(30, bulk_users(django_user_model))
    assert small.batches == large.batches == 1
    assert q_small == q_large  # 5 learners or 23: the same queries
    result, q = queries(5, bulk_users(django_user_model))
    assert result.batches == 5
    per_batch = q_large  # keys, then per batch: users, holders, savepoint/lock/update/insert
    assert q <= per_batch * 5


def test_users_are_read_in_pages(badge_class, learners, django_user_model):
    batches = list(bulk_issue.iter_batches(bulk_users(django_user_model), 10))
    assert [len(b) for b in batches] == [10, 10, 3]
    assert [u.pk for b in batches for u in b] == sorted(u.pk for u in learners)


def test_events_after_commit_and_no_email_by_default(badge_class, learners, django_user_model, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    received = []
    BADGE_AWARDED.connect(lambda **kw: received.append(kw["badge"].uuid), dispatch_uid="perf-bulk", weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE, batch_size=10)
    finally:
        BADGE_AWARDED.disconnect(dispatch_uid="perf-bulk")
    assert len(received) == 23 and len(set(received)) == 23
    assert mailoutbox == []


def test_notify_emails(badge_class, learners, django_user_model, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bulk_issue.award_many(badge_class, bulk_users(django_user_model).filter(username="bulk000"),
                              provenance=PROVENANCE, notify=True)
    assert len(mailoutbox) == 1


def test_slots_spill_into_a_new_list(badge_class, learners, django_user_model, settings):
    settings.OPENEDX_BADGES_STATUS_LIST_SIZE = 16
    bulk_issue.award_many(badge_class, bulk_users(django_user_model), provenance=PROVENANCE, batch_size=20)
    for purpose in ("revocation", "suspension"):
        lists = StatusList.objects.filter(purpose=purpose)
        assert sorted(lists.values_list("next_index", flat=True)) == [7, 16]
    for award in Award.objects.select_related("badge_class__issuer", "status_list"):
        assert verification.verify_award(award).ok


def test_admin_bulk_award_streams_when_large(badge_class, learners, settings, admin_user):
    settings.OPENEDX_BADGES_BULK_STREAM_THRESHOLD = 10
    identifiers = [(i + 1, f"bulk{i:03d}") for i in range(23)] + [(30, "nobody")]
    issuing.award_badge(badge_class, learners[0])
    report = bulk.bulk_award(badge_class, identifiers, staff_user=admin_user, reason="cohort", dry_run=False)
    statuses = [row.status for row in report]
    assert statuses.count("awarded") == 22 and statuses.count("already holds it") == 1
    assert statuses[-1] == "not found"
    award = Award.objects.get(user=learners[5])
    assert award.provenance["by"] == admin_user.username and award.provenance["reason"] == "cohort"
    assert str(award.uuid) == report[5].award_uuid


def test_management_command(badge_class, learners, tmp_path, capsys):
    call_command("badges_bulk_award", "--badge", str(badge_class.uuid), "--reason", "cohort", "--all-users",
                 "--username-prefix", "bulk01", "--batch-size", "4")
    assert "awarded 10" in capsys.readouterr().out
    listing = tmp_path / "users.txt"
    listing.write_text("username\nbulk010\nbulk020\nghost\n")
    call_command("badges_bulk_award", "--badge", str(badge_class.uuid), "--reason", "cohort",
                 "--users-file", str(listing))
    assert "awarded 1, already held 1" in capsys.readouterr().out
