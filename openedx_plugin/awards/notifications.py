"""
Tell a learner about a new badge by email, in their language.

Inside the LMS the message goes through edx-ace when the platform has configured
an ACE email channel (the LMS ships edx-ace and sets ``ACE_ENABLED_CHANNELS``),
so operators' ACE set-up (Braze, Sailthru, Django email, policies) applies.
Otherwise, and on hosts without edx-ace, it goes through Django's mail settings.
Either way the text comes from this package's templates and catalogues: the ACE
templates include the Django-mail ones.
"""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import translation

from .. import compat, conf
from ..credentials import public_urls

log = logging.getLogger(__name__)


def notify_awarded(award):
    """Send the 'you earned a badge' email; failures are logged, never raised (the award stands)."""
    try:
        if not conf.get("OPENEDX_BADGES_NOTIFY_LEARNERS"):
            return False
        user = award.user
        if user is None or not user.email:
            return False
        language = compat.user_language(user) or settings.LANGUAGE_CODE
        if ace_email_configured():
            return _send_with_ace(award, user, language)
        return _send_with_django_mail(award, user, language)
    except DatabaseError:
        raise  # nothing was sent: the award's follow-ups are sent again (awarding.deliver_announcements)
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not email award %s", getattr(award, "uuid", award))
        return False


def ace_email_configured():
    """
    Whether to hand the email to edx-ace rather than to Django's mail.

    True when edx-ace is importable, the host named its default email channel
    (``ACE_CHANNEL_DEFAULT_EMAIL``, which ACE reads without a default) among
    non-empty ``ACE_ENABLED_CHANNELS``, and ACE has at least one enabled email
    channel to fall back on. Without that last one ``ace.send`` drops an email
    silently, so such a host keeps Django's mail.
    """
    if not getattr(settings, "ACE_ENABLED_CHANNELS", None) or not getattr(settings, "ACE_CHANNEL_DEFAULT_EMAIL", None):
        return False
    try:
        if not compat.ace_has_email_channel():
            return False
    except Exception:  # pylint: disable=broad-except  (UnsupportedChannelError, or a broken channel plugin)
        log.warning("Open Badges: ACE is configured but has no usable email channel; using Django's mail.",
                    exc_info=True)
        return False
    return True


def _context(award, user):
    badge = award.badge_class
    return {
        "user": user,
        "award": award,
        "badge": badge,
        "issuer": badge.issuer,
        "verify_url": public_urls.verify_page_url(award),
        "platform_name": getattr(settings, "PLATFORM_NAME", "Open edX"),
    }


def _one_line(text):
    """Control characters (CR, LF, tabs...) become one space; other spacing (e.g. French NBSP) stays."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


def _send_with_django_mail(award, user, language):
    context = _context(award, user)
    try:
        with translation.override(language):
            # one line, whatever the name holds: a CR/LF in a header makes Django refuse the email
            subject = _one_line(render_to_string("openedx_badges/email/awarded_subject.txt", context))
            text = render_to_string("openedx_badges/email/awarded.txt", context)
            html = render_to_string("openedx_badges/email/awarded.html", context)
        message = EmailMultiAlternatives(subject, text, getattr(settings, "DEFAULT_FROM_EMAIL", None), [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not email award %s", award.uuid)
        return False
    return True


def _send_with_ace(award, user, language):
    """
    Send through ``ace.send``; the context is plain values (ACE may serialize messages).

    ACE reports rendering and delivery errors to monitoring instead of raising, and
    applies the host's policies (which may deny email): True means handed to ACE.
    """
    try:
        badge = award.badge_class
        context = {
            "user": {"username": user.username, "get_full_name": user.get_full_name()},
            "badge": {"name": badge.name, "description": badge.description},
            "issuer": {"name": badge.issuer.name},
            "award_uuid": str(award.uuid),
            "verify_url": public_urls.verify_page_url(award),
            "platform_name": getattr(settings, "PLATFORM_NAME", "Open edX"),
        }
        compat.ace_send_badge_awarded(user, language, context)
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not send award %s through edx-ace", award.uuid)
        return False
    return True
