"""Template tags of the learner's pages: the LMS pages every wallet page links back to."""

from django import template
from django.utils.html import format_html

from .. import compat, conf

register = template.Library()


@register.simple_tag
def learner_links():
    """``home``, ``dashboard`` and ``logout`` URLs (``compat.learner_urls``), and whether profiles are on."""
    return {**compat.learner_urls(), "profiles": conf.get("OPENEDX_BADGES_PUBLIC_PROFILES")}


@register.filter
def bdi(value):
    """
    ``value`` escaped and isolated in ``<bdi>``, for author-written text placed inside a
    translated sentence: ``{% blocktrans with name=badge.name|bdi %}`` keeps the sentence's
    catalogue entry unchanged while an English name reads right in an Arabic page.
    """
    return format_html("<bdi>{}</bdi>", value)
