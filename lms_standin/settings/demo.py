"""The demo: the stand-in LMS on a SQLite file under var/."""

import os

from edx_django_utils.plugins import add_plugins

from .base import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import
from .base import PROJECT_TYPE, VAR_DIR, database

DEBUG = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database(str(VAR_DIR / "demo.sqlite3"))}

# The event bus, as Tutor configures it, when BADGES_EVENT_BUS_REDIS names a Redis
# (e.g. redis://127.0.0.1:6379/9): awards reach `manage.py consume_events -t
# learning-badges-lifecycle -g demo` in another terminal (docs/operator-guide.md, section 15).
if os.environ.get("BADGES_EVENT_BUS_REDIS"):
    EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
    EVENT_BUS_CONSUMER = "edx_event_bus_redis.RedisEventConsumer"
    EVENT_BUS_REDIS_CONNECTION_URL = os.environ["BADGES_EVENT_BUS_REDIS"]
    EVENT_BUS_TOPIC_PREFIX = "demo"
    OPENEDX_BADGES_EVENT_BUS_ENABLED = True

add_plugins(__name__, PROJECT_TYPE, "common")
