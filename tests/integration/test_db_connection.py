"""
The database connection dropped under a running task (a MariaDB failover, a
proxy timing out, ``KILL CONNECTION``): the task's transaction is rolled back,
the task retries on a new connection, and the award is made exactly once.
"""

import random
import time

import pytest
from django.db import connection, transaction

from lms_standin.demo_course import COURSE_KEY
from openedx_plugin import tasks
from openedx_plugin.credentials import verification
from openedx_plugin.models import Award, PendingEvaluation

from .support import consumption_held, passing_learners, requires_mariadb, wait_for
from .test_resilience import TRIGGER, block_awards_and_send, held, status_list_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), requires_mariadb]

LEARNERS = 300
KILL_FOR = 4.0  # seconds of dropped connections while the workers award


def kill(thread_id):
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"KILL CONNECTION {int(thread_id)}")
        except Exception as exc:  # noqa: BLE001  (it may have ended by itself: ER_NO_SUCH_THREAD)
            if "Unknown thread id" not in str(exc):
                raise
            return False
    return True


def waiting_thread():
    """The MariaDB connection of the transaction that waits for a row lock (the worker's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")
        rows = cursor.fetchall()
    return rows[0][0] if len(rows) == 1 else None


@pytest.mark.usefixtures("passed_then_badge")
def test_connection_dropped_mid_award_retries_and_awards_once(issuer, student, live, django_user_model):
    """The worker's connection is killed while its award transaction is open, half written."""
    status_list = status_list_of(issuer, django_user_model)
    mark = live.worker.mark()
    with transaction.atomic():
        block_awards_and_send(status_list, student)  # the award row is inserted, not committed
        victim = waiting_thread()
        assert victim is not None
        assert kill(victim)
    wait_for(lambda: "Retry in" in live.worker.log(mark), "the task to retry after losing its connection")
    wait_for(lambda: held(student), "the retried task to award", timeout=60)
    live.drain()
    log = live.worker.log(mark)
    assert "Lost connection" in log or "server has gone away" in log, log[-3000:]
    assert held(student) == ["Finisher"]
    [award] = Award.objects.filter(user=student)
    assert verification.verify_award(award).ok
    # the rolled-back attempt took no slot: the retry has the next one after the warm-up's
    assert award.status_index == 1
    assert live.worker.succeeded(mark) == 1
    assert not PendingEvaluation.objects.exists()
    assert award.announced_at is not None


@pytest.mark.usefixtures("issuer")
def test_connections_dropped_at_random_lose_nothing(course, live, capsys):
    """
    Every worker connection killed at random moments for seconds while 300 learners
    are awarded (mid-query, mid-commit, idle between tasks): each gets one award.
    """
    from openedx_plugin import api  # pylint: disable=import-outside-toplevel

    api.save_badge(COURSE_KEY, {"name": "Finisher", "description": "Passed the demo course.",
                                "criteria_narrative": "Pass the course."},
                   rule={"kind": "course_passed", "course": COURSE_KEY})
    learners = passing_learners(course, LEARNERS, "dropped")
    mark = live.worker.mark()
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID(), DATABASE()")
        mine, database = cursor.fetchone()
    with consumption_held(live.app, [live.worker]):
        for learner in learners:
            assert tasks.enqueue(learner.id, COURSE_KEY, TRIGGER)
    rng = random.Random(8)
    killed, busy = 0, 0
    deadline = time.monotonic() + KILL_FOR
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ID, COMMAND FROM information_schema.PROCESSLIST WHERE DB = %s AND ID <> %s",
                           [database, mine])
            victims = cursor.fetchall()
        for thread_id, command in victims:
            if kill(thread_id):
                killed += 1
                busy += command != "Sleep"
        time.sleep(rng.uniform(0.02, 0.25))
    wait_for(lambda: Award.objects.count() >= LEARNERS, f"{LEARNERS} awards", timeout=240, interval=0.5)
    live.drain(timeout=120)

    awards = Award.objects.all()
    assert awards.count() == LEARNERS
    assert set(awards.values_list("user_id", flat=True)) == {learner.id for learner in learners}
    assert awards.values("status_list", "status_index").distinct().count() == LEARNERS
    assert not PendingEvaluation.objects.exists()
    assert not awards.filter(announced_at__isnull=True).exists(), "every award's event, email and pushes went out"
    retries = live.worker.log(mark).count("Retry in")
    assert killed >= 10 and busy >= 1 and retries >= 1, (killed, busy, retries)
    for award in awards.order_by("?")[:20]:
        assert verification.verify_award(award).ok
    with capsys.disabled():
        print(f"\n[db-drop] {killed} worker connections killed in {KILL_FOR:.0f} s ({busy} mid-query); "
              f"{retries} task retries; {LEARNERS}/{LEARNERS} learners awarded exactly once")
