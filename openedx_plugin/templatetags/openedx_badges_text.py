"""
Template filters for text the plugin does not write itself.

Badge names, descriptions, issuers' names and reasons are written by authors and operators in
their own language; a page in another script shows them inside its own sentences. Isolating
them (``<bdi>``) keeps an English name in the right order on an Arabic page and an Arabic name
on an English one, including inside translated sentences: ``{% blocktrans with name=x|bdi %}``
keeps the message id unchanged, so the catalogues' translations still apply.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bdi(value):
    """``value`` escaped, inside ``<bdi>`` (nothing for an empty value)."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
