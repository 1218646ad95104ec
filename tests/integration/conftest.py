"""
Fixtures of the integration tests: Redis, a real celery worker on the MariaDB test
database, and the stand-in courseware with the demo course and its badges.

Tests are transactional (``django_db(transaction=True)``): the worker is another
process and sees only committed rows, as the LMS's workers do.
"""

import os
from types import SimpleNamespace

import pytest

from . import support


def pytest_runtest_setup(item):
    """
    Before any fixture starts a worker: without MariaDB (BADGES_DB=mysql) these tests fail in
    CI (plain ``tox`` or ``pytest`` there must not pass them by skipping) and skip elsewhere.
    """
    if os.environ.get("BADGES_DB") != "mysql":
        support.unavailable(support.NEEDS_MARIADB)


@pytest.fixture(scope="session")
def redis_client():
    """The tests' Redis databases, emptied; missing Redis fails in CI and skips elsewhere."""
    try:
        import redis  # pylint: disable=import-outside-toplevel
    except ImportError:
        support.unavailable("the redis package is not installed (pip install 'celery[redis]')")
    client = redis.Redis(host=support.REDIS_HOST, port=support.REDIS_PORT, db=support.BROKER_DB,
                         socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        support.unavailable(f"Redis is not reachable on {support.REDIS_HOST}:{support.REDIS_PORT} ({exc})")
    client.flushdb()
    redis.Redis(host=support.REDIS_HOST, port=support.REDIS_PORT, db=support.CACHE_DB).flushdb()
    return client


@pytest.fixture(scope="session")
def celery_app():
    from lms_standin.celery import app  # pylint: disable=import-outside-toplevel

    return app


@pytest.fixture(scope="session")
def worker_factory(django_db_setup, redis_client, celery_app, tmp_path_factory):
    """
    Start workers on the test database; all are stopped at the end of the session,
    before pytest-django drops the database they use.
    """
    from django.db import connection  # pylint: disable=import-outside-toplevel

    db_name = connection.settings_dict["NAME"]  # the test database's name, once django_db_setup made it
    log_dir = tmp_path_factory.mktemp("celery-workers")
    previous_broker = celery_app.conf.broker_url
    support.use_broker(celery_app, support.BROKER_URL)
    started = []

    def start(name, **kwargs):
        worker = support.Worker(name, log_dir, db_name, **kwargs)
        started.append(worker)
        worker.start()
        # "ready" is logged before the remote-control channel listens: wait until it answers
        support.wait_for(lambda: celery_app.control.ping(destination=[worker.hostname], timeout=0.5),
                         f"{worker.hostname} to answer a ping")
        return worker

    yield start
    for worker in started:
        worker.stop()
    support.use_broker(celery_app, previous_broker)


@pytest.fixture(scope="session")
def celery_worker(worker_factory):
    """The session's worker: prefork, two processes, consuming the tests' queue."""
    return worker_factory("it1")


@pytest.fixture(autouse=True)
def live(celery_worker, worker_factory, celery_app, redis_client, settings):
    """
    Send the plugin's tasks to the real worker (not eagerly), on the tests' queue,
    with the cache the worker shares; afterwards wait until the workers are idle, so
    no task of this test runs while the database is emptied for the next one.

    Gives the test ``worker`` (the session's), ``start_worker``, ``app`` (the
    sending side), ``redis``, ``backlog()`` and ``drain()``.
    """
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    settings.CACHES = support.CACHES
    settings.OPENEDX_BADGES_CELERY_QUEUE = support.QUEUE
    cache.clear()
    eager = celery_app.conf.task_always_eager
    support.set_conf(celery_app, "task_always_eager", False)  # under every name the app reads (celery 5.6)
    yield SimpleNamespace(worker=celery_worker, start_worker=worker_factory, app=celery_app, redis=redis_client,
                          backlog=lambda: support.backlog(redis_client),
                          drain=lambda timeout=60: support.drain(redis_client, timeout))
    try:
        support.use_broker(celery_app, support.BROKER_URL)  # in case a test left it pointing elsewhere
        support.drain(redis_client)
    finally:
        support.set_conf(celery_app, "task_always_eager", eager)


# --- the stand-in LMS's courseware ---------------------------------------------------------------

BASE_URL = "https://lms.example.com"


@pytest.fixture
def course(transactional_db):
    from lms_standin.demo_course import create_demo_course  # pylint: disable=import-outside-toplevel

    return create_demo_course()


@pytest.fixture
def issuer(transactional_db):
    """The demo course's issuer (org DemoX), as an operator creates it."""
    from openedx_plugin.credentials import issuing  # pylint: disable=import-outside-toplevel

    return issuing.create_issuer("Demo University", f"{BASE_URL}/", "badges@demo-university.invalid",
                                 org="DemoX", public_base_url=BASE_URL, is_default=True)


@pytest.fixture
def demo_badges(course, issuer):
    """The demo's Data Reader (score), Data Analyst (course passed) and Data Pathway (both)."""
    from lms_standin.demo_badges import create_demo_badges  # pylint: disable=import-outside-toplevel

    reader, analyst, pathway = create_demo_badges(BASE_URL)
    return {"reader": reader["uuid"], "analyst": analyst["uuid"], "pathway": pathway["uuid"]}


@pytest.fixture
def passed_then_badge(course, issuer, student, block, redis_client):
    """
    The learner passes the course, then a badge for passing it is created: no event
    has queued its evaluation yet, so the test decides what reaches the worker.
    """
    from lms_standin import courseware  # pylint: disable=import-outside-toplevel
    from lms_standin.demo_course import COURSE_KEY  # pylint: disable=import-outside-toplevel
    from openedx_plugin import api  # pylint: disable=import-outside-toplevel

    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
        courseware.answer_problem(student, block(block_id), choice)
    support.drain(redis_client)
    return api.save_badge(COURSE_KEY, {"name": "Finisher", "description": "Passed the demo course.",
                                       "criteria_narrative": "Pass the course."},
                          rule={"kind": "course_passed", "course": COURSE_KEY})
