"""
What the rest of the plugin calls: learners' connections, pushes and their states,
revocations, retries, and the DCC wallet exchange.

A push is a ``PushAttempt`` row found by its idempotency key (asking twice finds
the same row) and a celery task queued after commit; the task records every try
and leaves a reason the learner can read. Nothing here ever fails an award:
``queue_auto_pushes`` and ``queue_revocations`` swallow and log their errors, except a
database error in ``queue_auto_pushes``, which the award's follow-ups retry (ADR 0012).
"""

import logging
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import conf
from ..credentials import issuing, keystore
from ..models import BackpackConnection, BackpackProvider, PushAttempt, WalletChallenge
from ..persistence.binding import bind as bind_to_did
from ..visibility import tracking
from . import http, throttle
from .didauth import PresentationError, verify_presentation
from .providers import ProviderError, for_provider
from .providers.base import secrets_of

log = logging.getLogger(__name__)
NS = "openedx_badges:backpacks"


# --- providers and connections -------------------------------------------------------------


def enabled_providers():
    """The providers learners may use, by name; a disabled one is neither listed nor reachable."""
    return list(BackpackProvider.objects.filter(enabled=True).order_by("name", "id"))


def connection_of(user, provider):
    """The learner's connection to ``provider``, or None when they never connected (or disconnected)."""
    return BackpackConnection.objects.filter(user=user, provider=provider).first()


def callback_url():
    """The OAuth redirect URI: stable (registered with hosts), so built from the public origin."""
    return issuing.default_base_url() + reverse(f"{NS}:callback")


def _attempt_state(attempt):
    if attempt is None:
        return None
    return {
        "status": attempt.status,
        "attempts": attempt.attempts,
        "last_error": attempt.last_error,
        "updated": attempt.updated,
        "retry_url": reverse(f"{NS}:retry", kwargs={"attempt_id": attempt.pk})
        if attempt.status == PushAttempt.FAILED else None,
    }


def push_state(award, provider, connection=None):
    """The state of ``award``'s push to ``provider`` (None when never pushed)."""
    key = PushAttempt.key_for(award, provider, connection)
    return _attempt_state(PushAttempt.objects.filter(idempotency_key=key).first())


def connections_for(user, award=None):
    """
    One dict per enabled provider, for the learner's wallet page.

    With ``award``, each dict also has ``url`` (a page to GET: send this award, get the
    wallet link, or connect first; None when there is nothing to do), ``status`` (in
    words) and ``description``, the keys the wallet's backpack slot renders.

    Keys: ``id``, ``name``, ``kind``, ``connected``, ``learner_managed`` (the learner links
    an account), ``state``, ``last_error``, ``auto_push``, ``connect_url``, ``disconnect_url``,
    ``push_url(award)`` (POST; for the DCC wallet a page to GET, None when learners cannot push)
    and ``push_state(award)`` (None or a dict: ``status``, ``attempts``, ``last_error``,
    ``updated``, ``retry_url``).
    """
    connections = {c.provider_id: c for c in BackpackConnection.objects.filter(user=user)}
    entries = []
    for provider in enabled_providers():
        impl = for_provider(provider)
        connection = connections.get(provider.pk)
        entry = {"id": provider.pk, "name": provider.name, "kind": provider.kind,
                 "learner_managed": impl.learner_connects}
        if impl.learner_connects:
            connected = connection is not None and connection.state == BackpackConnection.CONNECTED
            entry.update(
                connected=connected,
                state=connection.state if connection else "none",
                last_error=connection.last_error if connection else "",
                auto_push=connection.auto_push if connection else provider.auto_push_default,
                connect_url=reverse(f"{NS}:connect", kwargs={"provider_id": provider.pk}),
                disconnect_url=reverse(f"{NS}:disconnect", kwargs={"provider_id": provider.pk})
                if connection else None,
                push_url=(partial(_push_url, provider) if connected else (lambda award: None)),
                push_state=partial(push_state, provider=provider, connection=connection)
                if connection else (lambda award: None),
            )
        elif provider.kind == BackpackProvider.DCC:
            entry.update(connected=True, state="connected", last_error="", auto_push=False, connect_url=None,
                         disconnect_url=None,
                         push_url=lambda award, p=provider: reverse(
                             f"{NS}:dcc-request", kwargs={"provider_id": p.pk, "award_uuid": award.uuid}),
                         push_state=partial(push_state, provider=provider))
        else:  # operator-level issuing (Credly): nothing to connect; retries go through retry_url
            entry.update(connected=True, state="connected", last_error="", auto_push=provider.auto_push_default,
                         connect_url=None, disconnect_url=None, push_url=lambda award: None,
                         push_state=partial(push_state, provider=provider))
        if award is not None:
            entry.update(_slot_fields(entry, award))
        entries.append(entry)
    return entries


