"""
Celery tasks that push awards to backpacks.

``push_award`` acknowledges late (a worker killed mid-push re-runs it; the push is
idempotent by its attempt row and the hosts' upsert/duplicate semantics) and retries
transient failures (timeouts, refused connections, 5xx) with exponential backoff and
jitter. The retry limit is read at run time so that the task itself, not celery,
decides the last try and records a final ``failed`` with the reason.

This module must be imported by workers: ``openedx_plugin/tasks.py`` imports it.
"""

from celery import shared_task
from django.conf import settings

from .http import TransientError


def _setting(name, default):
    return getattr(settings, name, default)


def max_retries():
    return int(_setting("OPENEDX_BADGES_PUSH_MAX_RETRIES", 5))


@shared_task(name="openedx_badges.push_award", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True,  # the PushAttempt row is the result the learner and operator see
             autoretry_for=(TransientError,), max_retries=None,
             retry_backoff=int(_setting("OPENEDX_BADGES_PUSH_RETRY_BACKOFF", 30)),
             retry_backoff_max=int(_setting("OPENEDX_BADGES_PUSH_RETRY_BACKOFF_MAX", 3600)),
             retry_jitter=True,
             soft_time_limit=int(_setting("OPENEDX_BADGES_PUSH_TIME_LIMIT", 120)),
             time_limit=int(_setting("OPENEDX_BADGES_PUSH_TIME_LIMIT", 120)) + 30)
def push_award(self, attempt_id):
    """Send (or revoke) one ``PushAttempt``; returns its status."""
    from . import services  # pylint: disable=import-outside-toplevel

    attempt = services.perform(attempt_id, final=self.request.retries >= max_retries())
    return attempt.status if attempt is not None else None


@shared_task(name="openedx_badges.requeue_pushes")
def requeue_pushes():
    """Queue attempts left pending while the broker was down (celery beat runs this)."""
    from . import services  # pylint: disable=import-outside-toplevel

    return services.requeue_stale()
