"""The openedx-events this plugin emits: BADGE_AWARDED and BADGE_REVOKED."""

import logging

from django.db import DatabaseError
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from ..credentials import public_urls
from ..visibility import event_bus, tracking

log = logging.getLogger(__name__)


def _send(signal, award, database_errors_raise=False):
    try:
        if award.user is None:
            return
        with event_bus.delivery(signal, award):  # a failure on the bus is recorded and retried
            signal.send_event(badge=award.as_badge_data(public_urls.badge_image_url(award.badge_class)))
    except DatabaseError:
        if database_errors_raise:
            raise  # reading the award failed, nothing was sent: the caller sends it again
        log.exception("Could not emit %s for award %s", signal.event_type, award.uuid)
    except Exception:  # pylint: disable=broad-except  (an event bus problem must not undo an award)
        log.exception("Could not emit %s for award %s", signal.event_type, award.uuid)


def badge_awarded(award, database_errors_raise=False):
    """Tell the platform a badge was awarded (BADGE_AWARDED); a bus failure never undoes the award."""
    _send(BADGE_AWARDED, award, database_errors_raise)
    tracking.awarded(award)


def badge_revoked(award):
    """Tell the platform a badge was revoked (BADGE_REVOKED), so subscribers withdraw it too."""
    _send(BADGE_REVOKED, award)
    tracking.revoked(award)
