"""
Tell a learner about a new badge by email, in their language.

Inside the LMS the message goes through Django's mail settings the platform
configured; the text comes from this package's templates and catalogues.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from . import compat, public_urls

log = logging.getLogger(__name__)


def notify_awarded(award):
    """Send the 'you earned a badge' email; failures are logged, never raised (the award stands)."""
    if not getattr(settings, "OPENEDX_BADGES_NOTIFY_LEARNERS", True):
        return False
    user = award.user
    if user is None or not user.email:
        return False
    language = compat.user_language(user) or settings.LANGUAGE_CODE
    context = {
        "user": user,
        "award": award,
        "badge": award.badge_class,
        "issuer": award.badge_class.issuer,
        "verify_url": public_urls.verify_page_url(award),
        "platform_name": getattr(settings, "PLATFORM_NAME", "Open edX"),
    }
    try:
        with translation.override(language):
            subject = render_to_string("openedx_badges/email/awarded_subject.txt", context).strip()
            text = render_to_string("openedx_badges/email/awarded.txt", context)
            html = render_to_string("openedx_badges/email/awarded.html", context)
        message = EmailMultiAlternatives(subject, text, getattr(settings, "DEFAULT_FROM_EMAIL", None), [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not email award %s", award.uuid)
        return False
    return True
