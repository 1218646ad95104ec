"""
Award one badge class to many learners: streamed, batched, signed with keys decrypted once.

``award_many`` walks the learners in primary-key order, ``batch_size`` at a time
(keyset pagination: never more than one batch of users in memory, and no server-side
cursor held across the writes). For each batch it

1. finds the learners' existing awards of the badge in one query, and skips those who
   hold it (earned, unexpired, not revoked); an expired or revoked award is followed by
   a new one with the next sequence, as a staff award is;
2. in one transaction: reserves the batch's revocation and suspension slots with one
   locked update per list (``issuing.allocate_status_slots``), builds and signs every
   award in memory through the single award's path (``issuing.build_award`` with a
   ``SigningContext`` made once per run), and writes them with one ``bulk_create``;
3. after commit, sends each award's follow-ups through the single award's outbox
   (``awarding.send_follow_ups``): BADGE_AWARDED, the email if asked (``notify``), and
   automatic backpack pushes when a pushing provider is enabled.

Exactly once: the unique constraint (badge class, user, sequence) still decides. If a
batch's insert hits it (an award made concurrently for one of its learners), the batch
is rolled back as a whole, slots included, and each of its learners goes through
``issuing.award_badge``, which returns the concurrent award unchanged.
"""

import logging
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from .. import conf
from ..backpacks import services
from ..credentials import issuing
from ..models import Award
from . import awarding

log = logging.getLogger(__name__)
DEFAULT_BATCH_SIZE = 500


@dataclass
class BulkResult:
    awarded: int = 0
    already: int = 0
    refused: int = 0
    batches: int = 0
    fallback_batches: int = 0
    seconds: dict = field(default_factory=lambda: {"select": 0.0, "slots": 0.0, "sign": 0.0, "write": 0.0})


def batch_size_setting():
    """Learners per batch: bounds memory and the length of each transaction."""
    return int(conf.get("OPENEDX_BADGES_BULK_BATCH_SIZE"))


