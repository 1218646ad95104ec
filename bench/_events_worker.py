"""
Settings of bench/events.py's celery worker: tests/integration's (a shared Redis cache, the
Redis transport's options), without the stand-in test host's in-memory tracking log, which
keeps every event for the tests to read. In the LMS the events go to its log file; a worker
that kept them would grow with every award, and the memory figure would measure the log.
(The bench gives the worker Django's dummy email backend for the same reason: locmem keeps
every message.)
"""

from tests.integration.worker_settings import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import

EVENT_TRACKING_BACKENDS = {}
