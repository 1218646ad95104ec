"""
Rate limits of the DCC wallet pages, on top of ``openedx_plugin.ratelimit``.

Three scopes, each configurable in ``OPENEDX_BADGES_RATE_LIMITS`` like the others
(``"N/s"``, ``"N/m"``, ``"N/h"``; ``None`` switches a scope off):

- ``dcc_request`` (per learner): every wallet link writes a challenge row;
- ``dcc_exchange`` (per client address): the public exchange endpoint;
- ``dcc_exchange_id`` (per exchange id): guessing or hammering one exchange.

The defaults below apply when the setting does not name the scope, so a site that
configured only ``verify`` and ``push`` is still protected. Over the limit the view
answers 429 with ``Retry-After`` (``ratelimit.too_many``).
"""

import time

from django.conf import settings
from django.core.cache import cache

from .. import ratelimit

DEFAULTS = {"dcc_request": "30/h", "dcc_exchange": "30/m", "dcc_exchange_id": "10/h"}
# A challenge dies after this many refused presentations (OPENEDX_BADGES_DCC_MAX_FAILURES).
MAX_FAILURES = 5


def rule(scope):
    """(count, seconds) for ``scope``, or None when switched off."""
    configured = getattr(settings, "OPENEDX_BADGES_RATE_LIMITS", None) or {}
    return ratelimit.parse(configured[scope] if scope in configured else DEFAULTS[scope])


def wait_for(scope, ident, now=None):
    """Count one request of ``ident`` in ``scope``; seconds to wait (0: allowed)."""
    limit = rule(scope)
    if limit is None:
        return 0
    allowed, period = limit
    now = time.time() if now is None else now
    window = int(now // period)
    key = f"openedx_badges:rl:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
    return 0 if count <= allowed else max(1, int((window + 1) * period - now + 0.999))


def max_failures():
    return int(getattr(settings, "OPENEDX_BADGES_DCC_MAX_FAILURES", MAX_FAILURES))


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
