"""
What the integration tests share: a real celery worker process, the Redis it
shares with the test process, and waiting for outcomes with a deadline.

The worker is started exactly as an operator starts the LMS's workers
(``celery -A <app> worker --pool=prefork``), against the test database that
pytest-django created on MariaDB, so a test sees what production would.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.ci import unavailable  # noqa: F401  (conftest.py uses support.unavailable)

REPO = Path(__file__).resolve().parents[2]
REDIS_HOST = os.environ.get("BADGES_IT_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("BADGES_IT_REDIS_PORT", "6379"))
# Dedicated Redis databases (flushed by the tests): the broker's and the shared cache's.
BROKER_DB = int(os.environ.get("BADGES_IT_BROKER_DB", "5"))
CACHE_DB = BROKER_DB + 1
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}"
CACHE_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{CACHE_DB}"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
# Nothing but the tests' workers consumes this queue (OPENEDX_BADGES_CELERY_QUEUE).
QUEUE = "openedx_badges_it"
# Short enough for the crash test to wait for; long compared to any task here.
VISIBILITY_TIMEOUT = 8
DEADLINE = 30

# What the tests need is checked in conftest.py (pytest_runtest_setup): without BADGES_DB=mysql
# they fail in CI and are skipped elsewhere (tests.ci.unavailable), before any worker starts.
requires_mariadb = pytest.mark.mysql
NEEDS_MARIADB = ("integration tests need MariaDB, Redis and a celery worker: run them with BADGES_DB=mysql "
                 "(make test does where MariaDB runs)")


def wait_for(predicate, what, timeout=DEADLINE, interval=0.1):
    """Poll until ``predicate()`` is truthy; fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def setting_names(app, name):
    """
    Every name under which ``app``'s configuration may hold the setting ``name`` (new spelling).

    An app configured from Django settings with a namespace (``namespace="CELERY"``) reads
    ``CELERY_TASK_ALWAYS_EAGER`` from the settings object; one configured as the LMS does (no
    namespace) reads ``task_always_eager`` or the old name, ``CELERY_ALWAYS_EAGER``. Celery 5.6
    looks a setting up name by name across all its sources, the namespaced name first, so a
    run-time ``app.conf.task_always_eager = False`` is hidden behind the Django setting
    (celery 5.7 looks in the run-time changes first). Setting every name holds under both.
    """
    from celery.app import defaults  # pylint: disable=import-outside-toplevel

    names = [name, name.upper()]
    old = getattr(defaults, "_TO_OLD_KEY", {}).get(name)
    if old:
        names.append(old)
    if app.namespace:
        names.append(f"{app.namespace}_{name.upper()}")
    return names


def set_conf(app, name, value):
    """Set ``app.conf.<name>`` at run time so that it holds whatever the app was configured from."""
    for key in setting_names(app, name):
        app.conf[key] = value
    if getattr(app.conf, name) != value:
        raise RuntimeError(f"the celery app still reads {name}={getattr(app.conf, name)!r} after setting {value!r}")


def use_broker(app, url):
    """
    Point the sending side at ``url``. The app forgets its pools, so the next send
    connects to ``url`` (kombu keeps one pool per URL, so switching back reuses it).
    A switch that did not take raises at once, instead of tasks and pings going to
    another broker and the tests waiting out their deadlines.
    """
    if app.conf.broker_url == url:
        return
    set_conf(app, "broker_url", url)
    app._pool = None  # pylint: disable=protected-access
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None  # pylint: disable=protected-access


def wait_until_restorable(redis_client):
    """
    Wait until every delivered, unacknowledged message is past its visibility timeout.

    A worker restores such messages when it starts (kombu's Redis transport, ``on_poll_init``)
    and then periodically: every ``unacked_restore_interval`` x ``unacked_restore_throttle``
    seconds from kombu 5.7 (worker_settings.py sets both to 1), but only every 100 s with the
    kombu 5.6 that the platform pins, which has neither option. A worker started after this
    returns restores them at once on either.
    """
    delivered = [score for _tag, score in redis_client.zrange("unacked_index", 0, -1, withscores=True)]
    if delivered:
        time.sleep(max(0.0, max(delivered) + VISIBILITY_TIMEOUT + 0.5 - time.time()))


def backlog(redis_client):
    """Messages not yet finished: waiting in a queue, or delivered and not yet acknowledged."""
    waiting = sum(redis_client.llen(key) for key in redis_client.scan_iter(match=f"{QUEUE}*", count=1000)
                  if redis_client.type(key) == b"list")
    return waiting + redis_client.hlen("unacked")


