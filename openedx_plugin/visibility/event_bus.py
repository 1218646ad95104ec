"""
BADGE_AWARDED and BADGE_REVOKED on the Open edX event bus, and what happens when it is down.

Production follows the platform's convention: an operator lists the event types and
their topics in ``EVENT_BUS_PRODUCER_CONFIG`` (``producer_config`` builds the entries,
with the topic and key the credentials service uses for the same events), and
openedx-events' own handler hands every ``send_event`` of a listed type to the
configured ``EVENT_BUS_PRODUCER``. No code here talks to Redis or Kafka.

The producers catch their own errors (edx-event-bus-redis logs them and returns), so
an event lost to a broker outage would otherwise leave only a log line. ``delivery``
watches the send: when the producer reports a failure the event is recorded as a
``BusEventOutbox`` row, and ``retry_failed`` (run by the periodic sweep) produces it
again to the bus alone, with its first time, so in-process receivers never see it twice.
The award itself was committed before any of this runs: it is never lost.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED
from openedx_events.tooling import OpenEdxPublicSignal

from ..credentials import public_urls
from ..models import BusEventOutbox
from .settings import EVENT_KEY_FIELD, TOPIC  # noqa: F401  (re-exported for callers)

log = logging.getLogger(__name__)

SIGNALS = (BADGE_AWARDED, BADGE_REVOKED)
# The loggers through which producers and openedx-events report a failed send.
PRODUCER_LOGGERS = ("edx_event_bus_redis", "edx_event_bus_kafka", "openedx_events", "django.dispatch")
MAX_ATTEMPTS = 50


def enabled_topics(signal):
    """``[(topic, event_key_field)]`` the host produces ``signal`` to."""
    config = getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", None) or {}
    topics = config.get(signal.event_type) or {}
    return [(topic, conf["event_key_field"]) for topic, conf in topics.items() if conf.get("enabled") is True]


class _FailureCatcher(logging.Handler):
    """Collects the error records a producer writes while one event is being sent."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.errors = []

    def emit(self, record):
        if record.name.startswith("django.dispatch") and "general_signal_handler" not in record.getMessage():
            return  # another receiver's error: not the bus's
        self.errors.append(record.getMessage().splitlines()[0][:500])


@contextmanager
def _catch_failures():
    catcher = _FailureCatcher()
    loggers = [logging.getLogger(name) for name in PRODUCER_LOGGERS]
    for logger in loggers:
        logger.addHandler(catcher)
    try:
        yield catcher
    finally:
        for logger in loggers:
            logger.removeHandler(catcher)


@contextmanager
def delivery(signal, award):
    """Wrap one ``send_event`` of a badge event: a failure on the bus is recorded for a retry."""
    if not enabled_topics(signal):
        yield
        return
    started = timezone.now()
    with _catch_failures() as catcher:
        yield
    if catcher.errors:
        log.warning("The event bus did not take %s for award %s; kept for a retry.", signal.event_type, award.pk)
        record(signal, award, started, "; ".join(catcher.errors))


def record(signal, award, event_time, error):
    """Keep an event the bus did not take in the outbox, so ``retry_failed`` (the sweeper) produces it later."""
    with transaction.atomic():
        BusEventOutbox.objects.create(event_type=signal.event_type, award_id=award.pk, event_time=event_time,
                                      last_error=error[:2000])


def produce(signal, award, event_time):
    """Produce one badge event to every enabled topic, straight to the bus; the errors, if any."""
    from openedx_events.event_bus import get_producer  # pylint: disable=import-outside-toplevel  (loaded on the first send to the bus, not at app start)

    data = {"badge": award.as_badge_data(public_urls.badge_image_url(award.badge_class))}
    metadata = signal.generate_signal_metadata(time=event_time)
    with _catch_failures() as catcher:
        try:
            for topic, key_field in enabled_topics(signal):
                get_producer().send(signal=signal, topic=topic, event_key_field=key_field,
                                    event_data=data, event_metadata=metadata)
        except Exception as exc:  # pylint: disable=broad-except  (a producer that raises is a failed send too)
            catcher.errors.append(f"{type(exc).__name__}: {exc}"[:500])
    return catcher.errors


def retry_failed(limit=200):
    """Produce the recorded events again, oldest first; returns how many the bus took."""
    sent = 0
    waiting = (BusEventOutbox.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
               .select_related("award__badge_class", "award__user").order_by("id")[:limit])
    for row in waiting:
        signal = OpenEdxPublicSignal.get_signal_by_type(row.event_type)
        if row.award.user is None:  # the learner's account was retired: nothing to say about them
            BusEventOutbox.objects.filter(pk=row.pk).update(sent_at=timezone.now(), last_error="learner retired")
            continue
        errors = produce(signal, row.award, row.event_time)
        if errors:
            BusEventOutbox.objects.filter(pk=row.pk).update(attempts=row.attempts + 1,
                                                            last_error="; ".join(errors)[:2000])
            break  # the bus is still down: the next sweep goes on
        BusEventOutbox.objects.filter(pk=row.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def waiting_count():
    """How many outbox events are not sent yet, those past ``MAX_ATTEMPTS`` (no longer retried) included."""
    return BusEventOutbox.objects.filter(sent_at__isnull=True).count()
