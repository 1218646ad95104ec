"""
DCC Learner Credential Wallet: the wallet pulls the credential.

We build a request link carrying our issuer DID, a one-time challenge and the
exchange URL; the wallet POSTs a DID-Auth presentation there, signed by its
did:key with our challenge in the proof, and gets the credential back.

What we answer: the stored, signed Open Badges 3.0 credential itself (JSON),
exactly as a verifier fetches it. The DCC flow says the wallet "expects to
receive in return the Verifiable Credential"; an unsigned VP wrapper adds
nothing a wallet checks, and re-signing a copy bound to the wallet's DID would
be a second credential for one award, with its own status slot. (Newer wallets
speak VC-API exchanges and OpenID4VCI; they would be further provider kinds.)
"""

import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from ... import conf
from ...credentials import public_urls
from ...models import WalletChallenge
from .base import Provider, ProviderError

# The app's own scheme (app.config.js of the wallet registers it), and the page DCC's own
# services link to (digitalcredentials/transaction-service src/transactionManager.js),
# which forwards to the scheme: wallet 2.1.x does not treat https://lcw.app/request
# (without .html) as one of its links, so a QR code of that form fails there.
LCW_HTTPS = "https://lcw.app/request.html"
LCW_SCHEME = "dccrequest://request"


class DccProvider(Provider):
    learner_connects = False
    pushes = False  # the wallet pulls; there is nothing to push

    def exchange_url(self, challenge_row):
        issuer = challenge_row.award.badge_class.issuer
        path = reverse("openedx_badges:backpacks:dcc-exchange", kwargs={"exchange_id": challenge_row.exchange_id})
        return issuer.public_base_url.rstrip("/") + path

    def new_request(self, award):
        """A fresh single-use challenge for ``award`` and the two forms of the wallet link."""

        if award.revoked:
            raise ProviderError("A revoked badge cannot be added to a wallet.")
        if not award.ob3_credential:
            raise ProviderError("This award has no Open Badges 3.0 credential.")
        ttl = int(conf.get("OPENEDX_BADGES_DCC_CHALLENGE_TTL"))
        row = WalletChallenge.objects.create(
            award=award, provider=self.provider, exchange_id=secrets.token_urlsafe(24),
            challenge=secrets.token_urlsafe(24), expires_at=timezone.now() + timedelta(seconds=ttl))
        params = urlencode({
            "issuer": public_urls.issuer_did(award.badge_class.issuer),
            "vc_request_url": self.exchange_url(row),
            "challenge": row.challenge,
            "auth_type": "bearer",
        })
        return {"challenge": row, "deep_link": f"{LCW_SCHEME}?{params}", "https_link": f"{LCW_HTTPS}?{params}",
                "expires_at": row.expires_at}

    def push(self, attempt):
        raise ProviderError("The wallet collects the badge itself: open the wallet link.")