def drain(redis_client, timeout=60):
    """Wait until every message sent so far has been processed and acknowledged (quiet for 0.5 s)."""
    def quiet():
        if backlog(redis_client):
            return False
        time.sleep(0.5)
        return backlog(redis_client) == 0
    wait_for(quiet, "the workers to finish every queued task", timeout=timeout, interval=0.2)


class Worker:
    """One ``celery worker`` process (and its prefork children), logging to a file."""

    def __init__(self, name, log_dir, db_name, queue=QUEUE, concurrency=2):
        self.hostname = f"{name}@{socket.gethostname()}"
        self.queue = queue
        self.concurrency = concurrency
        self.db_name = db_name
        self.log_path = Path(log_dir) / f"{name}.log"
        self.proc = None

    def start(self, timeout=DEADLINE):
        env = dict(os.environ,
                   DJANGO_SETTINGS_MODULE="tests.integration.worker_settings",
                   BADGES_DB="mysql", BADGES_MYSQL_DB=self.db_name,
                   BADGES_CELERY_BROKER=BROKER_URL, BADGES_IT_CACHE=CACHE_URL,
                   BADGES_IT_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
                   BADGES_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "celery", "-A", "lms_standin", "worker", "--pool=prefork",
                   f"--concurrency={self.concurrency}", "-Q", self.queue, "-n", self.hostname,
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
        with open(self.log_path, "ab") as log:
            # its own process group, so a crash can be simulated by killing all of it at once
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while f"{self.hostname} ready." not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                status = "exited" if self.proc.poll() is not None else "did not get ready"
                self.kill()
                pytest.fail(f"celery worker {self.hostname} {status}:\n{self.log()[-4000:]}", pytrace=False)
            time.sleep(0.1)
        return self

    def log(self, since=0):
        try:
            return self.log_path.read_bytes()[since:].decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def mark(self):
        """A position in the log: ``log(since=mark)`` is what was written after it."""
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def succeeded(self, since=0, task="openedx_badges.evaluate_learner"):
        return len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", self.log(since)))

    def problems(self, since=0):
        """Log lines that mean a task or the worker went wrong."""
        return [line for line in self.log(since).splitlines()
                if "Traceback" in line or "ERROR/" in line or "CRITICAL/" in line or "Retry in" in line]

    def stop(self, timeout=20):
        """Warm shutdown (finish running tasks), then make sure nothing of it is left."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        """SIGKILL the worker and its pool processes at once, as a crash or an OOM kill would."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


@contextmanager
def consumption_held(app, workers):
    """
    Stop ``workers`` taking messages from the tests' queue for the block, then let
    all of them loose at once: what the block queues meets every process together.
    """
    hosts = [worker.hostname for worker in workers]
    replies = app.control.cancel_consumer(QUEUE, destination=hosts, reply=True, timeout=5)
    assert len(replies) == len(hosts), replies
    try:
        yield
    finally:
        replies = app.control.add_consumer(QUEUE, destination=hosts, reply=True, timeout=5)
    assert len(replies) == len(hosts), replies


def passing_learners(course, count, prefix):
    """
    ``count`` learners with full marks on every problem of ``course`` (so they pass),
    written in batches as a data migration would: ids in creation order.
    """
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel
    from django.utils import timezone  # pylint: disable=import-outside-toplevel

    from lms_standin.models import ProblemScore  # pylint: disable=import-outside-toplevel

    user_model = get_user_model()
    user_model.objects.bulk_create(
        [user_model(username=f"{prefix}{n}", email=f"{prefix}{n}@example.com", password="!", first_name="Learner",
                    last_name=str(n)) for n in range(count)], batch_size=1000)
    users = list(user_model.objects.filter(username__startswith=prefix).order_by("id"))
    problems = list(course.blocks.filter(block_type="problem"))
    now = timezone.now()
    ProblemScore.objects.bulk_create(
        [ProblemScore(user=user, block=problem, earned=problem.max_points, possible=problem.max_points, modified=now)
         for user in users for problem in problems], batch_size=2000)
    return users


def latest_deadlock():
    """InnoDB's report of the last deadlock it broke (for a failing test's message), or ''."""
    from django.db import connection  # pylint: disable=import-outside-toplevel

    with connection.cursor() as cursor:
        cursor.execute("SHOW ENGINE INNODB STATUS")
        status = cursor.fetchone()[2]
    start = status.find("LATEST DETECTED DEADLOCK")
    return status[start:status.find("\nTRANSACTIONS\n", start)] if start >= 0 else ""
