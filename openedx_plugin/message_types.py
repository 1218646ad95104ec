"""
The edx-ace message types of the plugin (imported only when edx-ace is installed).

Templates live under ``templates/openedx_badges/edx_ace/<name>/email/`` (subject.txt,
body.txt, body.html, head.html and from_name.txt, all five required by ACE); they
include the Django-mail templates so both paths share one wording and one set of
translations.
"""

from edx_ace.message import MessageType


class BadgeAwarded(MessageType):
    """'You earned a badge': sent to the learner once, when an award is made."""

    APP_LABEL = "openedx_badges"
    NAME = "badgeawarded"
