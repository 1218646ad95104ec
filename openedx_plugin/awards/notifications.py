"""
Tell a learner by email, in their language, about a new badge, a revoked one (with the
reason) and one that expires soon (once per award). Each email links to the award's page
in their wallet, where downloading and sharing are.

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
from django.urls import reverse
from django.utils import formats, timezone, translation

from .. import compat, conf
from ..credentials import public_urls

log = logging.getLogger(__name__)


def notify_awarded(award):
    """Send the 'you earned a badge' email; failures are logged, never raised (the award stands)."""
    return _notify("awarded", award)


def notify_revoked(award):
    """Tell the learner their badge was revoked, and why; failures are logged, never raised."""
    return _notify("revoked", award)


def notify_expiring(award):
    """Tell the learner their badge expires soon; True when the email was handed on (the sweep marks it sent)."""
    return _notify("expiring", award)


# kind -> the edx-ace message name (compat.ACE_MESSAGES)
ACE_NAMES = {"awarded": "badgeawarded", "revoked": "badgerevoked", "expiring": "badgeexpiring"}


def _notify(kind, award):
    try:
        if not conf.get("OPENEDX_BADGES_NOTIFY_LEARNERS"):
            return False
        user = award.user
        if user is None or not user.email:
            return False
        language = compat.user_language(user) or settings.LANGUAGE_CODE
        if ace_email_configured():
            return _send_with_ace(kind, award, user, language)
        return _send_with_django_mail(kind, award, user, language)
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


def wallet_url(award):
    """The award's page in the learner's wallet (downloads, sharing), where every email sends them."""
    return public_urls.absolute(reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid}))


def _valid_until_text(award, language):
    if not award.valid_until:
        return ""
    with translation.override(language):
        return formats.date_format(timezone.localtime(award.valid_until), "DATE_FORMAT")


def _context(award, user, language):
    badge = award.badge_class
    return {
        "user": user,
        "award": award,
        "badge": badge,
        "issuer": badge.issuer,
        "verify_url": public_urls.verify_page_url(award),
        "wallet_url": wallet_url(award),
        "valid_until_text": _valid_until_text(award, language),
        "revocation_reason": award.revocation_reason,
        "platform_name": getattr(settings, "PLATFORM_NAME", "Open edX"),
    }


def _one_line(text):
    """Control characters (CR, LF, tabs...) become one space; other spacing (e.g. French NBSP) stays."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


def _send_with_django_mail(kind, award, user, language):
    context = _context(award, user, language)
    try:
        with translation.override(language):
            # one line, whatever the name holds: a CR/LF in a header makes Django refuse the email
            subject = _one_line(render_to_string(f"openedx_badges/email/{kind}_subject.txt", context))
            text = render_to_string(f"openedx_badges/email/{kind}.txt", context)
            html = render_to_string(f"openedx_badges/email/{kind}.html", context)
        message = EmailMultiAlternatives(subject, text, getattr(settings, "DEFAULT_FROM_EMAIL", None), [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not email award %s", award.uuid)
        return False
    return True


def _send_with_ace(kind, award, user, language):
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
            "wallet_url": wallet_url(award),
            "valid_until_text": _valid_until_text(award, language),
            "revocation_reason": award.revocation_reason,
            "platform_name": getattr(settings, "PLATFORM_NAME", "Open edX"),
        }
        compat.ace_send(ACE_NAMES[kind], user, language, context)
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not send award %s through edx-ace", award.uuid)
        return False
    return True
