"""
A signing key declared compromised: withdraw it, revoke what it signed, re-issue with the current key.

Retiring a key (``issuing.rotate_key``) only stops it signing: it stays published forever,
so everything it signed keeps verifying. A *compromised* key is different: whoever holds
it could sign credentials in the issuer's name, so it is withdrawn from the DID document
and the 2.0 issuer (``KeyCompromise`` rows; ``issuing.did_document`` and
``issuing.issuer_ob2`` leave such keys out), and every credential it signed is

1. revoked with a reason naming the key (its status bit, its hosted assertion, the
   backpacks that hold it, through ``awarding.revoke``);
2. re-issued with the current key as a new award of the same badge and learner: the same
   issue date, expiry, evidence and results, new status slots, and provenance naming the
   award it replaces;
3. announced through the award outbox (``awarding.announce``: the learner's email, the
   event, automatic pushes), and pushed again wherever the old one had been sent.

Status lists the key signed are re-signed with the current key. The run is resumable:
the key is withdrawn first, then each award is handled in its own transaction, so a
second run finishes what an interrupted one left.
"""

import logging
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext, ngettext

from ..awards import awarding
from ..backpacks import services
from ..credentials import caching, issuing, public_urls
from ..models import Award, KeyCompromise, PushAttempt, SigningKey, StatusList
from . import binding

log = logging.getLogger(__name__)


class CompromiseError(Exception):
    """The key cannot be handled as asked; the message says why."""


@dataclass
class Report:
    """What a run did (or, in a dry run, would do)."""

    key: str
    dry_run: bool
    rotated: bool = False
    revoked: list = field(default_factory=list)  # uuids of the awards revoked
    reissued: dict = field(default_factory=dict)  # old award uuid -> new award uuid
    not_reissued: dict = field(default_factory=dict)  # old award uuid -> why not
    status_lists: list = field(default_factory=list)  # uuids of the lists re-signed
    rebound: int = 0  # DID-bound copies of awards it did not sign, re-signed with the current key

    def summary(self):
        """The outcome in words, in the active language (the admin shows it, the command prints it)."""
        lists = ngettext("{n} status list", "{n} status lists", len(self.status_lists)).format(n=len(self.status_lists))
        rebound = ngettext("{n} DID-bound credential re-signed", "{n} DID-bound credentials re-signed",
                           self.rebound).format(n=self.rebound)
        if self.dry_run:
            reissued = len(self.revoked) - len(self.not_reissued)
            text = gettext("Dry run, nothing changed. Key {key}: {revoked} and {reissued}; {lists} and {rebound}{end}")
            return text.format(
                key=self.key, lists=lists, rebound=rebound,
                revoked=ngettext("{n} credential would be revoked", "{n} credentials would be revoked",
                                 len(self.revoked)).format(n=len(self.revoked)),
                reissued=ngettext("{n} re-issued with the current key", "{n} re-issued with the current key",
                                  reissued).format(n=reissued),
                end=gettext("; the key, still active, would be retired first.") if self.rotated else ".")
        return gettext("Key {key} withdrawn: {revoked}, {reissued}, {not_reissued}, {lists} and {rebound}{end}").format(
            key=self.key, lists=lists, rebound=rebound,
            revoked=ngettext("{n} credential revoked", "{n} credentials revoked",
                             len(self.revoked)).format(n=len(self.revoked)),
            reissued=ngettext("{n} re-issued with the current key", "{n} re-issued with the current key",
                              len(self.reissued)).format(n=len(self.reissued)),
            not_reissued=ngettext("{n} not re-issued", "{n} not re-issued",
                                  len(self.not_reissued)).format(n=len(self.not_reissued)),
            end=gettext("; the key was retired and replaced.") if self.rotated else ".")


# Rounds of "find what the key signed, replace it": the first finds nearly everything; a
# later one what other processes signed before they saw the withdrawal.
MAX_ROUNDS = 5


def reason_for(key):
    """The revocation reason a replaced credential carries: verifiers and the learner see which key was withdrawn."""
    return f"The signing key {key.key_id} was compromised; this credential was replaced by a new one."


def signed_by(award, key, issuer):
    """True when ``key`` signed the award's 3.0 credential (Ed25519) or its signed 2.0 assertion (RSA)."""
    if key.kind == SigningKey.ED25519:
        proofs = award.ob3_credential.get("proof") if isinstance(award.ob3_credential, dict) else None
        proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
        method = public_urls.verification_method(issuer, key)
        return any(isinstance(proof, dict) and proof.get("verificationMethod") == method for proof in proofs)
    verification = (award.ob2_signed_assertion or {}).get("verification") or {}
    return verification.get("creator") == public_urls.key_url(issuer, key)


def _list_signed_by(status_list, key, issuer):
    proof = (status_list.credential or {}).get("proof") or {}
    return key.kind == SigningKey.ED25519 and proof.get("verificationMethod") == public_urls.verification_method(
        issuer, key)


