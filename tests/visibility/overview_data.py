"""Awards over months, revocations, pushes and pending evaluations, for the overview's tests."""

from datetime import UTC, datetime, timedelta

from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award, BackpackProvider, BadgeClass, PendingEvaluation, PushAttempt

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def build(issuer, django_user_model, per_badge=(6, 3, 1)):
    """Badges in two courses and one pathway badge; awards across the last months; returns the badges."""
    badges = [
        BadgeClass.objects.create(issuer=issuer, course_key="course-v1:Demo+Python+2026", name="Python basics",
                                  description="d", criteria_narrative="Do it."),
        BadgeClass.objects.create(issuer=issuer, course_key="course-v1:Demo+Data+2026", name="Data wrangling",
                                  description="d", criteria_narrative="Do it."),
        BadgeClass.objects.create(issuer=issuer, course_key="", name="Data pathway", description="d", criteria_narrative="Do it."),
    ]
    users = [django_user_model.objects.create_user(f"learner{i}", f"learner{i}@example.com", "pw")
             for i in range(max(per_badge))]
    awards = []
    for badge, count in zip(badges, per_badge, strict=True):
        for i in range(count):
            award, _ = issuing.award_badge(badge, users[i])
            Award.objects.filter(pk=award.pk).update(created=NOW - timedelta(days=31 * (i % 4)))
            awards.append(award)
    issuing.revoke_award(awards[0], "error")
    Award.objects.filter(pk=awards[0].pk).update(revoked_at=NOW - timedelta(days=3))
    wallet = BackpackProvider.objects.create(kind=BackpackProvider.KINDS[0][0], name="University wallet",
                                             base_url="https://wallet.example.com")
    badgr = BackpackProvider.objects.create(kind=BackpackProvider.KINDS[1][0], name="Badgr backpack",
                                            base_url="https://badgr.example.com")
    for i, (provider, status) in enumerate([(wallet, PushAttempt.SENT)] * 3 + [(wallet, PushAttempt.FAILED)]
                                           + [(badgr, PushAttempt.SENT), (badgr, PushAttempt.PENDING)]):
        PushAttempt.objects.create(award=awards[i], provider=provider, status=status, idempotency_key=f"k{i}",
                                   attempts=1, last_error="The wallet answered 503." if status == "failed" else "")
    PendingEvaluation.objects.create(user_id=users[0].id, course_key="course-v1:Demo+Python+2026",
                                     last_error="ValueError: bad image")
    return badges
