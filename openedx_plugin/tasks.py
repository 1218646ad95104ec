"""
Celery tasks: evaluate a learner's rules and award, sweep what could not be queued.

Tasks acknowledge late and are idempotent (the award's unique constraint decides),
so a worker killed mid-task or a message delivered twice never makes two awards.
"""

import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction

# Workers import this module (autodiscovery); the backpack push tasks must be registered too.
from .backpacks import tasks as _backpack_tasks  # noqa: F401,E402  pylint: disable=unused-import,wrong-import-position
from .models import PendingEvaluation

log = logging.getLogger(__name__)

# A broker that does not answer must not hold up the LMS request that raised the event.
_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _queue_options():
    queue = getattr(settings, "OPENEDX_BADGES_CELERY_QUEUE", None)
    return {"queue": queue} if queue else {}


def enqueue(user_id, course_key, trigger):
    """Send the evaluation to the broker; if that fails, store it for the sweeper."""
    try:
        evaluate_learner.apply_async(args=[user_id, course_key, trigger], retry=True, retry_policy=_RETRY_POLICY,
                                     **_queue_options())
        return True
    except Exception as exc:  # pylint: disable=broad-except  (kombu raises many kinds when the broker is down)
        log.warning("Badge evaluation for user %s in %s could not be queued (%s); kept for the sweeper.",
                    user_id, course_key, exc)
        PendingEvaluation.objects.create(user_id=user_id, course_key=course_key or "", trigger=trigger,
                                         last_error=str(exc)[:1000])
        return False


def enqueue_on_commit(user_id, course_key, trigger):
    transaction.on_commit(partial(enqueue, user_id, course_key, trigger))


def on_commit_certificate_revoked(user_id, course_key, trigger):
    def send():
        try:
            certificate_revoked.apply_async(args=[user_id, course_key, trigger], retry=True,
                                            retry_policy=_RETRY_POLICY, **_queue_options())
        except Exception as exc:  # pylint: disable=broad-except
            log.warning("Certificate revocation for user %s could not be queued (%s); kept.", user_id, exc)
            PendingEvaluation.objects.create(user_id=user_id, course_key=course_key,
                                             trigger=dict(trigger, event="CERTIFICATE_REVOKED"),
                                             last_error=str(exc)[:1000])
    transaction.on_commit(send)


@shared_task(name="openedx_badges.evaluate_learner", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
             max_retries=8)
def evaluate_learner(self, user_id, course_key, trigger):  # pylint: disable=unused-argument
    """Evaluate the rules of ``course_key`` (and the pathways they feed) for one learner."""
    from . import awarding  # pylint: disable=import-outside-toplevel

    awards = awarding.evaluate_learner(user_id, course_key, trigger)
    return [str(award.uuid) for award in awards]


@shared_task(name="openedx_badges.certificate_revoked", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError,), retry_backoff=2, retry_jitter=True, max_retries=8)
def certificate_revoked(self, user_id, course_key, trigger):  # pylint: disable=unused-argument
    from . import awarding  # pylint: disable=import-outside-toplevel

    return [str(award.uuid) for award in awarding.certificate_revoked(user_id, course_key, trigger)]


@shared_task(name="openedx_badges.sweep_pending")
def sweep_pending(limit=1000):
    """Queue the evaluations stored while the broker was down (celery beat runs this)."""
    return sweep(limit)


def sweep(limit=1000, inline=False):
    """
    Queue (or, with ``inline``, run here) stored evaluations, oldest first.

    A row is deleted only once its work is queued or done, so a sweep that
    fails half-way loses nothing.
    """
    from . import awarding  # pylint: disable=import-outside-toplevel

    done = 0
    for pending in PendingEvaluation.objects.order_by("id")[:limit]:
        try:
            if inline:
                if pending.trigger.get("event") == "CERTIFICATE_REVOKED":
                    awarding.certificate_revoked(pending.user_id, pending.course_key, pending.trigger)
                else:
                    awarding.evaluate_learner(pending.user_id, pending.course_key, pending.trigger)
            elif pending.trigger.get("event") == "CERTIFICATE_REVOKED":
                certificate_revoked.apply_async(args=[pending.user_id, pending.course_key, pending.trigger],
                                                retry=False, **_queue_options())
            else:
                evaluate_learner.apply_async(args=[pending.user_id, pending.course_key, pending.trigger],
                                             retry=False, **_queue_options())
        except Exception as exc:  # pylint: disable=broad-except
            PendingEvaluation.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1,
                                                                   last_error=str(exc)[:1000])
            log.warning("Sweeper could not process pending evaluation %s: %s", pending.pk, exc)
            if not inline:
                break  # the broker is still down: try again at the next sweep
            continue
        pending.delete()
        done += 1
    return done
