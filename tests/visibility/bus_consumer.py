"""
A consumer of the badge topic in its own process, as another service of the site runs one.

``python tests/visibility/bus_consumer.py REDIS_URL TOPIC_PREFIX OUTPUT`` starts the
openedx-events ``consume_events`` command with edx-event-bus-redis's consumer, and
writes every BADGE_AWARDED and BADGE_REVOKED it receives as one JSON line in OUTPUT:
the event data exactly as the consumer's signal delivered it, and its metadata.
"""

import json
import os
import sys

import attr

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_standin.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED  # noqa: E402

from openedx_plugin.visibility.settings import TOPIC  # noqa: E402


def main(url, prefix, output):
    settings.EVENT_BUS_CONSUMER = "edx_event_bus_redis.RedisEventConsumer"
    settings.EVENT_BUS_REDIS_CONNECTION_URL = url
    settings.EVENT_BUS_TOPIC_PREFIX = prefix
    settings.EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = 1

    def receive(sender, signal, **kwargs):  # pylint: disable=unused-argument
        metadata = kwargs["metadata"]
        line = {"event_type": signal.event_type, "badge": attr.asdict(kwargs["badge"]),
                "metadata": {"id": str(metadata.id), "time": metadata.time.isoformat(), "source": metadata.source,
                             "minorversion": metadata.minorversion},
                "from_event_bus": kwargs.get("from_event_bus"), "pid": os.getpid()}
        with open(output, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    BADGE_AWARDED.connect(receive, weak=False)
    BADGE_REVOKED.connect(receive, weak=False)
    with open(output + ".ready", "w", encoding="utf-8"):
        pass
    call_command("consume_events", "-t", TOPIC, "-g", f"{prefix}-consumers",
                 "--extra", json.dumps({"consumer_name": "consumer-1", "check_backlog": True}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
