"""
The plugin's Python API for issuing: issuers, awards, revocation, public documents.

Everything that creates or changes a credential goes through here (the award
engine, the admin, the sample command, the XBlock), so there is one path that
signs, and the documents a verifier sees are the ones this module stored.
"""

import logging
import os
import secrets
import threading
import time
import uuid
from collections import deque
from datetime import UTC, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import compat, conf
from ..engine import dataintegrity, dids, fastsign, images, keys, ob2, ob3, statuslist
from ..models import Award, BadgeClass, Issuer, SigningKey, StatusList
from ..rules import gives_results
from . import caching, keystore, public_urls

log = logging.getLogger(__name__)


def iso(moment):
    """XSD dateTime in UTC with a Z, seconds precision: the form every verifier accepts."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- issuers -------------------------------------------------------------------------------


def default_base_url():
    """The origin new issuers publish under: the operator's setting, else the LMS's own URL."""
    return (conf.get("OPENEDX_BADGES_PUBLIC_BASE_URL") or compat.lms_root_url()).rstrip("/")


@transaction.atomic
def create_issuer(name, url, email, *, description="", org="", public_base_url=None, identity=None,
                  is_default=None, image=None):
    """Create an issuer with its Ed25519 and RSA keys."""
    if is_default is None:
        is_default = not Issuer.objects.filter(is_default=True).exists()
    issuer = Issuer.objects.create(
        name=name, url=url, email=email, description=description, org=org,
        public_base_url=(public_base_url or default_base_url()).rstrip("/"),
        identity=identity or conf.get("OPENEDX_BADGES_DEFAULT_IDENTITY"),
        is_default=is_default,
    )
    if image:
        set_image(issuer, image)
    keystore.create_key(issuer, SigningKey.ED25519)
    keystore.create_key(issuer, SigningKey.RSA)
    return issuer


def issuer_for_course(course_key):
    """The issuer of a course's organisation, or the default issuer."""
    org = ""
    if course_key and ":" in course_key:
        org = course_key.split(":", 1)[1].split("+", 1)[0]
    issuer = Issuer.objects.filter(org=org).first() if org else None
    return issuer or Issuer.objects.filter(is_default=True).first()


def issuer_profile_ob3(issuer):
    """The issuer as an OB 3.0 Profile: embedded in every credential so a verifier needs no lookup."""
    return ob3.build_profile(
        public_urls.issuer_did(issuer), issuer.name, issuer.url, email=issuer.email,
        description=issuer.description or None,
        image=public_urls.issuer_image_url(issuer) if issuer.image_data else None,
    )


def did_document(issuer):
    """
    The issuer's did:web document: every Ed25519 key it ever had, all of them in
    ``assertionMethod``, because verifiers check that the key of a proof is listed
    there; rotation stops a key signing, it does not take back what it signed.
    """

    did = public_urls.issuer_did(issuer)
    if issuer.identity == "did:key":
        return dids.did_key_document(did)
    ed_keys = list(issuer.keys.filter(kind=SigningKey.ED25519, compromise__isnull=True)  # issue 21 hook
                   .order_by("created", "id"))
    return dids.did_web_document(
        did,
        keys=[(key.key_id, keys.public_from_multibase(key.public_key)) for key in ed_keys],
        assertion_fragments=[key.key_id for key in ed_keys],
    )


def issuer_ob2(issuer):
    """The issuer as an OB 2.0 Profile: what hosted assertions and badge classes point at."""
    rsa_keys = issuer.keys.filter(kind=SigningKey.RSA, compromise__isnull=True).order_by("created", "id")
    return ob2.build_issuer(
        public_urls.issuer_url(issuer), issuer.name, issuer.url, issuer.email,
        description=issuer.description or None,
        image=public_urls.issuer_image_url(issuer) if issuer.image_data else None,
        public_keys=[public_urls.key_url(issuer, key) for key in rsa_keys],
        revocation_list=public_urls.revocation_list_url(issuer),
    )


def key_ob2(issuer, key):
    """An RSA key as an OB 2.0 CryptographicKey: how signed assertions are checked."""
    return ob2.build_crypto_key(public_urls.key_url(issuer, key), public_urls.issuer_url(issuer), key.public_key)


def revocation_list_ob2(issuer):
    """The issuer's OB 2.0 revocation list: the 2.0 way a verifier learns of a revocation."""
    revoked = Award.objects.filter(badge_class__issuer=issuer, revoked=True).order_by("revoked_at", "id")
    return ob2.build_revocation_list(
        public_urls.revocation_list_url(issuer), public_urls.issuer_url(issuer),
        [(f"urn:uuid:{award.uuid}", award.revocation_reason or None) for award in revoked]
        + [(public_urls.assertion_url(award), award.revocation_reason or None) for award in revoked],
    )


