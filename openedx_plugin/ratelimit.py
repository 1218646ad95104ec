"""
A small fixed-window rate limiter on Django's cache.

Each (scope, client) gets a counter per window; over the limit, the view answers
429 Too Many Requests with ``Retry-After`` (seconds to the end of the window).
Limits come from ``OPENEDX_BADGES_RATE_LIMITS``, e.g. ``{"verify": "120/m",
"push": "10/m"}`` (``N/s``, ``N/m``, ``N/h``; ``None`` or a missing scope: no limit).
Scopes a setting leaves out keep their defaults (``DEFAULTS``); set a scope to ``None``
to lift its limit. ``api`` counts the learner REST API's requests per user (or address
when anonymous), ``check_now`` the block's "check my progress" evaluations per learner.
The client is the request's ``REMOTE_ADDR`` (the LMS sets it from X-Forwarded-For
behind its proxies) or, with ``key="user"``, the signed-in user.

A fixed window lets through up to twice the limit across a window boundary;
that is fine for what this protects (CPU spent verifying, calls to backpacks).
"""

import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.throttling import BaseThrottle

from . import conf

PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse(rate):
    """'120/m' -> (120, 60); None -> None."""
    if not rate:
        return None
    count, _, period = str(rate).partition("/")
    return int(count), PERIODS[(period or "m").strip()[0].lower()]


def limit_for(scope):
    """``(count, seconds)`` for ``scope``, or None (no limit); a setting older than a scope keeps its default."""
    limits = conf.get("OPENEDX_BADGES_RATE_LIMITS")
    if limits is None:
        limits = conf.RATE_LIMIT_DEFAULTS
    elif scope not in limits and scope not in conf.RATE_LIMIT_LEGACY_SCOPES:
        # a setting written before a scope existed does not silently lift the new scope's limit
        return parse(conf.RATE_LIMIT_DEFAULTS.get(scope))
    return parse(limits.get(scope))


def client_id(request, key):
    """Whom a limit counts: ``u<pk>`` for a signed-in user when ``key="user"``, else the client's address."""
    if key == "user" and getattr(request, "user", None) is not None and request.user.is_authenticated:
        return f"u{request.user.pk}"
    return "ip" + (request.META.get("REMOTE_ADDR") or "unknown")


def hit(scope, ident, now=None):
    """Count one request; return seconds to wait (0: allowed)."""
    rule = limit_for(scope)
    if rule is None:
        return 0
    allowed, period = rule
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
    if count <= allowed:
        return 0
    return max(1, int((window + 1) * period - now + 0.999))


def too_many(retry_after):
    """The 429 every limited view answers, with ``Retry-After``; ``no-store``, so no cache replays it."""
    response = HttpResponse("Too many requests; try again later.\n", status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def ratelimit(scope, key="ip", methods=None):
    """Decorate a view: limit its requests (of ``methods``, default all) per client for ``scope``."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                wait = hit(scope, client_id(request, key))
                if wait:
                    return too_many(wait)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


def drf_throttle(scope, key="user"):
    """
    A Django REST framework throttle class counting in this limiter: DRF answers 429
    with ``Retry-After`` (from ``wait``) and its usual JSON body.
    """

    class Throttle(BaseThrottle):
        def allow_request(self, request, view):
            self.retry_after = hit(scope, client_id(request, key))
            return not self.retry_after

        def wait(self):
            return self.retry_after

    Throttle.__name__ = Throttle.__qualname__ = f"{scope.title().replace('_', '')}Throttle"
    return Throttle
