"""
A storm of duplicate evaluations (events arrive more than once, from several LMS
processes) consumed by concurrent worker processes makes exactly one award, and
every message is processed: none fails, none is left in the queue or unacknowledged.
"""

import threading

import pytest

from lms_standin.demo_course import COURSE_KEY
from openedx_plugin import tasks
from openedx_plugin.models import Award, PendingEvaluation

from .support import QUEUE, consumption_held, requires_mariadb, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), requires_mariadb]

STORM = 1000
THREADS = 10


def send_storm(user_id):
    """Half sent directly, half through the receivers' path (enqueue) from concurrent threads."""
    trigger = {"event": "COURSE_PASSING_STATUS_UPDATED", "event_id": "one-event-delivered-many-times"}
    for _ in range(STORM // 2):
        tasks.evaluate_learner.apply_async(args=[user_id, COURSE_KEY, trigger], queue=QUEUE)
    queued = []

    def sender():
        mine = [tasks.enqueue(user_id, COURSE_KEY, trigger) for _ in range(STORM // 2 // THREADS)]
        queued.extend(mine)

    threads = [threading.Thread(target=sender) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert queued == [True] * (STORM // 2)  # all reached the broker


@pytest.mark.parametrize("workers", [1, 2], ids=["one-worker", "two-workers"])
@pytest.mark.usefixtures("passed_then_badge")
def test_duplicate_storm_awards_exactly_once(workers, student, live):
    crew = [live.worker] + ([live.start_worker("it-storm")] if workers == 2 else [])
    try:
        assert not Award.objects.exists()
        marks = [worker.mark() for worker in crew]
        # hold consumption while the storm is queued, then let every worker process loose on it at once
        with consumption_held(live.app, crew):
            send_storm(student.id)
            assert live.backlog() == STORM

        def done():
            return sum(worker.succeeded(mark) for worker, mark in zip(crew, marks, strict=True))

        wait_for(lambda: done() >= STORM, f"{STORM} evaluations", timeout=90)
        live.drain()
        assert done() == STORM
        if workers == 2:
            assert all(worker.succeeded(mark) for worker, mark in zip(crew, marks, strict=True)), "both took part"
        assert [line for worker, mark in zip(crew, marks, strict=True) for line in worker.problems(mark)] == []
        assert Award.objects.filter(user=student).count() == 1
        assert not PendingEvaluation.objects.exists()
    finally:
        for extra in crew[1:]:
            extra.stop()
