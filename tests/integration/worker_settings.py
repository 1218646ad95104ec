"""
Settings of the integration tests' celery workers: the test host's, plus the two
things a real LMS deployment has and the stand-in's test settings do not.

- A cache shared with the process that sends the tasks. The rule index keeps its
  version token in the Django cache (memcached or Redis in the LMS); with the
  stand-in's per-process LocMemCache a worker would never see a rule saved after
  it first built its index.
- Redis transport options that let a message abandoned by a killed worker come
  back within seconds instead of the default hour (``visibility_timeout``), so
  the crash test can wait for it.

The test process switches to the same cache at run time (see conftest).
"""

import os

from lms_standin.settings.test import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": os.environ["BADGES_IT_CACHE"]}}
BROKER_TRANSPORT_OPTIONS = {  # celery's name when read without a namespace, as in the LMS
    "visibility_timeout": float(os.environ.get("BADGES_IT_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