# --- badge classes ---------------------------------------------------------------------------


def achievement_ob3(badge_class):
    """The badge class as an OB 3.0 Achievement: built once per signing context, embedded in each credential."""
    tags = list(badge_class.tags or [])
    if badge_class.level:
        tags.append(badge_class.level)
    return ob3.build_achievement(
        public_urls.badge_class_url(badge_class), badge_class.name, badge_class.description,
        criteria_narrative=badge_class.criteria_narrative or None,
        criteria_id=badge_class.criteria_url or None,
        image=public_urls.badge_image_url(badge_class),
        achievement_type=badge_class.achievement_type or None,
        alignment=badge_class.alignments or (),
        tag=tags,
        # The badge's category (issue 13) is the achievement's field of study, a term of the
        # OB 3.0 context ("category, subject, area of study, discipline").
        field_of_study=badge_class.category or None,
        result_description=_result_descriptions(badge_class),
    )


def _result_descriptions(badge_class):
    """A 'Percent' result description when the badge's rule scores the learner (results point at it)."""
    rule = getattr(badge_class, "rule", None)  # the reverse one-to-one raises AttributeError when absent
    if rule is None or not gives_results(rule.condition):
        return ()
    return [{"id": public_urls.score_result_description_url(badge_class), "type": ["ResultDescription"],
             "name": "Score", "resultType": "Percent", "valueMin": "0", "valueMax": "100"}]


def badge_class_ob2(badge_class):
    """The badge class as an OB 2.0 BadgeClass: the public document 2.0 assertions point at."""
    return ob2.build_badge_class(
        public_urls.badge_class_url(badge_class), badge_class.name, badge_class.description,
        public_urls.badge_image_url(badge_class),
        criteria_url=badge_class.criteria_url or None,
        criteria_narrative=badge_class.criteria_narrative or None,
        issuer_id=public_urls.issuer_url(badge_class.issuer),
        alignments=[
            {k2: a[k3] for k2, k3 in (("targetName", "targetName"), ("targetUrl", "targetUrl"),
                                      ("targetDescription", "targetDescription"),
                                      ("targetFramework", "targetFramework"), ("targetCode", "targetCode"))
             if a.get(k3)}
            for a in (badge_class.alignments or [])
        ] or None,
        tags=(list(badge_class.tags or []) + [word for word in (badge_class.level, badge_class.category) if word])
        or None,
    )


@transaction.atomic
def rotate_key(issuer, kind):
    """
    Retire the issuer's active key of ``kind`` and make a new one; the old one stays
    published so what it signed still verifies. Here, not in ``keystore``, because this
    process's signing contexts and the cached public documents must forget the old key.
    """
    if kind == SigningKey.ED25519 and issuer.identity == "did:key":
        raise keystore.KeyStoreError("A did:key issuer cannot rotate its key: its identity is the key.")
    issuer.keys.filter(kind=kind, active=True).update(active=False, retired=timezone.now())
    key = keystore.create_key(issuer, kind)
    forget_signing_contexts()
    transaction.on_commit(forget_signing_contexts)
    caching.invalidate_issuer(issuer)
    transaction.on_commit(lambda: caching.invalidate_issuer(issuer))
    return key


# --- status lists ----------------------------------------------------------------------------


REVOCATION = "revocation"
SUSPENSION = "suspension"


