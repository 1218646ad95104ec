"""
Celery tasks: evaluate a learner's rules and award, sweep what could not be queued.

Tasks acknowledge late and are idempotent (the award's unique constraint decides),
so a worker killed mid-task or a message delivered twice never makes two awards.
"""

import logging
import random
import time
from functools import partial

from celery import Task, shared_task
from django.db import DatabaseError, OperationalError, transaction

from . import conf
from .awards import awarding

# Workers import this module (autodiscovery); the backpack push tasks must be registered too.
from .backpacks import tasks as _backpack_tasks  # noqa: F401,E402  pylint: disable=unused-import,wrong-import-position
from .course_team import reissue as _course_team_tasks  # noqa: F401,E402  pylint: disable=unused-import
from .models import PendingEvaluation

# ... and the static verification bundle's scheduled refresh (issue 21), the overview's tallies (issue 14).
from .persistence import tasks as _bundle_tasks  # noqa: F401  pylint: disable=unused-import
from .visibility import event_bus
from .visibility import tasks as _overview_tasks  # noqa: F401  pylint: disable=unused-import

log = logging.getLogger(__name__)

# A broker that does not answer must not hold up the LMS request that raised the event.
_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _queue_options():
    queue = conf.get("OPENEDX_BADGES_CELERY_QUEUE")
    return {"queue": queue} if queue else {}


def publish(task, user_id, course_key, trigger):
    """
    Publish ``task`` for one learner, on the LMS's request path: as cheaply as celery
    allows, then once more with kombu's reconnecting retry if the pooled connection
    had gone stale. Raises if the broker is unreachable.

    ``argsrepr``: celery would otherwise ``saferepr`` the arguments of every message
    (for monitoring), a tenth of the cost of a publish.
    """
    args = [user_id, course_key, trigger]
    options = dict(_queue_options(), argsrepr=f"[{user_id!r}, {course_key!r}, ...]", kwargsrepr="{}")
    try:
        task.apply_async(args=args, retry=False, **options)
    except Exception:  # pylint: disable=broad-except  (kombu raises many kinds when the broker is down)
        task.apply_async(args=args, retry=True, retry_policy=_RETRY_POLICY, **options)


def enqueue(user_id, course_key, trigger):
    """Send the evaluation to the broker; if that fails, store it for the sweeper."""
    try:
        publish(evaluate_learner, user_id, course_key, trigger)
        return True
    except Exception as exc:  # pylint: disable=broad-except  (kombu raises many kinds when the broker is down)
        log.warning("Badge evaluation for user %s in %s could not be queued (%s); kept for the sweeper.",
                    user_id, course_key, exc)
        PendingEvaluation.objects.create(user_id=user_id, course_key=course_key or "", trigger=trigger,
                                         last_error=str(exc)[:1000])
        return False


def enqueue_on_commit(user_id, course_key, trigger):
    """
    Queue the evaluation when the transaction commits, once per learner and course.

    One answer raises several signals (score, subsection, course grade, passing
    status) in the same transaction, and each would queue the same evaluation; the
    later ones are folded into the first (its trigger counts them). The pending
    callbacks are Django's own list, so a rolled-back savepoint forgets its share.
    """
    key = (user_id, course_key)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, *_ in getattr(connection, "run_on_commit", ()):
            if getattr(callback, "badges_evaluation", None) == key:
                fold(callback.args[2], trigger)
                return
    callback = partial(enqueue, user_id, course_key, dict(trigger))
    callback.badges_evaluation = key
    transaction.on_commit(callback)


def fold(folded, trigger):
    """
    Fold a later signal's ``trigger`` into the one queued first: what changed (``interests``)
    is the union, and carried scores (``scores``) take the later value of a block, which is
    the one stored last.
    """
    folded["coalesced"] = folded.get("coalesced", 1) + 1
    if "interests" in folded or "interests" in trigger:
        if "interests" in folded and "interests" in trigger:
            folded["interests"] = sorted(set(folded["interests"]) | set(trigger["interests"]))
        else:
            folded.pop("interests", None)  # one of them asked for everything: so be it
    if trigger.get("scores"):
        folded["scores"] = dict(folded.get("scores") or {}, **trigger["scores"])


def on_commit_certificate_revoked(user_id, course_key, trigger):
    """Queue ``certificate_revoked`` once the revocation commits (the signal handler calls this); if
    the broker refuses it, keep it as a PendingEvaluation for the sweeper rather than lose it."""
    def send():
        try:
            publish(certificate_revoked, user_id, course_key, trigger)
        except Exception as exc:  # pylint: disable=broad-except
            log.warning("Certificate revocation for user %s could not be queued (%s); kept.", user_id, exc)
            PendingEvaluation.objects.create(user_id=user_id, course_key=course_key,
                                             trigger=dict(trigger, event="CERTIFICATE_REVOKED"),
                                             last_error=str(exc)[:1000])
    transaction.on_commit(send)


# MySQL/MariaDB "Deadlock found when trying to get lock" and PostgreSQL's deadlock_detected.
_DEADLOCK_MYSQL = 1213
_DEADLOCK_POSTGRES = "40P01"
DEADLOCK_RERUNS = 3


