"""The test host: plugin settings added for the ``common`` then ``test`` types, as the LMS's test settings do."""

from edx_django_utils.plugins import add_plugins

from .base import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import
from .base import PROJECT_TYPE, database

DATABASES = {"default": database(":memory:")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

add_plugins(__name__, PROJECT_TYPE, "common")
add_plugins(__name__, PROJECT_TYPE, "test")

# The tracking log, kept in memory for the tests (lms_standin/tracking_log.py).
EVENT_TRACKING_BACKENDS = {"tracking_log": {"ENGINE": "lms_standin.tracking_log.CapturingBackend", "OPTIONS": {}}}