_STATUS_WORDS = {PushAttempt.PENDING: "sending", PushAttempt.SENT: "sent", PushAttempt.FAILED: "failed"}


def _slot_fields(entry, award):
    """``url``/``status``/``description`` of one provider for one award (the wallet slot)."""
    state = entry["push_state"](award)
    if entry["kind"] == BackpackProvider.DCC:
        return {"url": entry["push_url"](award), "status": "",
                "description": _("Open a one-time link on the phone where the wallet app is installed.")}
    if entry["learner_managed"] and not entry["connected"]:
        return {"url": entry["connect_url"], "status": _("not connected"), "description": entry["last_error"]}
    status = _(_STATUS_WORDS[state["status"]]) if state else (_("connected") if entry["learner_managed"] else "")
    return {"url": entry["push_url"](award), "status": status,
            "description": state["last_error"] if state else ""}


def _push_url(provider, award):
    return reverse(f"{NS}:push", kwargs={"provider_id": provider.pk, "award_uuid": award.uuid})


def start_connect(user, provider):
    """Begin linking ``user``'s account at an OAuth provider; returns where to send the browser."""
    impl = for_provider(provider)
    connection, _created = BackpackConnection.objects.get_or_create(
        user=user, provider=provider, defaults={"auto_push": provider.auto_push_default})
    try:
        return impl.start_connect(connection, callback_url())
    except http.RemoteError as exc:
        _connection_failed(connection, exc)
        raise


def finish_connect(user, params):
    """
    The OAuth callback: the state must be one this learner started, not long ago.

    Returns the connection; raises ``ProviderError`` (state unknown, expired, refused).
    """
    state = params.get("state") or ""
    connection = (BackpackConnection.objects.select_related("provider")
                  .filter(user=user, oauth_state=state).first()) if state else None
    if connection is None:
        raise ProviderError("This sign-in answer does not match a connection you started; try again.")
    ttl = int(conf.get("OPENEDX_BADGES_OAUTH_STATE_TTL"))
    if not connection.oauth_started or (timezone.now() - connection.oauth_started).total_seconds() > ttl:
        connection.oauth_state, connection.pkce_verifier_encrypted = "", None
        connection.save(update_fields=["oauth_state", "pkce_verifier_encrypted", "modified"])
        raise ProviderError("The sign-in took too long; start connecting again.")
    try:
        for_provider(connection.provider).finish_connect(connection, params, callback_url())
    except http.RemoteError as exc:
        _connection_failed(connection, exc)
        raise
    return connection


def save_tokens(user, provider, access, refresh="", expires_in=None):
    """Link an account whose tokens the learner brought (Badgr)."""
    connection, _created = BackpackConnection.objects.get_or_create(
        user=user, provider=provider, defaults={"auto_push": provider.auto_push_default})
    for_provider(provider).save_tokens(connection, access, refresh, expires_in)
    return connection


def _connection_failed(connection, exc):
    message = http.redact(str(exc), secrets_of(connection, connection.provider))
    connection.last_error = message[:1000]
    if connection.state != BackpackConnection.CONNECTED:
        connection.state = BackpackConnection.FAILED
    connection.save(update_fields=["state", "last_error", "modified"])


def disconnect(user, provider):
    """Forget the learner's tokens (the push history stays)."""
    return BackpackConnection.objects.filter(user=user, provider=provider).delete()[0] > 0


