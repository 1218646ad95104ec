"""
Rate limits of the DCC wallet pages, counted by ``openedx_plugin.ratelimit``, and the failure count of a wallet link.

Three scopes, each configurable in ``OPENEDX_BADGES_RATE_LIMITS`` like the others
(``"N/s"``, ``"N/m"``, ``"N/h"``; ``None`` switches a scope off):

- ``dcc_request`` (per learner): every wallet link writes a challenge row;
- ``dcc_exchange`` (per client address): the public exchange endpoint;
- ``dcc_exchange_id`` (per exchange id): guessing or hammering one exchange.

Counted by ``ratelimit.hit``; the defaults (``conf.RATE_LIMIT_DEFAULTS``) apply when the
setting does not name the scope, so a site that
configured only ``verify`` and ``push`` is still protected. Over the limit the view
answers 429 with ``Retry-After`` (``ratelimit.too_many``).
"""

from django.core.cache import cache

from .. import conf


def max_failures():
    """Refused presentations a challenge survives (``OPENEDX_BADGES_DCC_MAX_FAILURES``); then it is dropped."""
    return int(conf.get("OPENEDX_BADGES_DCC_MAX_FAILURES"))


def count_failure(exchange_id, ttl):
    """One more refused presentation for ``exchange_id``; returns the count so far."""
    key = f"openedx_badges:dcc:failures:{exchange_id}"
    if cache.add(key, 1, timeout=ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=ttl)
        return 1