def affected(key):
    """The awards ``key`` signed that are not revoked yet (a finished run leaves none)."""
    issuer = key.issuer
    awards = (Award.objects.filter(badge_class__issuer=issuer, revoked=False)
              .select_related("badge_class__issuer", "user").order_by("id"))
    return [award for award in awards.iterator(chunk_size=500) if signed_by(award, key, issuer)]


def mark_compromised(key, reason, *, by="", dry_run=False):
    """
    Withdraw ``key``, revoke and re-issue everything it signed. Returns a ``Report``.

    ``dry_run``: change nothing, say what would happen.
    """
    issuer = key.issuer
    if key.kind == SigningKey.ED25519 and issuer.identity == "did:key":
        raise CompromiseError("A did:key issuer's identity is its key: it cannot be withdrawn. Create a new "
                              "issuer and award its badges again.")
    if not reason or not reason.strip():
        raise CompromiseError("Give the reason the key is considered compromised.")
    report = Report(key=f"{issuer} {key.kind} {key.key_id}", dry_run=dry_run, rotated=key.active)
    awards = affected(key)
    lists = [found for found in StatusList.objects.filter(issuer=issuer).order_by("id")
             if _list_signed_by(found, key, issuer)]
    report.status_lists = [str(found.uuid) for found in lists]
    if dry_run:
        report.revoked = [str(award.uuid) for award in awards]
        report.not_reissued = {str(award.uuid): "the learner's account was retired"
                               for award in awards if award.user_id is None}
        return report

    with transaction.atomic():
        key = SigningKey.objects.select_for_update().get(pk=key.pk)
        if key.active:
            issuing.rotate_key(issuer, key.kind)  # a new key signs from now on
        KeyCompromise.objects.get_or_create(key=key, defaults={"reason": reason[:255], "marked_by": by[:150]})
        for status_list in lists:
            issuing.sign_status_list(StatusList.objects.select_for_update().get(pk=status_list.pk))
        caching.invalidate_issuer(issuer)
        transaction.on_commit(lambda: caching.invalidate_issuer(issuer))
    issuing.forget_signing_contexts()

    # Processes cache their signing keys for up to CONTEXT_TTL: once that has passed no
    # process signs with the withdrawn key, and whatever it signed in the meantime (a bulk
    # batch, an award in another worker) is found by the next round.
    for _round in range(MAX_ROUNDS):
        time.sleep(issuing.CONTEXT_TTL + 0.2)
        awards = affected(key)
        if not awards:
            break
        for award in awards:
            with transaction.atomic():
                new = _replace(award, key)
            report.revoked.append(str(award.uuid))
            if new is None:
                report.not_reissued[str(award.uuid)] = "the learner's account was retired"
            else:
                report.reissued[str(award.uuid)] = str(new.uuid)
    report.rebound = binding.resign_signed_by(key)
    KeyCompromise.objects.filter(key=key).update(reissued=F("reissued") + len(report.reissued))
    log.warning("Signing key %s marked compromised by %s: %s", report.key, by or "?", report.summary())
    return report


def _replace(award, key):
    """Revoke one award and issue its replacement (``None`` when there is no learner to give it to)."""
    suspended, hold_reason = award.suspended, award.suspension_reason
    awarding.revoke(award, reason_for(key), notify=False)  # replaced at once: not news to the learner
    if award.user is None:
        return None
    provenance = {"source": "key-compromise", "replaces": str(award.uuid), "key": key.key_id,
                  "time": issuing.iso(award.issued_on)}
    new, created = issuing.award_badge(
        award.badge_class, award.user, evidence=award.evidence, result=award.result, provenance=provenance,
        issued_on=award.issued_on, after_revocation=True)
    if not created:
        return new  # the learner already holds a newer award of this badge, signed by another key
    if suspended:
        new = awarding.suspend(new, hold_reason or "Held.")  # still held: no email, no pushes (send_follow_ups)
    binding.bind_again(award, new)  # the learner's wallets keep a credential naming their DID
    awarding.announce(new)  # the outbox: email, event, automatic pushes
    transaction.on_commit(lambda: _push_again(award, new))
    return new


def _push_again(old, new):
    """Send the new credential wherever the old one had been pushed (the automatic ones are queued already)."""
    sent = (PushAttempt.objects.filter(award=old, operation=PushAttempt.PUSH, status=PushAttempt.SENT)
            .select_related("provider", "connection"))
    for pushed in sent:
        try:
            if pushed.provider.enabled and services.for_provider(pushed.provider).pushes:
                services.push(new, pushed.provider, pushed.connection)
        except Exception:  # pylint: disable=broad-except  (a push never undoes the re-issue)
            log.exception("Could not push re-issued award %s to provider %s.", new.pk, pushed.provider_id)
