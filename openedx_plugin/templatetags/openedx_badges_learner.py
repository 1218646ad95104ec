"""Template tags of the learner's pages: the LMS pages every wallet page links back to."""

from django import template

from .. import compat, conf
from .openedx_badges_text import bdi as text_bdi

register = template.Library()


@register.simple_tag
def learner_links():
    """``home``, ``dashboard`` and ``logout`` URLs (``compat.learner_urls``), and whether profiles are on."""
    return {**compat.learner_urls(), "profiles": conf.get("OPENEDX_BADGES_PUBLIC_PROFILES")}


# Author text isolated in <bdi>: the one filter of openedx_badges_text, offered here too so the
# learner's pages need one library.
register.filter("bdi", text_bdi)
