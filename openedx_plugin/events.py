"""The openedx-events this plugin emits: BADGE_AWARDED and BADGE_REVOKED."""

import logging

from django.db import DatabaseError
from openedx_events.learning.data import BadgeData, BadgeTemplateData, UserData, UserPersonalData
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from . import public_urls
from .visibility import event_bus, tracking

log = logging.getLogger(__name__)
ORIGIN = "openedx_badges"


def _badge_data(award):
    user = award.user
    badge_class = award.badge_class
    return BadgeData(
        uuid=str(award.uuid),
        user=UserData(id=user.id, is_active=user.is_active,
                      pii=UserPersonalData(username=user.username, email=user.email,
                                           name=user.get_full_name() or user.username)),
        template=BadgeTemplateData(uuid=str(badge_class.uuid), origin=ORIGIN, name=badge_class.name,
                                   description=badge_class.description,
                                   image_url=public_urls.badge_image_url(badge_class)),
    )


def _send(signal, award, database_errors_raise=False):
    try:
        if award.user is None:
            return
        with event_bus.delivery(signal, award):  # a failure on the bus is recorded and retried
            signal.send_event(badge=_badge_data(award))
    except DatabaseError:
        if database_errors_raise:
            raise  # reading the award failed, nothing was sent: the caller sends it again
        log.exception("Could not emit %s for award %s", signal.event_type, award.uuid)
    except Exception:  # pylint: disable=broad-except  (an event bus problem must not undo an award)
        log.exception("Could not emit %s for award %s", signal.event_type, award.uuid)


def badge_awarded(award, database_errors_raise=False):
    _send(BADGE_AWARDED, award, database_errors_raise)
    tracking.awarded(award)


def badge_revoked(award):
    _send(BADGE_REVOKED, award)
    tracking.revoked(award)
