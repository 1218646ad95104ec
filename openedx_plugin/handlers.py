"""Receivers of platform signals, connected through ``plugin_app['signals_config']``."""

import logging

from .models import Award

log = logging.getLogger(__name__)


def on_user_retired(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """
    Unlink a retired learner from their awards.

    The credentials stay verifiable: they name the learner only by a salted
    hash of the email, which the learner can still prove with the salt.
    """
    if user is None:
        return
    count = Award.objects.filter(user=user).update(user=None)
    log.info("Unlinked %d badge awards from a retired user.", count)
