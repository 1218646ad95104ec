"""
Verify stored credentials on the server, resolving our own published documents locally.

The verification page must answer from what anyone could fetch (did.json, the
status list), so it resolves through the same builders the public views serve,
without an HTTP round trip to itself.
"""

from ..engine import verify
from . import issuing, public_urls


def verify_award(award, now=None):
    """Verify the award's 3.0 credential: signature, issuer key, dates, revocation and suspension status."""
    issuer = award.badge_class.issuer
    did = public_urls.issuer_did(issuer)
    lists = [found for found in (award.status_list, award.suspension_list) if found is not None]

    def resolve_did(requested):
        """The issuer's DID document from the database: verifying a stored award needs no HTTP."""
        if requested == did:
            return issuing.did_document(issuer)
        return None

    def fetch_status_list(url):
        """The award's status list credentials, re-read so a revocation just made shows."""
        for status_list in lists:  # the revocation list, and the suspension list of newer awards
            if url == public_urls.status_list_url(status_list):
                status_list.refresh_from_db()
                return issuing.status_list_credential(status_list)
        return None

    return verify.verify_credential(award.ob3_credential, resolve_did=resolve_did,
                                    fetch_status_list=fetch_status_list, now=now)
