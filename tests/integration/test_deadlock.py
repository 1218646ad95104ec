"""
A real InnoDB deadlock, made on purpose between two connections, is recognised as one and
the evaluation tasks run the victim's work again at once instead of waiting for celery's
retry backoff (``tasks.rerun_on_deadlock``).
"""

import threading

import pytest
from django.db import OperationalError, connections, transaction

from openedx_plugin import tasks
from openedx_plugin.models import PendingEvaluation

from .support import latest_deadlock, requires_mariadb

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), requires_mariadb]


def crossed_updates(first, second, barrier):
    """Lock ``first`` then ``second`` in one transaction; the other thread goes the other way round."""
    with transaction.atomic():
        PendingEvaluation.objects.filter(pk=first).update(attempts=1)
        barrier.wait(timeout=10)
        PendingEvaluation.objects.filter(pk=second).update(attempts=2)


def run_both(work):
    """Run ``work(first, second, barrier)`` in two threads with crossed rows; return what each raised."""
    a, b = (PendingEvaluation.objects.create(user_id=n, course_key="course-v1:X+Y+Z").pk for n in (1, 2))
    barrier, errors = threading.Barrier(2), [None, None]

    def thread(index, first, second):
        try:
            work(first, second, barrier)
        except Exception as exc:  # pylint: disable=broad-except
            errors[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread, args=(0, a, b)), threading.Thread(target=thread, args=(1, b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def test_innodb_deadlock_is_recognised():
    errors = run_both(crossed_updates)
    victims = [exc for exc in errors if exc is not None]
    assert len(victims) == 1, errors  # InnoDB rolled one transaction back, the other committed
    assert isinstance(victims[0], OperationalError) and tasks.is_deadlock(victims[0]), victims[0]
    assert not tasks.is_deadlock(OperationalError(2006, "MySQL server has gone away"))
    assert "PendingEvaluation".lower() in latest_deadlock().lower()  # what a failing test's message shows


def test_the_victim_runs_again_and_both_finish():
    calls = []

    def work(first, second, barrier):
        def once():
            calls.append(first)
            if calls.count(first) == 1:
                crossed_updates(first, second, barrier)
            else:  # the rerun: the other transaction has committed or is about to
                with transaction.atomic():
                    PendingEvaluation.objects.filter(pk__in=[first, second]).update(attempts=3)
        tasks.rerun_on_deadlock(once)

    assert run_both(work) == [None, None]
    assert len(calls) == 3  # two first runs, one rerun of the victim
    assert set(PendingEvaluation.objects.values_list("attempts", flat=True)) <= {2, 3}