def set_auto_push(user, provider, enabled):
    """Turn sending new awards to ``provider`` on or off; the number of connections changed (0: not connected)."""
    return BackpackConnection.objects.filter(user=user, provider=provider).update(auto_push=bool(enabled))


def retire_user(user):
    """Delete a retired learner's connections (tokens) and wallet DIDs."""
    BackpackConnection.objects.filter(user=user).delete()
    WalletChallenge.objects.filter(award__user=user).update(holder="")


# --- the push task (acknowledged late, retried with backoff; see push_award) ------------------



def max_retries():
    """Retries before a push's attempt is final (``OPENEDX_BADGES_PUSH_MAX_RETRIES``); its failure then stays failed."""
    return int(conf.get("OPENEDX_BADGES_PUSH_MAX_RETRIES"))


@shared_task(name="openedx_badges.push_award", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True,  # the PushAttempt row is the result the learner and operator see
             autoretry_for=(http.TransientError,), max_retries=None,
             retry_backoff=int(conf.get("OPENEDX_BADGES_PUSH_RETRY_BACKOFF")),
             retry_backoff_max=int(conf.get("OPENEDX_BADGES_PUSH_RETRY_BACKOFF_MAX")),
             retry_jitter=True,
             soft_time_limit=int(conf.get("OPENEDX_BADGES_PUSH_TIME_LIMIT")),
             time_limit=int(conf.get("OPENEDX_BADGES_PUSH_TIME_LIMIT")) + 30)
def push_award(self, attempt_id):
    """Send (or revoke) one ``PushAttempt``; returns its status."""
    attempt = perform(attempt_id, final=self.request.retries >= max_retries())
    return attempt.status if attempt is not None else None


# --- pushes --------------------------------------------------------------------------------


def _send(attempt_id):
    """Queue the push task; if the broker is down the attempt stays pending for the sweeper."""
    queue = conf.get("OPENEDX_BADGES_CELERY_QUEUE")
    try:
        push_award.apply_async(args=[attempt_id], retry=False, **({"queue": queue} if queue else {}))
    except Exception as exc:  # pylint: disable=broad-except  (kombu raises many kinds when the broker is down)
        log.warning("Push attempt %s could not be queued (%s); the sweeper will queue it.", attempt_id,
                    type(exc).__name__)


def push(award, provider, connection=None, *, operation=PushAttempt.PUSH, force=False):
    """
    Find or create the attempt for this award, provider and connection, and queue it.

    An attempt already sent is left alone, unless ``force`` and the provider replaces
    (upsert) rather than duplicates. Returns the attempt.
    """
    key = PushAttempt.key_for(award, provider, connection, operation)
    try:
        with transaction.atomic():
            attempt, created = PushAttempt.objects.get_or_create(
                idempotency_key=key,
                defaults={"award": award, "provider": provider, "connection": connection, "operation": operation})
    except IntegrityError:
        attempt, created = PushAttempt.objects.get(idempotency_key=key), False
    if not created:
        if attempt.status == PushAttempt.SENT and not (force and for_provider(provider).idempotent_push):
            return attempt
        if attempt.status != PushAttempt.PENDING:
            attempt.status, attempt.last_error = PushAttempt.PENDING, ""
            attempt.save(update_fields=["status", "last_error", "updated"])
    transaction.on_commit(partial(_send, attempt.pk))
    return attempt


def learner_push(user, provider, award, *, force=True):
    """A push the learner asked for: their own award, to their own connected account."""
    if award.user_id != user.pk:
        raise ProviderError("This is not your badge.")
    if award.revoked:
        raise ProviderError("A revoked badge cannot be sent.")
    impl = for_provider(provider)
    if not impl.pushes or not provider.enabled:
        raise ProviderError(f"{provider.name} does not take pushes.")
    connection = None
    if impl.learner_connects:
        connection = connection_of(user, provider)
        if connection is None or connection.state != BackpackConnection.CONNECTED:
            raise ProviderError(f"Connect your {provider.name} account first.")
    elif not impl.applies_to(award):
        raise ProviderError(f"{provider.name} does not take this badge.")
    return push(award, provider, connection, force=force)