def allocate_status_slots(issuer, count, purpose=REVOCATION):
    """
    Reserve ``count`` free indexes of the issuer's lists of ``purpose``, one locked update
    per list touched (spilling into a new list when one fills): single and bulk awards
    reserve their slots here, so every award has its revocation and suspension bits.
    """
    size = conf.get("OPENEDX_BADGES_STATUS_LIST_SIZE")
    slots = []
    while len(slots) < count:
        # The bits (size/8 bytes) and the signed list stay in the database: a slot needs neither.
        free = (StatusList.objects.filter(issuer=issuer, purpose=purpose, next_index__lt=size).order_by("id")
                .defer("bits", "credential"))
        hint = _roomy.get((issuer.pk, purpose))
        if hint is not None:
            # The list this process last took a slot from: locked by its key, a row lock only
            # (no gap lock, so none of the deadlock below), and no existence query first.
            status_list = free.select_for_update().filter(pk=hint).first()
            if status_list is not None:
                _take(status_list, issuer, count - len(slots), slots)
                continue
            _roomy.pop((issuer.pk, purpose), None)
        if not free.exists():
            # No list with room yet (the issuer's first award of this purpose, or a full list).
            # Creators queue on the issuer's row *before* their locking read: two transactions
            # that both took the empty range's gap lock and then inserted would deadlock
            # (InnoDB), which the first concurrent awards of a new issuer did.
            list(Issuer.objects.select_for_update().filter(pk=issuer.pk).values_list("pk", flat=True))
        status_list = free.select_for_update().first()
        if status_list is None:
            status_list = StatusList.objects.create(issuer=issuer, size=size, bits=bytes(size // 8), purpose=purpose)
            status_list = StatusList.objects.select_for_update().defer("bits", "credential").get(pk=status_list.pk)
        _take(status_list, issuer, count - len(slots), slots)
        _roomy[(issuer.pk, purpose)] = status_list.pk
    return slots


# (issuer id, purpose) -> the status list this process last took slots from: a hint, checked
# under the row lock each time (a full or deleted list sends the caller the long way).
_roomy = {}


def _take(status_list, issuer, wanted, slots):
    """Take up to ``wanted`` slots of the locked ``status_list`` into ``slots``."""
    status_list.issuer = issuer  # the caller's object: the list's URL needs it, without a query
    start = status_list.next_index
    take = min(wanted, status_list.size - start)
    StatusList.objects.filter(pk=status_list.pk).update(next_index=start + take)
    slots.extend((status_list, index) for index in range(start, start + take))
    return take


# Status slots reserved ahead by this process, per issuer and purpose. An award taking one
# needs no lock on the status list: without them every single award locked the list's row
# from its first query to its commit (signing and the commit's flush included), so the
# awards of all worker processes queued on that one row. A reservation commits on its own
# (``reserve_slots`` runs outside any transaction), so a slot handed out here is never
# handed out again, whatever happens to the award that takes it: an award rolled back, or a
# process that exits, leaves a few indexes unused, whose bits simply stay 0.
SLOTS_RESERVED = 32
_reserved = {}
_reserved_lock = threading.Lock()


def reserve_slots(issuer):
    """
    Top up this process's reserved slots of ``issuer`` (revocation and suspension), each
    reservation in a transaction of its own. Does nothing inside a transaction (a rollback
    there could undo a reservation already handed out): the award then locks as before.
    """
    if transaction.get_connection().in_atomic_block:
        return False
    for purpose in (REVOCATION, SUSPENSION):
        key = (os.getpid(), issuer.uuid, purpose)  # a forked child never takes its parent's slots
        with _reserved_lock:
            if _reserved.get(key):
                continue
        with transaction.atomic():
            slots = allocate_status_slots(issuer, SLOTS_RESERVED, purpose)
        with _reserved_lock:
            _reserved.setdefault(key, deque()).extend(slots)
    return True


def _reserved_slot(issuer, purpose):
    with _reserved_lock:
        slots = _reserved.get((os.getpid(), issuer.uuid, purpose))
        return slots.popleft() if slots else None


def forget_reserved_slots():
    """Drop this process's reservations (tests that rebuild the database)."""
    with _reserved_lock:
        _reserved.clear()


def sign_status_list(status_list):
    """Re-sign the list credential from its bits; called when a bit changes."""
    bits = _bits_of(status_list)
    issuer = status_list.issuer
    key = keystore.active_key(issuer, SigningKey.ED25519)
    unsigned = statuslist.build_status_list_credential(
        public_urls.status_list_url(status_list), public_urls.issuer_did(issuer, key), bits.encode(),
        iso(timezone.now()), purpose=status_list.purpose,
    )
    status_list.credential = dataintegrity.sign(
        unsigned, keystore.load_private_key(key), public_urls.verification_method(issuer, key))
    status_list.save(update_fields=["credential", "modified"])
    return status_list.credential


def status_list_credential(status_list):
    """The list's signed credential, signed on first request: verifiers fetch it to read a status bit."""
    if not status_list.credential:
        sign_status_list(status_list)
    return status_list.credential


# --- awards ----------------------------------------------------------------------------------


class AwardRefused(Exception):
    """The award is not made; the message says why (e.g. a revoked earlier award)."""


def current_award(badge_class, user):
    """The learner's latest award of this badge, whatever its state."""
    return Award.objects.filter(badge_class=badge_class, user=user).order_by("-sequence").first()


def award_badge(badge_class, user, *, email=None, evidence=None, result=None, provenance=None,
                issued_on=None, after_revocation=False):
    """
    Award ``badge_class`` to ``user`` once; return ``(award, created)``.

    A valid earlier award is returned unchanged (events arrive more than once).
    An expired one is followed by a new award. A revoked one blocks automatic
    re-awarding: only staff, with ``after_revocation``, award again (ADR 0003).
    """
    existing = current_award(badge_class, user)
    state = existing.state() if existing else "none"
    if state in ("earned", "suspended"):  # a hold is lifted by staff, not replaced by a new award
        return existing, False
    if state == "revoked" and not after_revocation:
        raise AwardRefused("This badge was revoked for this learner; only staff can award it again.")
    sequence = existing.sequence + 1 if existing else 1
    try:
        with transaction.atomic():
            award = _create_award(badge_class, user, sequence, email=email, evidence=evidence or [],
                                  result=result or [], provenance=provenance or {}, issued_on=issued_on)
    except IntegrityError:
        # Another worker made this award first: the constraint decided, report theirs.
        award = Award.objects.get(badge_class=badge_class, user=user, sequence=sequence)
        return award, False
    return award, True


def _create_award(badge_class, user, sequence, *, email, evidence, result, provenance, issued_on):
    issued_on = (issued_on or timezone.now()).replace(microsecond=0)
    issuer = badge_class.issuer
    revocation = _reserved_slot(issuer, REVOCATION) or allocate_status_slots(issuer, 1)[0]
    suspension = _reserved_slot(issuer, SUSPENSION) or allocate_status_slots(issuer, 1, SUSPENSION)[0]
    award = build_award(badge_class, user, sequence, issued_on=issued_on, evidence=evidence, result=result,
                        provenance=provenance, revocation_slot=revocation, suspension_slot=suspension, email=email)
    award.save()
    return award


def build_award(badge_class, user, sequence, *, issued_on, evidence, result, provenance, revocation_slot,
                suspension_slot, email=None, signing=None, **fields):
    """
    A new award with its signed documents, in memory (the caller saves it, alone or in a
    ``bulk_create``). The one place an award is made: ``award_badge`` and bulk awards
    (``bulk_issue``) both come here, so both carry the same documents and status bits.
    ``signing``: a ``SigningContext`` built once for a run; ``fields``: more model fields.
    """
    valid_until = issued_on + timedelta(days=badge_class.validity_days) if badge_class.validity_days else None
    award = Award(
        badge_class=badge_class, user=user, sequence=sequence,
        recipient_identity="", recipient_salt=secrets.token_hex(16),
        issued_on=issued_on, valid_until=valid_until,
        evidence=evidence, result=result, provenance=provenance,
        status_list=revocation_slot[0], status_index=revocation_slot[1],
        suspension_list=suspension_slot[0], suspension_index=suspension_slot[1], **fields,
    )
    _sign_documents(award, email or user.email, signing)
    return award


class SigningContext:
    """
    What signing an award of one badge class needs, looked up and decrypted once.

    ``build_award`` builds one per award; batches (``bulk_issue``) build one per
    run, so the private keys are decrypted once, not once per award.
    """

    def __init__(self, badge_class):
        issuer = badge_class.issuer
        self.ed_key = keystore.active_key(issuer, SigningKey.ED25519)
        self.rsa_key = keystore.active_key(issuer, SigningKey.RSA)
        self.ed_private = keystore.load_private_key(self.ed_key)
        self.rsa_private = keystore.load_private_key(self.rsa_key)
        self.verification_method = public_urls.verification_method(issuer, self.ed_key)
        self.rsa_key_url = public_urls.key_url(issuer, self.rsa_key)
        self.profile = issuer_profile_ob3(issuer)
        self.achievement = achievement_ob3(badge_class)
        self.badge_class_url = public_urls.badge_class_url(badge_class)
        self.badge_image_url = public_urls.badge_image_url(badge_class)
        # URL patterns reversed once (a placeholder UUID, then str.replace), not per award
        probe = Award(uuid=self._PROBE, badge_class=badge_class)
        self._credential = public_urls.credential_url(probe)
        self._assertion = public_urls.assertion_url(probe)
        self._status_lists = {}

    _PROBE = uuid.UUID("00000000-0000-4000-8000-0000000b0b0b")

    def credential_url(self, award):
        """The award's credential URL, reversed once per badge class (bulk awards build thousands)."""
        return self._credential.replace(str(self._PROBE), str(award.uuid))

    def assertion_url(self, award):
        """The award's assertion URL, reversed once per badge class, as ``credential_url``."""
        return self._assertion.replace(str(self._PROBE), str(award.uuid))

    def status_list_url(self, status_list):
        """A status list's URL, reversed once per list for the context's lifetime."""
        url = self._status_lists.get(status_list.pk)
        if url is None:
            url = self._status_lists[status_list.pk] = public_urls.status_list_url(status_list)
        return url


# Per-process SigningContexts of recently awarded badge classes. A worker awarding a
# cohort builds one a second, not one per award (two key queries, decryption, the
# issuer profile and URL reversing: most of an award's cost). An edit of the badge
# class or issuer changes the stamp; a key rotated in another process is picked up
# within CONTEXT_TTL, and until then the retired key, still published, signs.
_CONTEXTS = {}
CONTEXT_TTL = 1.0


def signing_context(badge_class):
    """A cached SigningContext: a cohort awarded in one worker decrypts keys once a second, not per award."""
    issuer = badge_class.issuer
    stamp = (badge_class.uuid, badge_class.modified, issuer.uuid, issuer.modified)
    now = time.monotonic()
    entry = _CONTEXTS.get(badge_class.pk)
    if entry is not None and entry[1] == stamp and now - entry[0] < CONTEXT_TTL:
        return entry[2]
    if len(_CONTEXTS) > 256:
        forget_signing_contexts()
    context = SigningContext(badge_class)
    _CONTEXTS[badge_class.pk] = (now, stamp, context)
    return context


def forget_signing_contexts():
    """Called on key rotation, so this process signs with the new key at once."""
    _CONTEXTS.clear()


def _sign_documents(award, email, signing=None):
    """Build and sign the 3.0 credential and the 2.0 assertions of an award (``signing``: preloaded keys)."""
    badge_class = award.badge_class
    ctx = signing or signing_context(badge_class)

    identity = ob3.hashed_email_identity(email, award.recipient_salt)
    award.recipient_identity = identity["identityHash"]
    credential = ob3.build_credential(
        ctx.credential_url(award), ctx.profile, ctx.achievement,
        recipient_identity=identity,
        valid_from=iso(award.issued_on), awarded_date=iso(award.issued_on),
        valid_until=iso(award.valid_until) if award.valid_until else None,
        name=badge_class.name, description=badge_class.description,
        image=ctx.badge_image_url,
        evidence=[_ob3_evidence(item) for item in award.evidence],
        results=award.result or (),
        credential_status=_status_entries(award, ctx),
    )
    # fastsign: byte-identical to dataintegrity.sign, which it falls back to
    award.ob3_credential = fastsign.sign(credential, ctx.ed_private, ctx.verification_method,
                                         created=iso(award.issued_on))

    recipient = ob2.hashed_email_recipient(email, award.recipient_salt)
    common = {
        "image": ctx.badge_image_url,
        "evidence": [_ob2_evidence(item) for item in award.evidence] or None,
        "expires": iso(award.valid_until) if award.valid_until else None,
    }
    award.ob2_assertion = ob2.build_assertion(
        ctx.assertion_url(award), recipient, ctx.badge_class_url,
        iso(award.issued_on), verification={"type": "hosted"}, **common)
    award.ob2_signed_assertion = ob2.build_assertion(
        f"urn:uuid:{award.uuid}", recipient, ctx.badge_class_url, iso(award.issued_on),
        verification={"type": "signed", "creator": ctx.rsa_key_url}, **common)
    award.ob2_jws = ob2.sign_assertion(award.ob2_signed_assertion, ctx.rsa_private)


def _status_entries(award, ctx):
    """
    The credential's ``credentialStatus``: its revocation bit and, when the award has a
    slot there, its suspension bit (a second entry, so a hold never touches the final one).
    """
    revocation = statuslist.status_entry(ctx.status_list_url(award.status_list), award.status_index)
    if award.suspension_list_id is None:
        return revocation
    return [revocation, statuslist.status_entry(ctx.status_list_url(award.suspension_list),
                                                award.suspension_index, SUSPENSION)]


def _ob3_evidence(item):
    evidence = {"type": ["Evidence"]}
    for field in ("id", "name", "description", "narrative", "genre", "audience"):
        if item.get(field):
            evidence[field] = item[field]
    return evidence


def _ob2_evidence(item):
    return {field: item[field] for field in ("id", "name", "description", "narrative", "genre", "audience")
            if item.get(field)}


@transaction.atomic
def revoke_award(award, reason):
    """Revoke: flip the status-list bit, re-sign the list, mark the hosted assertion."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.revoked:
        return award
    now = timezone.now()
    award.revoked, award.revoked_at, award.revocation_reason = True, now, reason[:255]
    award.save(update_fields=["revoked", "revoked_at", "revocation_reason"])
    _set_status_bit(award, True)
    _invalidate_award_caches(award)
    return award


class NotReversible(Exception):
    """The change asked for would undo a revocation, or the award has no suspension slot."""


@transaction.atomic
def suspend_award(award, reason):
    """
    Put a reversible hold on the award: its bit in the suspension list is set; the
    revocation bit is left alone. Awards signed before suspension lists existed carry no
    suspension entry, so a hold would be invisible to verifiers: those are refused.
    """
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.suspension_list_id is None:
        raise NotReversible("This credential was signed without a suspension entry: revoke it instead.")
    if award.revoked or award.suspended:
        return award
    award.suspended, award.suspended_at, award.suspension_reason = True, timezone.now(), reason[:255]
    award.save(update_fields=["suspended", "suspended_at", "suspension_reason"])
    _set_status_bit(award, True, SUSPENSION)
    _invalidate_award_caches(award)
    return award


@transaction.atomic
def reinstate_award(award):
    """
    Lift a suspension: the suspension bit is cleared and the same credential is valid again.

    A revocation is final (the W3C Bitstring Status List lets verifiers and wallets cache
    it), so a revoked award is never reinstated here: ``awarding.reinstate`` issues a new
    credential instead.
    """
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.revoked:
        raise NotReversible("A revocation is final; award the badge again to issue a new credential.")
    if not award.suspended:
        return award
    award.suspended, award.suspended_at, award.suspension_reason = False, None, ""
    award.save(update_fields=["suspended", "suspended_at", "suspension_reason"])
    _set_status_bit(award, False, SUSPENSION)
    _invalidate_award_caches(award)
    return award


def _invalidate_award_caches(award):
    """Cached public documents of the award, its status list and the revocation list: now and after commit."""

    caching.invalidate_award(award)
    transaction.on_commit(lambda: caching.invalidate_award(award))


def _set_status_bit(award, value, purpose=REVOCATION):
    """Set the award's bit in its list of ``purpose``; only a suspension bit is ever cleared."""
    if purpose == REVOCATION:
        if not value:
            raise NotReversible("A revocation bit is never cleared.")
        list_id, index = award.status_list_id, award.status_index
    else:
        list_id, index = award.suspension_list_id, award.suspension_index
    status_list = StatusList.objects.select_for_update().get(pk=list_id)
    bits = _bits_of(status_list)
    bits.set(index, value)
    status_list.bits = bits.to_bytes()
    status_list.save(update_fields=["bits", "modified"])
    sign_status_list(status_list)
    if purpose != REVOCATION:  # caching.invalidate_award knows the revocation list only

        caching.bump(f"status:{status_list.uuid}")
        transaction.on_commit(lambda: caching.bump(f"status:{status_list.uuid}"))


def hosted_assertion(award):
    """The hosted 2.0 assertion as served: with ``revoked`` once revoked."""
    assertion = dict(award.ob2_assertion)
    if award.revoked:
        assertion["revoked"] = True
        if award.revocation_reason:
            assertion["revocationReason"] = award.revocation_reason
    return assertion


def create_badge_class(issuer, name, description, **fields):
    """Create a badge class validated as the admin validates it, so every caller refuses the same bad input."""
    badge_class = BadgeClass(issuer=issuer, name=name, description=description, **fields)
    badge_class.full_clean(exclude=["image_data"])
    badge_class.save()
    return badge_class


def set_image(obj, data, declared_type=None):
    """
    Store an uploaded image on an issuer or badge class after sanitising it.

    Raises ``images.ImageError`` with a message for the author when the file is
    not an acceptable PNG or SVG (wrong type, too large, a bomb, scripts).
    """

    mime, clean = images.sanitize_image(
        data, declared_type=declared_type,
        max_bytes=conf.get("OPENEDX_BADGES_MAX_IMAGE_BYTES"),
        max_pixels=conf.get("OPENEDX_BADGES_MAX_IMAGE_PIXELS"),
    )
    obj.image_type, obj.image_data = mime, clean
    obj.save(update_fields=["image_type", "image_data"])
    return obj


def _bits_of(status_list):
    return statuslist.BitstringStatusList(_bits=bytearray(bytes(status_list.bits)))
