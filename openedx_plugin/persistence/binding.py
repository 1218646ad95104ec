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
    if found is not None:
        return found
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
