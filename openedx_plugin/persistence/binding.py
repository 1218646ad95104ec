"""
Earner-bound credentials: the learner's credential again, naming a DID the learner controls.

A credential names its learner by a salted email hash; a wallet and its verifiers expect
``credentialSubject.id`` to be the holder's DID, so that the holder can prove, by signing
a presentation, that the credential is theirs. When a learner proves control of a DID
(today: the DCC wallet's DID-Auth exchange, whose presentation ``backpacks.didauth``
verifies), the award is issued again as a second document with ``credentialSubject.id``
set to that DID, the same hashed identifier, dates, evidence and results, and the *same*
``credentialStatus`` entries: revoking or suspending the award covers every bound copy.

The bound copy gets its own ``urn:uuid`` id (two documents with one id would be two
different things under one name) and is signed by the issuer's current key.
"""

import copy
import re
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..backpacks.didauth import PresentationError
from ..credentials import issuing, keystore, public_urls
from ..engine import fastsign
from ..models import BoundCredential, SigningKey

DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,200}$")
DCC_DIDAUTH = "dcc-didauth"


class BindingError(PresentationError):
    """
    The credential cannot be bound (revoked award, not a DID); the message says why.
    A ``PresentationError``, so the DCC exchange answers it as a refused request (400).
    """


def _unsigned(award, did):
    credential = copy.deepcopy(award.ob3_credential)
    credential.pop("proof", None)
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        raise BindingError("This credential has no single subject to bind.")
    credential["credentialSubject"] = {"id": did, **{k: v for k, v in subject.items() if k != "id"}}
    return credential


def bind(award, did, proof=DCC_DIDAUTH):
    """
    The award's credential bound to ``did`` (made once per award and DID, then reused).

    Call only with a DID whose control the learner has just proved.
    """
    if not isinstance(did, str) or not DID.match(did):
        raise BindingError("Not a DID.")
    found = BoundCredential.objects.filter(award=award, did=did).first()
    if found is not None and not _signed_by_withdrawn_key(found, award.badge_class.issuer):
        return found
    if found is not None:  # its key was withdrawn (compromised) since: sign it again, same id
        return _resign(found)
    award.refresh_from_db(fields=["revoked"])  # a stale object must not bind a revoked award
    if award.revoked:
        raise BindingError("This badge has been revoked.")
    issuer = award.badge_class.issuer
    key = keystore.active_key(issuer, SigningKey.ED25519)
    signed = fastsign.sign(_unsigned(award, did), keystore.load_private_key(key),
                           public_urls.verification_method(issuer, key), created=issuing.iso(timezone.now()))
    try:
        with transaction.atomic():
            return BoundCredential.objects.create(award=award, did=did, proof=proof, credential=signed)
    except IntegrityError:  # the same wallet answered twice at once: keep the first
        return BoundCredential.objects.get(award=award, did=did)


def _method_of(bound):
    proof = bound.credential.get("proof") if isinstance(bound.credential, dict) else None
    return proof.get("verificationMethod") if isinstance(proof, dict) else None


def _signed_by_withdrawn_key(bound, issuer):
    withdrawn = {public_urls.verification_method(issuer, key)
                 for key in SigningKey.objects.filter(issuer=issuer, kind=SigningKey.ED25519,
                                                      compromise__isnull=False)}
    return _method_of(bound) in withdrawn


def _resign(bound):
    """The same bound credential (same id, subject and status entries) signed by the issuer's current key."""
    issuer = bound.award.badge_class.issuer
    key = keystore.active_key(issuer, SigningKey.ED25519)
    unsigned = {name: value for name, value in bound.credential.items() if name != "proof"}
    bound.credential = fastsign.sign(unsigned, keystore.load_private_key(key),
                                     public_urls.verification_method(issuer, key), created=issuing.iso(timezone.now()))
    bound.save(update_fields=["credential"])
    return bound


def resign_signed_by(key):
    """
    Key compromise: the DID-bound copies ``key`` signed, of awards that stay valid (the
    award itself was signed by another key), signed again by the current key. Copies of
    revoked awards are left: their status entry already says revoked. Returns how many.
    """
    issuer = key.issuer
    method = public_urls.verification_method(issuer, key)
    count = 0
    for bound in (BoundCredential.objects.filter(award__badge_class__issuer=issuer, award__revoked=False)
                  .select_related("award__badge_class__issuer").iterator(chunk_size=500)):
        if _method_of(bound) == method:
            with transaction.atomic():
                _resign(bound)
            count += 1
    return count


def dids_of(award):
    """The DIDs the award is bound to, oldest first (the wallet page lists them)."""
    return list(BoundCredential.objects.filter(award=award).order_by("created", "id").values_list("did", flat=True))


def bind_again(old, new):
    """A re-issued award (key compromise) is bound to the DIDs its predecessor was bound to."""
    for did in dids_of(old):
        bind(new, did, proof="reissued")


def forget_user(user):
    """
    Learner retirement: drop the record of which DIDs their badges were bound to. The
    wallet keeps what it received (and it keeps verifying); we keep no link to the DID.
    """
    BoundCredential.objects.filter(award__user=user).delete()
