"""
The backpacks' periodic celery task (``requeue_pushes``, run by celery beat).

The push task itself, ``openedx_badges.push_award``, lives in ``services`` next to the
pushes it queues and performs: it acknowledges late (a worker killed mid-push re-runs it; the push is
idempotent by its attempt row and the hosts' upsert/duplicate semantics) and retries
transient failures (timeouts, refused connections, 5xx) with exponential backoff and
jitter. The retry limit is read at run time so that the task itself, not celery,
decides the last try and records a final ``failed`` with the reason.

This module must be imported by workers: ``openedx_plugin/tasks.py`` imports it.
"""

from celery import shared_task

from . import services


@shared_task(name="openedx_badges.requeue_pushes")
def requeue_pushes():
    """Queue attempts left pending while the broker was down (celery beat runs this)."""
    return services.requeue_stale()
