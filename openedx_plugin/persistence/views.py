"""
The learner proves a DID of their own, outside the DCC exchange, and gets the badge bound to it.

``GET /badges/wallet/<award>/did/``: a fresh single-use challenge (JSON) for the learner's
own award. The learner signs it into a DID-Auth presentation (proof purpose
``authentication``, that challenge; an Ed25519 ``did:key`` holder, the same checks as the
DCC exchange) with any wallet or tool, and POSTs it back (JSON body, or the ``presentation``
field of the wallet page's form): the answer is the credential bound to that DID.

Login required, the learner's own award only (anyone else: 404), CSRF-protected: unlike the
DCC exchange, this is the learner's session, not a wallet app, talking to the site.
"""

import json
import secrets
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import ratelimit
from ..backpacks import throttle
from ..backpacks.didauth import MAX_BYTES, PresentationError, json_depth_ok, verify_presentation
from ..models import Award
from . import binding

CHALLENGE_SECONDS = 600
PROOF = "wallet-challenge"
# A badge bound to this many DIDs takes no more: each binding is a signature and a row.
MAX_DIDS_PER_AWARD = 10


def _cache_key(user, award):
    return f"openedx_badges:bind-did:{user.pk}:{award.uuid}"


def _domains(issuer):
    parts = urlsplit(issuer.public_base_url)
    return {parts.netloc, f"{parts.scheme}://{parts.netloc}", parts.hostname}


def _presentation(request):
    """The posted presentation, parsed within the DCC exchange's size and depth limits."""
    if request.content_type == "application/json":
        raw = request.body
    else:
        raw = (request.POST.get("presentation") or "").encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise PresentationError(_("The presentation is too large."))
    if not json_depth_ok(raw):
        raise PresentationError(_("The presentation nests too deeply."))
    try:
        presentation = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise PresentationError(_("The presentation is not JSON.")) from exc
    if isinstance(presentation, dict) and set(presentation) == {"verifiablePresentation"}:
        presentation = presentation["verifiablePresentation"]
    return presentation


@login_required
@require_http_methods(["GET", "POST"])
def bind_did(request, award_uuid):
    """The signed-in learner's own badge only (404 otherwise; 429 when rate-limited). GET: a fresh single-use
    challenge; POST: a DID authentication presentation answering it binds the badge to that DID."""
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer"), uuid=award_uuid,
                              user=request.user)
    key = _cache_key(request.user, award)
    # Each GET writes a challenge and each POST may cost a canonicalisation: the same
    # per-learner limit as the DCC wallet links (scope ``dcc_request``).
    wait = ratelimit.hit("dcc_request", f"u{request.user.pk}")
    if wait:
        return ratelimit.too_many(wait)
    if request.method == "GET":
        challenge = secrets.token_urlsafe(24)
        cache.set(key, challenge, CHALLENGE_SECONDS)
        return JsonResponse({"challenge": challenge, "domain": urlsplit(award.badge_class.issuer.public_base_url)
                             .netloc, "expires_in": CHALLENGE_SECONDS,
                             "proofPurpose": "authentication"})
    wants_json = request.content_type == "application/json"
    challenge = cache.get(key)
    try:
        if not challenge:
            raise PresentationError(_("No challenge is pending, or it expired: ask for a new one."))
        holder = verify_presentation(_presentation(request), challenge=challenge,
                                     domains=_domains(award.badge_class.issuer))
        if not cache.delete(key):  # single use: a second answer racing this one loses here
            raise PresentationError(_("This challenge was already used: ask for a new one."))
        bound_to = binding.dids_of(award)
        if holder not in bound_to and len(bound_to) >= MAX_DIDS_PER_AWARD:
            raise PresentationError(_("This badge is already bound to as many DIDs as it can be."))
        bound = binding.bind(award, holder, proof=PROOF)
    except PresentationError as exc:
        # As the DCC exchange: a challenge dies after a few refused answers.
        if challenge and throttle.count_failure(f"{key}:{challenge}", CHALLENGE_SECONDS) >= throttle.max_failures():
            cache.delete(key)
        if wants_json:
            return JsonResponse({"error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid}))
    if wants_json:
        return JsonResponse(bound.credential)
    messages.success(request, _("This badge is now bound to %(did)s.") % {"did": holder})
    return HttpResponseRedirect(reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid}))