def iter_batches(queryset, batch_size):
    """
    Lists of at most ``batch_size`` objects of ``queryset``, by ascending pk (keyset pagination).
    A list of users already in memory (a staff CSV) is simply cut into batches.
    """
    if isinstance(queryset, (list, tuple)):
        ordered = sorted(queryset, key=lambda obj: obj.pk)
        for start in range(0, len(ordered), batch_size):
            yield ordered[start:start + batch_size]
        return
    queryset = queryset.order_by("pk")
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        batch = list(page[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk
        if len(batch) < batch_size:
            return


def _existing(badge_class, user_ids, now):
    """user id -> (latest sequence, holds it now) for the batch's learners, in one query."""
    rows = (Award.objects.filter(badge_class=badge_class, user_id__in=user_ids)
            .values("user_id").annotate(seq=Max("sequence")))
    latest = {row["user_id"]: row["seq"] for row in rows}
    if not latest:
        return {}
    held = set()
    for user_id, seq, revoked, valid_until in (Award.objects.filter(badge_class=badge_class, user_id__in=list(latest))
                                               .values_list("user_id", "sequence", "revoked", "valid_until")):
        if seq == latest[user_id] and not revoked and (valid_until is None or valid_until > now):
            held.add(user_id)
    return {user_id: (seq, user_id in held) for user_id, seq in latest.items()}


def award_many(badge_class, users, *, provenance, batch_size=None, notify=False, evidence=None,
               on_result=None, allow_after_revocation=True):
    """
    Award ``badge_class`` to every user of ``users`` (a queryset, streamed; or a list); return a ``BulkResult``.

    ``on_result(user, status, award)`` is called per learner with status "awarded",
    "already holds it" or "refused". ``notify`` emails each new holder (off by default:
    a bulk award of thousands should not send thousands of emails unless asked).
    """
    batch_size = batch_size or batch_size_setting()
    result = BulkResult()
    issuer = badge_class.issuer
    pushes = _pushing_providers()
    for users_batch in iter_batches(users, batch_size):
        result.batches += 1
        t0 = time.perf_counter()
        now = timezone.now().replace(microsecond=0)
        existing = _existing(badge_class, [user.pk for user in users_batch], now)
        todo = []
        for user in users_batch:
            seq, holds = existing.get(user.pk, (0, False))
            if holds:
                result.already += 1
                _report(on_result, user, "already holds it", None)
            elif seq and not allow_after_revocation and _was_revoked(badge_class, user, seq):
                result.refused += 1
                _report(on_result, user, "refused", None)
            else:
                todo.append((user, seq + 1))
        result.seconds["select"] += time.perf_counter() - t0
        if not todo:
            continue
        # The process's cached context (keys decrypted at most once a second), taken per batch:
        # a key rotated or withdrawn (compromised) during a long run stops signing within CONTEXT_TTL.
        signing = issuing.signing_context(badge_class)
        try:
            with transaction.atomic():
                made = _create_batch(badge_class, issuer, todo, now=now, provenance=provenance,
                                     evidence=evidence or [], signing=signing, result=result)
        except IntegrityError:
            log.info("Bulk award of %s: a batch met a concurrent award; awarding its %d learners one by one.",
                     badge_class.uuid, len(todo))
            result.fallback_batches += 1
            made = []
            for user, _ in todo:
                with transaction.atomic():
                    award, created = issuing.award_badge(badge_class, user, evidence=evidence or [],
                                                         provenance=provenance, after_revocation=True)
                if created:
                    made.append(award)
                else:
                    result.already += 1
                    _report(on_result, user, "already holds it", award)
        for award in made:
            result.awarded += 1
            _report(on_result, award.user, "awarded", award)
        _announce(made, notify, pushes)
    return result


def _create_batch(badge_class, issuer, todo, *, now, provenance, evidence, signing, result):
    t0 = time.perf_counter()
    revocations = issuing.allocate_status_slots(issuer, len(todo))
    suspensions = issuing.allocate_status_slots(issuer, len(todo), issuing.SUSPENSION)
    t1 = time.perf_counter()
    awards = [
        issuing.build_award(badge_class, user, sequence, issued_on=now, evidence=evidence, result=[],
                            provenance=provenance, revocation_slot=revocation, suspension_slot=suspension,
                            signing=signing,
                            announce_claimed_at=now)  # this run sends the follow-ups (_announce)
        for (user, sequence), revocation, suspension in zip(todo, revocations, suspensions, strict=True)
    ]
    t2 = time.perf_counter()
    Award.objects.bulk_create(awards)
    result.seconds["slots"] += t1 - t0
    result.seconds["sign"] += t2 - t1
    result.seconds["write"] += time.perf_counter() - t2
    return awards


def _was_revoked(badge_class, user, sequence):
    return Award.objects.filter(badge_class=badge_class, user=user, sequence=sequence, revoked=True).exists()


def _report(on_result, user, status, award):
    if on_result is not None:
        on_result(user, status, award)


def _pushing_providers():
    try:

        return bool(conf.get("OPENEDX_BADGES_AUTO_PUSH")) and bool(list(services.enabled_providers()))
    except Exception:  # pylint: disable=broad-except
        log.exception("Could not list the backpack providers; bulk awards will not be pushed automatically.")
        return False


def _announce(awards, notify, pushes):
    """After commit, per award: the BADGE_AWARDED event; the email if asked; automatic pushes if any provider."""
    if not awards:
        return

    def send():
        sent = []
        for made in awards:
            award = made
            try:
                if pushes and award.pk is None:  # backends without RETURNING on bulk_create
                    award = Award.objects.get(uuid=award.uuid)
                awarding.send_follow_ups(award, notify=notify, push=pushes)
            except DatabaseError as exc:
                # left unannounced: the sweeper sends these follow-ups (awarding.sweep_announcements)
                log.warning("Bulk award follow-ups stopped at award %s (%s); the sweeper will send the rest.",
                            award.uuid, exc)
                if not connection.in_atomic_block:  # a dead connection is replaced; never close a transaction
                    connection.close_if_unusable_or_obsolete()
                break
            sent.append(award.uuid)
        try:
            now = timezone.now()
            Award.objects.filter(uuid__in=sent).update(announced_at=now, announce_claimed_at=now)
        except DatabaseError:
            log.warning("Could not record the follow-ups of %d bulk awards; they may be sent again.", len(sent))

    transaction.on_commit(send)