def retry_push(attempt):
    """Try a failed (or stuck) attempt again: for the learner's button and the admin action."""
    if attempt.status == PushAttempt.SENT:
        return attempt
    attempt.status, attempt.last_error = PushAttempt.PENDING, ""
    attempt.save(update_fields=["status", "last_error", "updated"])
    transaction.on_commit(partial(_send, attempt.pk))
    return attempt


def queue_auto_pushes(award):
    """After an award: push it wherever the learner (or the operator, for Credly) asked. Never raises."""
    try:
        if not conf.get("OPENEDX_BADGES_AUTO_PUSH") or award.user_id is None or award.revoked:
            return []
        attempts = []
        for provider in enabled_providers():
            impl = for_provider(provider)
            if not impl.pushes or not impl.applies_to(award):
                continue
            if impl.learner_connects:
                connection = BackpackConnection.objects.filter(
                    user_id=award.user_id, provider=provider, state=BackpackConnection.CONNECTED,
                    auto_push=True).first()
                if connection is not None:
                    attempts.append(push(award, provider, connection))
            elif provider.auto_push_default:
                attempts.append(push(award, provider))
        return attempts
    except DatabaseError:
        raise  # not the push's fault: whoever sends the award's follow-ups sends them again
    except Exception:  # pylint: disable=broad-except  (a push must never cost the learner the award)
        log.exception("Could not queue the automatic pushes of award %s.", getattr(award, "pk", None))
        return []


def queue_revocations(award):
    """After a revocation: revoke at every provider that takes revocations and holds this award. Never raises."""
    try:
        attempts = []
        sent = PushAttempt.objects.filter(award=award, operation=PushAttempt.PUSH, status=PushAttempt.SENT)
        for pushed in sent.select_related("provider", "connection"):
            if not pushed.provider.enabled or not for_provider(pushed.provider).supports_revoke:
                continue
            attempts.append(push(award, pushed.provider, pushed.connection, operation=PushAttempt.REVOKE))
        return attempts
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not queue the revocations of award %s.", getattr(award, "pk", None))
        return []


def perform(attempt_id, *, final):
    """
    One try of an attempt (the task's body). Transient failures are re-raised for
    celery to retry, unless ``final``; everything else ends in ``failed`` with a reason.
    """
    attempt = (PushAttempt.objects.select_related("award__badge_class__issuer", "award__user", "provider",
                                                  "connection").filter(pk=attempt_id).first())
    if attempt is None or attempt.status == PushAttempt.SENT:
        return attempt
    provider, connection = attempt.provider, attempt.connection
    attempt.attempts += 1
    try:
        impl = for_provider(provider)
        if not provider.enabled:
            raise ProviderError(f"{provider.name} is switched off.")
        if impl.learner_connects and connection is None:
            raise ProviderError(f"The {provider.name} account was disconnected; connect it again.")
        if attempt.operation == PushAttempt.REVOKE:
            pushed = PushAttempt.objects.filter(idempotency_key=PushAttempt.key_for(
                attempt.award, provider, connection, PushAttempt.PUSH)).first()
            if pushed is None or pushed.status != PushAttempt.SENT:
                raise ProviderError("Nothing was sent there, so there is nothing to revoke.")
            remote_id = impl.revoke(attempt, pushed)
        else:
            if attempt.award.revoked:
                raise ProviderError("The badge was revoked before it could be sent.")
            remote_id = impl.push(attempt)
    except (http.TransientError, SoftTimeLimitExceeded) as exc:
        reason = _reason(exc, connection, provider) if isinstance(exc, http.TransientError) \
            else "The push took too long."
        if not final:
            _save(attempt, PushAttempt.PENDING, f"{reason} Trying again shortly.")
            raise http.TransientError(reason) from exc
        _save(attempt, PushAttempt.FAILED, f"{reason} Gave up after {attempt.attempts} tries.")
    except (http.RemoteError, keystore.KeyStoreError) as exc:
        _save(attempt, PushAttempt.FAILED, _reason(exc, connection, provider))
    except Exception:  # pylint: disable=broad-except  (the learner sees a reason; operators the traceback)
        log.exception("Push attempt %s failed unexpectedly.", attempt.pk)
        _save(attempt, PushAttempt.FAILED, "An unexpected error happened; the site's operators can see it in the logs.")
    else:
        attempt.remote_id = remote_id or attempt.remote_id
        _save(attempt, PushAttempt.SENT, "")
    return attempt


