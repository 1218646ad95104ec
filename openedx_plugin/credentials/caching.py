"""
Cached public documents and verification results, with versioned keys.

The public documents change rarely (a credential never; a status list or hosted
assertion on revocation; did.json and issuer documents on key rotation or an
edit), but a verifier may fetch them often. Each cached entry is the serialized
JSON text as served, with its ETag, stored under a key that embeds the current
*version token* of every object it depends on (``award:<uuid>``,
``status:<uuid>``, ``issuer:<uuid>``, ``badge:<uuid>``, ``revocations:<uuid>``,
``issuers``). Invalidating an object sets a new token, so every entry built from
it is missed from then on, in every process sharing the cache, without having to
know or delete those entries; the stale ones expire by their timeout.

Invalidation happens on: revocation and reinstatement (``issuing``: the award,
its status list, the issuer's revocation list), key rotation (``keystore``: the
issuer's did.json, issuer and key documents), and ``post_save``/``post_delete``
of issuers, badge classes, signing keys, status lists and awards (edits in the
admin, sharing toggles). Settings: ``OPENEDX_BADGES_PUBLIC_CACHE_SECONDS``
(documents; 0 turns caching off) and ``OPENEDX_BADGES_VERIFY_CACHE_SECONDS``.
"""

import hashlib
import json
import re
import uuid as uuidlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ..models import StatusList

PREFIX = "openedx_badges:pub:"


def _seconds(name, default):
    return int(getattr(settings, name, default))


def doc_timeout():
    """Seconds a public document stays cached (``OPENEDX_BADGES_PUBLIC_CACHE_SECONDS``); 0 turns caching off."""
    return _seconds("OPENEDX_BADGES_PUBLIC_CACHE_SECONDS", 3600)


def verify_timeout():
    """Seconds a verification result stays cached (``OPENEDX_BADGES_VERIFY_CACHE_SECONDS``); 0: not cached."""
    return _seconds("OPENEDX_BADGES_VERIFY_CACHE_SECONDS", 300)


# --- version tokens --------------------------------------------------------------------------


def _vkey(namespace):
    return f"{PREFIX}v:{namespace}"


def versions(namespaces):
    """The current token of each namespace (created when missing), as one string."""
    keys = [_vkey(ns) for ns in namespaces]
    found = cache.get_many(keys)
    out = []
    for key in keys:
        token = found.get(key)
        if token is None:
            token = uuidlib.uuid4().hex
            if not cache.add(key, token, timeout=None):
                token = cache.get(key) or token
        out.append(token)
    return ".".join(out)


def bump(*namespaces):
    """Invalidate everything built from these namespaces."""
    cache.set_many({_vkey(ns): uuidlib.uuid4().hex for ns in namespaces}, timeout=None)


# --- documents ------------------------------------------------------------------------------


class Cached:
    """A serialized document as served: status, body text, ETag."""

    __slots__ = ("status", "body", "etag")

    def __init__(self, status, body, etag):
        self.status, self.body, self.etag = status, body, etag


def serialize(document):
    """The JSON text exactly as served: the one form the cache stores and the ETag is computed from."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def make(document, status=200):
    """A ``Cached`` of ``document``: its served text and an ETag from its digest, so equal documents share an ETag."""
    body = serialize(document)
    return Cached(status, body, '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"')


_SAFE_NAME = re.compile(r"[A-Za-z0-9:._-]{1,120}")


def _name_part(name):
    """
    ``name`` as a cache-key part every backend accepts.

    Names carry path values from public URLs (key ids, badge ids); a hostile one may hold
    spaces, control characters or be long, which memcached refuses with an error. Such a
    name is replaced by its digest, so the key stays valid and still unique.
    """
    if _SAFE_NAME.fullmatch(name):
        return name
    return "h:" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def document(name, namespaces, build, timeout=None):
    """
    The cached ``Cached`` for ``name`` under ``namespaces``, or ``build()`` (which returns
    a ``Cached``, or raises, e.g. Http404, which is not cached) stored for next time.
    """
    timeout = doc_timeout() if timeout is None else timeout
    if timeout <= 0:
        return build()
    key = f"{PREFIX}d:{_name_part(name)}:{versions(namespaces)}"
    hit = cache.get(key)
    if hit is not None:
        return Cached(*hit)
    value = build()
    cache.set(key, (value.status, value.body, value.etag), timeout=timeout)
    return value


def verification(award, compute):
    """The award's verification result, cached until anything it depends on changes."""
    timeout = verify_timeout()
    if timeout <= 0:
        return compute()
    if award.valid_until is not None:  # the answer changes at expiry: never cache across it

        timeout = max(0, min(timeout, int((award.valid_until - timezone.now()).total_seconds())))
        if timeout == 0:
            return compute()
    namespaces = award_namespaces(award)
    key = f"{PREFIX}verify:{award.uuid}:{versions(namespaces)}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    result = compute()
    cache.set(key, result, timeout=timeout)
    return result


def award_namespaces(award):
    """What the award's verification depends on: the award, its issuer, its badge class and its status list."""
    badge_class = award.badge_class
    spaces = [f"award:{award.uuid}", f"issuer:{badge_class.issuer.uuid}", f"badge:{badge_class.uuid}"]
    if award.status_list_id:
        spaces.append(f"status:{award.status_list.uuid}")
    return spaces


# --- invalidation ---------------------------------------------------------------------------


def invalidate_award(award):
    """Revocation or reinstatement: the award's documents, its status list, the revocation list."""
    spaces = [f"award:{award.uuid}"]
    if award.status_list_id:

        list_uuid = StatusList.objects.filter(pk=award.status_list_id).values_list("uuid", flat=True).first()
        if list_uuid:
            spaces.append(f"status:{list_uuid}")
    issuer_uuid = award.badge_class.issuer.uuid
    spaces.append(f"revocations:{issuer_uuid}")
    bump(*spaces)


def invalidate_issuer(issuer):
    """Key rotation or an issuer edit: did.json, the issuer and key documents (and the default did.json)."""
    bump(f"issuer:{issuer.uuid}", "issuers")


def invalidate_badge_class(badge_class):
    """A badge class edit or deletion: everything built from it is missed from then on."""
    bump(f"badge:{badge_class.uuid}")


def _on_save(sender, instance, created=False, **kwargs):  # pylint: disable=unused-argument
    name = sender.__name__
    if name == "Issuer":
        invalidate_issuer(instance)
    elif name == "BadgeClass":
        invalidate_badge_class(instance)
    elif name == "SigningKey":
        bump(f"issuer:{instance.issuer.uuid}", "issuers")
    elif name == "StatusList":
        bump(f"status:{instance.uuid}")
    elif name == "Award" and not created:
        bump(f"award:{instance.uuid}")  # sharing toggles, revocation fields


def connect():
    """Invalidate on every save or delete of the cached models (admin edits included); run at import,
    and harmless when run again (``dispatch_uid``)."""
    for model in ("Issuer", "BadgeClass", "SigningKey", "StatusList", "Award"):
        sender = f"openedx_badges.{model}"
        post_save.connect(_on_save, sender=sender, dispatch_uid=f"openedx_badges.caching.save.{model}")
        post_delete.connect(_on_save, sender=sender, dispatch_uid=f"openedx_badges.caching.delete.{model}")


connect()