def is_deadlock(exc):
    """True for the database's deadlock error: the server rolled back one of two transactions."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return (exc.args[:1] == (_DEADLOCK_MYSQL,) or getattr(cause, "args", ())[:1] == (_DEADLOCK_MYSQL,)
            or getattr(cause, "pgcode", None) == _DEADLOCK_POSTGRES
            or getattr(cause, "sqlstate", None) == _DEADLOCK_POSTGRES)


def rerun_on_deadlock(func, *args):
    """
    Run ``func(*args)``, running it again at once (up to DEADLOCK_RERUNS times) when the
    database picked one of its transactions as a deadlock's victim.

    Two evaluations of the same learner in two worker processes (a learner answering
    twice in quick succession, or the sweeper queueing the evaluations kept during a
    broker outage) write the same award and progress rows, and InnoDB may break their
    lock wait by rolling one back. MySQL's manual asks applications to re-issue such a
    transaction; an evaluation is idempotent (the award's unique constraint decides), so
    running it again is safe, and doing it here costs milliseconds where celery's retry
    waits its backoff. Other database errors (a lost connection, a database that is
    down) still go to celery's retries with backoff.
    """
    reruns = 0
    while True:
        try:
            return func(*args)
        except OperationalError as exc:
            reruns += 1
            if not is_deadlock(exc) or reruns > DEADLOCK_RERUNS:
                raise
            log.info("Deadlock in %s for %s; running it again (%d of %d).", getattr(func, "__name__", func),
                     args[:2], reruns, DEADLOCK_RERUNS)
            time.sleep(random.uniform(0.005, 0.05 * reruns))  # lets the other transaction commit first


class EvaluationTask(Task):
    """
    Retried on database errors for about half an hour (20 retries, backoff capped at
    5 minutes); if the database is still failing then, the evaluation is kept as a
    PendingEvaluation when it can be written, for the sweeper, rather than dropped.
    """

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if not isinstance(exc, DatabaseError) or len(args) < 3:
            return
        user_id, course_key, trigger = args[:3]
        trigger = trigger if isinstance(trigger, dict) else {}
        event = "CERTIFICATE_REVOKED" if self.name == certificate_revoked.name else trigger.get("event", "")
        try:
            PendingEvaluation.objects.create(user_id=user_id, course_key=course_key or "",
                                             trigger=dict(trigger, event=event), last_error=str(exc)[:1000])
        except DatabaseError:
            log.error("Badge evaluation for user %s in %s failed for good: %s", user_id, course_key, exc)


# ignore_result: nobody reads these results; with a result backend configured (as the LMS
# may), storing them, or subscribing to them at send time, would cost every event.
@shared_task(name="openedx_badges.evaluate_learner", bind=True, base=EvaluationTask, acks_late=True,
             reject_on_worker_lost=True, ignore_result=True,
             autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
             max_retries=20)
def evaluate_learner(self, user_id, course_key, trigger):  # pylint: disable=unused-argument
    """Evaluate the rules of ``course_key`` (and the pathways they feed) for one learner."""

    awards = rerun_on_deadlock(awarding.evaluate_learner, user_id, course_key, trigger)
    return [str(award.uuid) for award in awards]


@shared_task(name="openedx_badges.certificate_revoked", bind=True, base=EvaluationTask, acks_late=True,
             reject_on_worker_lost=True, ignore_result=True,
             autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
             max_retries=20)
def certificate_revoked(self, user_id, course_key, trigger):  # pylint: disable=unused-argument
    """Revoke the badges a revoked certificate earned (``awarding.certificate_revoked``); retried as evaluations are."""

    revoked = rerun_on_deadlock(awarding.certificate_revoked, user_id, course_key, trigger)
    return [str(award.uuid) for award in revoked]


@shared_task(name="openedx_badges.sweep_pending")
def sweep_pending(limit=1000):
    """Queue the evaluations stored while the broker was down (celery beat runs this), and
    send the follow-ups of awards whose run was interrupted."""

    return {"queued": sweep(limit), "announced": awarding.sweep_announcements(limit),
            "bus_events": event_bus.retry_failed(limit)}


@shared_task(name="openedx_badges.notify_expiring")
def notify_expiring(limit=1000):
    """Email learners whose badges expire soon, once per award (``awarding.notify_expiring``); beat runs it hourly."""

    return awarding.notify_expiring(limit)


def sweep(limit=1000, inline=False, queryset=None):
    """
    Queue (or, with ``inline``, run here) stored evaluations, oldest first.

    A row is deleted only once its work is queued or done, so a sweep that
    fails half-way loses nothing. The periodic sweep leaves alone the rows of a rule
    whose award failed (``rule`` set): the operator retries those from the admin
    (``queryset``, run inline) once the badge is fixed; a retry that fails again
    keeps the row, with the new error and one more attempt.
    """

    if queryset is None:
        queryset = PendingEvaluation.objects.filter(rule__isnull=True)
    done = 0
    for pending in queryset.order_by("id")[:limit]:
        try:
            if pending.rule_id is not None:
                if not inline:
                    continue
                awarding.evaluate_learner(pending.user_id, pending.course_key, pending.trigger,
                                          rule_ids={pending.rule_id})
                # a new failure updated the row (attempts + 1): it stays for the next retry
                if PendingEvaluation.objects.filter(pk=pending.pk, attempts=pending.attempts).delete()[0]:
                    done += 1
                continue
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

