"""
Nothing is lost when the infrastructure fails: a broker outage while learners
act, a worker process killed in the middle of a task, a whole worker crashing.
"""

import io
import os
import signal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from lms_standin import courseware
from lms_standin.demo_course import COURSE_KEY
from lms_standin.models import GeneratedCertificate, PersistentCourseGrade, ProblemScore
from openedx_plugin import tasks
from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award, PendingEvaluation, StatusList

from .support import (
    BROKER_URL,
    QUEUE,
    VISIBILITY_TIMEOUT,
    latest_deadlock,
    requires_mariadb,
    use_broker,
    wait_for,
    wait_until_restorable,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), requires_mariadb]

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
TRIGGER = {"event": "COURSE_PASSING_STATUS_UPDATED", "event_id": "crash-test"}


def held(user):
    return sorted(Award.objects.filter(user=user).values_list("badge_class__name", flat=True))


@pytest.mark.usefixtures("demo_badges")
def test_broker_outage_loses_nothing(student, block, live, monkeypatch):
    """While the broker is down the LMS works and every evaluation is stored; the sweeper catches up."""
    attempts, real_enqueue = [], tasks.enqueue
    monkeypatch.setattr(tasks, "enqueue", lambda *args: attempts.append(real_enqueue(*args)) or attempts[-1])
    mark = live.worker.mark()
    use_broker(live.app, CLOSED_PORT_BROKER)
    try:
        for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
            courseware.answer_problem(student, block(block_id), choice)  # the LMS's request succeeds
    finally:
        use_broker(live.app, BROKER_URL)

    assert ProblemScore.objects.filter(user=student, earned__gt=0).count() == 4
    assert PersistentCourseGrade.objects.get(user=student).passed_timestamp is not None
    assert GeneratedCertificate.objects.filter(user=student).exists()
    assert attempts and not any(attempts), "every evaluation failed to queue"
    assert PendingEvaluation.objects.count() == len(attempts), "each one was stored for the sweeper"
    live.drain()
    assert held(student) == [] and live.worker.succeeded(mark) == 0

    out = io.StringIO()
    call_command("badges_sweep", stdout=out)  # the broker is back
    assert out.getvalue().splitlines()[0] == f"{len(attempts)} of {len(attempts)} pending evaluations queued; 0 left."
    wait_for(lambda: len(held(student)) == 3, "the awards of the swept evaluations")
    live.drain()
    assert held(student) == ["Data Analyst", "Data Pathway", "Data Reader"]
    assert not PendingEvaluation.objects.exists()
    assert live.worker.succeeded(mark) == len(attempts)
    assert not live.worker.problems(mark), latest_deadlock()


def status_list_of(issuer, django_user_model):
    """The issuer's revocation list, made by a first award as in production."""
    other = django_user_model.objects.create_user("grace", "grace@example.com", "pw")
    warm_up = issuing.create_badge_class(issuer, "Warm-up", "An earlier badge.", criteria_narrative="Be there.")
    issuing.award_badge(warm_up, other)
    return StatusList.objects.get(issuer=issuer, purpose="revocation")


def lock_waits():
    """Transactions (the worker's) waiting for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")
        return cursor.fetchone()[0]


def block_awards_and_send(status_list, student):
    """
    Hold the status list's row lock, so the award task stops mid-way: its award row
    inserted, not committed, waiting for a status-list slot. Returns when it waits.
    """
    StatusList.objects.select_for_update().get(pk=status_list.pk)
    assert tasks.enqueue(student.id, COURSE_KEY, TRIGGER)
    wait_for(lock_waits, "the award task to wait for the status list")


@pytest.mark.usefixtures("passed_then_badge")
def test_pool_process_killed_mid_task_is_redelivered(issuer, student, live, django_user_model):
    """SIGKILL of the process running the task: the message is rejected back to the queue and run again."""
    status_list = status_list_of(issuer, django_user_model)
    mark = live.worker.mark()
    with transaction.atomic():
        block_awards_and_send(status_list, student)
        active = live.app.control.inspect(destination=[live.worker.hostname], timeout=5).active()
        [task] = active[live.worker.hostname]
        assert task["name"] == "openedx_badges.evaluate_learner"
        os.kill(task["worker_pid"], signal.SIGKILL)
    # lock released: the killed task's transaction is rolled back (its connection is gone), the
    # worker notices the lost process and puts the message back, and the redelivered task awards
    wait_for(lambda: "WorkerLostError" in live.worker.log(mark), "the worker to see its process die")
    wait_for(lambda: held(student), "the redelivered task to award")
    live.drain()
    assert held(student) == ["Finisher"]
    assert live.worker.succeeded(mark) == 1
    assert f"pid:{task['worker_pid']} exited with 'signal 9 (SIGKILL)'" in live.worker.log(mark)


@pytest.mark.usefixtures("passed_then_badge")
def test_crashed_worker_message_comes_back(issuer, student, live, settings, django_user_model):
    """
    The whole worker (main process and pool) SIGKILLed mid-task, as by the OOM
    killer: the unacknowledged message returns after the visibility timeout and
    another worker awards once.
    """
    queue = f"{QUEUE}_crash"
    settings.OPENEDX_BADGES_CELERY_QUEUE = queue
    status_list = status_list_of(issuer, django_user_model)
    victim = live.start_worker("it-victim", queue=queue, concurrency=1)
    with transaction.atomic():
        block_awards_and_send(status_list, student)
        victim.kill()
    assert held(student) == []
    assert live.redis.hlen("unacked") == 1, "delivered, never acknowledged"

    wait_until_restorable(live.redis)  # the platform's kombu (5.6) sweeps again only after 100 s
    rescuer = live.start_worker("it-rescuer", queue=queue, concurrency=1)
    try:
        wait_for(lambda: held(student), "the abandoned message to be restored and run",
                 timeout=VISIBILITY_TIMEOUT + 30)
        live.drain()
        assert held(student) == ["Finisher"]
        assert rescuer.succeeded() == 1 and not rescuer.problems()
        assert victim.succeeded() == 0
    finally:
        rescuer.stop()
