"""
BADGE_AWARDED and BADGE_REVOKED over the event bus for real: edx-event-bus-redis produces
from the stand-in to the machine's Redis (a stream prefix of its own per test, in db 9),
and a consumer in another process (openedx-events' ``consume_events``) receives them with
every field the in-process signal carried. With Redis down, the award stands, the event
is recorded in the outbox and produced by the sweep once Redis is back.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import attr
import pytest

from openedx_plugin import tasks
from openedx_plugin.awards import awarding
from openedx_plugin.credentials import public_urls
from openedx_plugin.models import Award, BusEventOutbox
from openedx_plugin.visibility import event_bus
from openedx_plugin.visibility.settings import TOPIC, producer_config
from tests.ci import unavailable

REDIS_URL = "redis://127.0.0.1:6379/9"
CLOSED_PORT_URL = "redis://127.0.0.1:1/9"  # nothing listens on port 1
ROOT = Path(__file__).resolve().parents[2]


def _redis():
    import redis  # pylint: disable=import-outside-toplevel

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        unavailable("Redis is not running on 127.0.0.1:6379")
    return client


@pytest.fixture
def bus(settings):
    """Produce the badge events to Redis under a stream prefix of this test's own; clean up after."""
    client = _redis()
    prefix = f"badges-test-{uuid.uuid4().hex[:12]}"
    settings.EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
    settings.EVENT_BUS_REDIS_CONNECTION_URL = REDIS_URL
    settings.EVENT_BUS_TOPIC_PREFIX = prefix
    settings.OPENEDX_BADGES_EVENT_BUS_ENABLED = True
    settings.EVENT_BUS_PRODUCER_CONFIG = producer_config(enabled=True)
    yield prefix
    client.delete(f"{prefix}-{TOPIC}")


def _start_consumer(prefix, output):
    # The consumer's group is made here, reading from the stream's start: made by the consumer
    # (edx-event-bus-redis creates it at the stream's end, "$"), it could come after the test's
    # first event on a busy machine and never see it. The consumer finds the group and keeps it.
    _redis().xgroup_create(f"{prefix}-{TOPIC}", f"{prefix}-consumers", id="0", mkstream=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "tests/visibility/bus_consumer.py"), REDIS_URL, prefix, str(output)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not Path(f"{output}.ready").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"The consumer did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    return proc


def _received(proc, output, count, timeout=30):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        if output.exists():
            lines = [json.loads(line) for line in output.read_text().splitlines() if line]
            if len(lines) >= count:
                return lines
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"The consumer received {len(lines)} of {count} events; "
                f"its log: {proc.stderr.read1(20000).decode() if proc.poll() is not None else '(running)'}")
    return lines


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _expected(award):
    data = award.as_badge_data(public_urls.badge_image_url(award.badge_class))
    return json.loads(json.dumps(attr.asdict(data), default=str))


@pytest.mark.django_db(transaction=True)
def test_awarded_and_revoked_reach_a_consumer_in_another_process(bus, badge_class, learner, tmp_path):
    output = tmp_path / "received.jsonl"
    consumer = _start_consumer(bus, output)
    try:
        started = time.monotonic()
        award, created = awarding.manual_award(badge_class, learner, staff_user=learner, reason="test")
        assert created
        award = Award.objects.select_related("badge_class__issuer", "user").get(pk=award.pk)
        awarded = _received(consumer, output, 1)[0]
        round_trip = time.monotonic() - started
        awarding.revoke(award, "issued in error")
        revoked = _received(consumer, output, 2)[1]
    finally:
        _stop(consumer)
    print(f"award -> consumer round trip: {round_trip * 1000:.0f} ms")  # noqa: T201
    assert awarded["pid"] != os.getpid()
    assert awarded["from_event_bus"] is True
    assert awarded["event_type"] == "org.openedx.learning.badge.awarded.v1"
    assert revoked["event_type"] == "org.openedx.learning.badge.revoked.v1"
    # every field, user and PII included, as the in-process signal carries them
    assert awarded["badge"] == _expected(award)
    assert awarded["badge"]["uuid"] == str(award.uuid)
    assert awarded["badge"]["user"]["pii"]["email"] == learner.email
    assert awarded["badge"]["template"]["uuid"] == str(badge_class.uuid)
    assert awarded["badge"]["template"]["origin"] == "openedx_badges"
    assert revoked["badge"]["uuid"] == str(award.uuid)
    assert awarded["metadata"]["source"] and awarded["metadata"]["minorversion"] == 0
    assert not BusEventOutbox.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_redis_down_keeps_the_award_and_the_sweep_sends_the_event_later(bus, settings, badge_class, learner,
                                                                           tmp_path):
    settings.EVENT_BUS_REDIS_CONNECTION_URL = CLOSED_PORT_URL
    award, _ = awarding.manual_award(badge_class, learner, staff_user=learner, reason="test")

    award = Award.objects.get(pk=award.pk)
    assert award.announced_at is not None  # the award and its other follow-ups are done
    kept = BusEventOutbox.objects.get()
    assert kept.event_type == "org.openedx.learning.badge.awarded.v1"
    assert kept.award_id == award.pk and kept.sent_at is None
    assert kept.last_error
    # still down: the sweep tries, counts the attempt, keeps it
    assert event_bus.retry_failed() == 0
    assert BusEventOutbox.objects.get().attempts == 2

    settings.EVENT_BUS_REDIS_CONNECTION_URL = REDIS_URL
    output = tmp_path / "received.jsonl"
    consumer = _start_consumer(bus, output)
    try:
        assert tasks.sweep_pending()["bus_events"] == 1  # the periodic task produces it again
        received = _received(consumer, output, 1)[0]
    finally:
        _stop(consumer)
    award = Award.objects.select_related("badge_class__issuer", "user").get(pk=award.pk)
    assert received["badge"] == _expected(award)
    assert received["metadata"]["time"] == kept.event_time.isoformat()  # when it happened, not when retried
    assert BusEventOutbox.objects.get().sent_at is not None
    assert event_bus.retry_failed() == 0  # sent once


@pytest.mark.django_db
def test_nothing_is_recorded_when_the_bus_is_off(settings, badge_class, learner, django_capture_on_commit_callbacks):
    settings.EVENT_BUS_PRODUCER_CONFIG = producer_config(enabled=False)
    settings.EVENT_BUS_REDIS_CONNECTION_URL = CLOSED_PORT_URL
    settings.EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
    with django_capture_on_commit_callbacks(execute=True):
        awarding.manual_award(badge_class, learner, staff_user=learner, reason="test")
    assert not BusEventOutbox.objects.exists()
