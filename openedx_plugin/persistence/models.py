"""
What persistence adds to the store: compromised keys, and credentials bound to a learner's DID.

Kept out of ``models.py`` (imported from there, so Django sees them under the app's label).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyCompromise(models.Model):
    """
    A signing key the operator declared compromised.

    Unlike a retired key (which stays published forever, so what it signed keeps
    verifying), a compromised key is withdrawn from the issuer's documents: whoever holds
    it must not be able to sign anything a verifier accepts. Every credential it signed was
    revoked with ``reason`` and re-issued with the current key.

    .. no_pii:
    """

    key = models.OneToOneField("openedx_badges.SigningKey", related_name="compromise", on_delete=models.PROTECT)
    reason = models.CharField(max_length=255)
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.CharField(max_length=150, blank=True, help_text=_("Who declared it (username or 'command')."))
    reissued = models.PositiveIntegerField(default=0, help_text=_("Awards revoked and re-issued."))

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"compromised {self.key}"


class BoundCredential(models.Model):
    """
    The award's credential issued again with ``credentialSubject.id`` = a DID the learner
    proved to control, alongside the salted email hash.

    Same award, same status entries: revoking or suspending the award covers every
    bound copy. ``proof`` says how control was shown (the DCC wallet's DID-Auth exchange).

    .. pii: ``did`` is a pseudonymous identifier of the learner's wallet.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    award = models.ForeignKey("openedx_badges.Award", related_name="bound_credentials", on_delete=models.CASCADE)
    did = models.CharField(max_length=255)
    proof = models.CharField(max_length=32, default="dcc-didauth")
    credential = models.JSONField(default=dict, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "openedx_badges"
        constraints = [models.UniqueConstraint(fields=["award", "did"], name="openedx_badges_bound_once")]

    def __str__(self):
        return f"award {self.award_id} bound to {self.did[:40]}"
