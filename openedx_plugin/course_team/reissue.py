"""
Re-issue a badge's held awards with the badge's current text, as a celery task.

Issued credentials are signed: editing a badge changes what new awards say, never what a
learner already holds. When the course team wants the held ones to say the new text, each is
revoked and replaced, the way a compromised key's awards are (``persistence.compromise``):
same learner, same evidence and results, the original issue date, a hold kept as a hold,
the learner's DID bindings and backpack pushes carried over, and the new award announced.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import conf
from ..awards import awarding
from ..credentials import issuing
from ..models import Award, BadgeClass, CourseTeamAction
from ..persistence import binding, compromise

log = logging.getLogger(__name__)
TASK = "openedx_badges.course_team_reissue"
REASON = "Re-issued with the badge's updated details."


def queue(badge_id, entry_id):
    """
    Send the task (with celery eager it runs here). Called after the commit: if the broker is
    down the history entry says the re-issue was not queued, and the team can ask again.
    """
    try:
        reissue_badge.apply_async(args=[badge_id, entry_id], **tasks_queue())
    except Exception:  # pylint: disable=broad-except  (kombu raises many kinds when the broker is down)
        log.exception("The re-issue of badge %s could not be queued.", badge_id)
        CourseTeamAction.objects.filter(pk=entry_id).update(detail={"awards": 0, "queued": False, "failed": True})


def tasks_queue():
    """The plugin's queue (OPENEDX_BADGES_CELERY_QUEUE), as the evaluation tasks use it."""
    queue_name = conf.get("OPENEDX_BADGES_CELERY_QUEUE")
    return {"queue": queue_name} if queue_name else {}


def held(badge):
    """The awards learners hold now (earned or on hold) of ``badge``."""
    now = timezone.now()
    return (Award.objects.filter(badge_class=badge, revoked=False)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now)).order_by("id"))


def replace(award):
    """Revoke one award and issue its replacement; None when the learner's account was retired."""
    suspended, hold_reason = award.suspended, award.suspension_reason
    awarding.revoke(award, REASON)
    if award.user is None:
        return None
    provenance = {"source": "reissue", "replaces": str(award.uuid), "time": timezone.now().isoformat()}
    new, created = issuing.award_badge(award.badge_class, award.user, evidence=award.evidence, result=award.result,
                                       provenance=provenance, issued_on=award.issued_on, after_revocation=True)
    if not created:
        return new
    if suspended:
        new = awarding.suspend(new, hold_reason or "Held.")
    binding.bind_again(award, new)
    awarding.announce(new)
    transaction.on_commit(lambda: compromise._push_again(award, new))  # pylint: disable=protected-access
    return new


@shared_task(name=TASK, acks_late=True)
def reissue_badge(badge_id, entry_id=None):
    """Replace every held award of the badge, one transaction per award; the audit entry gets the count."""
    badge = BadgeClass.objects.filter(pk=badge_id).select_related("issuer").first()
    if badge is None:
        return 0
    done = 0
    for award in held(badge).select_related("badge_class__issuer", "user").iterator(chunk_size=200):
        try:
            with transaction.atomic():
                replace(award)
            done += 1
        except Exception:  # pylint: disable=broad-except  (one award never stops the others; logged for the operator)
            log.exception("Re-issuing award %s of badge %s failed.", award.pk, badge.pk)
    if entry_id:
        CourseTeamAction.objects.filter(pk=entry_id).update(detail={"awards": done, "queued": False})
    return done