def _reason(exc, connection, provider):
    return http.redact(str(exc), secrets_of(connection, provider))[:1000]


def _save(attempt, status, reason):
    attempt.status, attempt.last_error = status, reason
    attempt.save(update_fields=["status", "last_error", "attempts", "remote_id", "updated"])
    if status != PushAttempt.PENDING:
        tracking.push_finished(attempt)
    if status == PushAttempt.FAILED:
        log.info("Push attempt %s (%s to provider %s) failed: %s", attempt.pk, attempt.operation,
                 attempt.provider_id, reason)


def requeue_stale(older_than_seconds=600, limit=500):
    """Queue pending attempts nobody is working on (the broker was down when they were made)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(PushAttempt.objects.filter(status=PushAttempt.PENDING, updated__lt=cutoff)
               .order_by("updated").values_list("pk", flat=True)[:limit])
    for attempt_id in ids:
        _send(attempt_id)
    return len(ids)


# --- the DCC wallet ------------------------------------------------------------------------


def dcc_request(user, provider, award):
    """A fresh wallet link for the learner's own award."""
    if award.user_id != user.pk:
        raise ProviderError("This is not your badge.")
    if provider.kind != BackpackProvider.DCC or not provider.enabled:
        raise ProviderError("This is not a wallet that collects badges.")
    return for_provider(provider).new_request(award)


def _domains(issuer):
    parts = urlsplit(issuer.public_base_url)
    return {parts.netloc, f"{parts.scheme}://{parts.netloc}", parts.hostname}


def _count_failure(row, now):
    """A refused presentation: after a few, the challenge dies (guessing it is then pointless)."""
    ttl = max(1, int((row.expires_at - now).total_seconds()) + 1)
    if throttle.count_failure(row.exchange_id, ttl) >= throttle.max_failures():
        WalletChallenge.objects.filter(pk=row.pk, used_at__isnull=True).update(expires_at=now)
        log.info("DCC exchange %s: too many refused presentations; the challenge is withdrawn.",
                 row.exchange_id[:8])


def dcc_exchange(exchange_id, presentation):
    """
    A wallet answers a challenge: verify its DID-Auth presentation, use the challenge up,
    and return the credential. Raises ``PresentationError`` with a reason.

    A refused presentation leaves the challenge usable (the learner's real wallet may
    still answer), but after ``throttle.max_failures()`` refusals it is withdrawn, so
    nobody can keep trying against one link.
    """
    now = timezone.now()
    row = (WalletChallenge.objects.select_related("award__badge_class__issuer", "provider")
           .filter(exchange_id=exchange_id).first())
    if row is None:
        raise PresentationError("Unknown exchange.")
    if row.used_at is not None:
        raise PresentationError("This challenge was already used; ask for a new wallet link.")
    if row.expires_at <= now:
        raise PresentationError("This challenge has expired or was withdrawn after failed attempts; "
                                "ask for a new wallet link.")
    award = row.award
    try:
        holder = verify_presentation(presentation, challenge=row.challenge,
                                     domains=_domains(award.badge_class.issuer))
    except PresentationError:
        _count_failure(row, now)
        raise
    if not WalletChallenge.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now, holder=holder):
        raise PresentationError("This challenge was already used; ask for a new wallet link.")  # a race, lost
    award.refresh_from_db(fields=["revoked"])
    if award.revoked:
        raise PresentationError("This badge has been revoked.")
    key = PushAttempt.key_for(award, row.provider)
    attempt, _created = PushAttempt.objects.get_or_create(
        idempotency_key=key, defaults={"award": award, "provider": row.provider})
    attempt.attempts += 1
    attempt.status, attempt.last_error = PushAttempt.SENT, ""
    attempt.save(update_fields=["status", "last_error", "attempts", "updated"])
    # The wallet proved its DID: it gets the credential bound to it (issue 21).
    return bind_to_did(award, holder).credential
