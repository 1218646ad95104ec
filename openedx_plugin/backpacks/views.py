"""
Learner pages: connect, disconnect, push, retry; and the DCC wallet's exchange endpoint.

Every learner view needs a login and acts only on the learner's own connections
and awards (others' are a 404, so ids cannot be probed). State-changing views are
POST with CSRF; the exchange endpoint is public and CSRF-exempt because a wallet
app, not a browser session, calls it, and what authorises it is the single-use
challenge signed into the presentation.
"""

import hashlib
import json
import logging
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .. import ratelimit
from ..models import Award, BackpackConnection, BackpackProvider, PushAttempt
from ..views.wallet import qr_svg
from . import http, services
from .didauth import MAX_BYTES, PresentationError, json_depth_ok
from .providers import for_provider

log = logging.getLogger(__name__)
MAX_PRESENTATION_BYTES = MAX_BYTES  # a real wallet's presentation is under 1 KB
CONNECTIONS = "openedx_badges:backpacks:connections"
EXCHANGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _provider(provider_id):
    return get_object_or_404(BackpackProvider, pk=provider_id, enabled=True)


def _own_award(request, award_uuid):
    return get_object_or_404(Award.objects.select_related("badge_class__issuer"), uuid=award_uuid,
                             user=request.user)


@login_required
@require_GET
def connections(request):
    """The learner's connections and the state of every push of their badges."""
    attempts = (PushAttempt.objects.filter(award__user=request.user)
                .select_related("award__badge_class", "provider").order_by("-updated")[:200])
    return render(request, "openedx_badges/backpacks/connections.html", {
        "providers": services.connections_for(request.user),
        "attempts": attempts,
        "nav": "connections",
    })


@login_required
def connect(request, provider_id):
    """GET: what connecting means (and Badgr's token form); POST: do it."""
    provider = _provider(provider_id)
    impl = for_provider(provider)
    if not impl.learner_connects:
        raise Http404
    if request.method == "POST":
        try:
            if getattr(impl, "token_form", False):
                services.save_tokens(request.user, provider, request.POST.get("access_token", "").strip(),
                                     request.POST.get("refresh_token", "").strip(),
                                     request.POST.get("expires_in", "").strip() or None)
                messages.success(request, _("Your %(name)s account is connected.") % {"name": provider.name})
                return redirect(CONNECTIONS)
            return redirect(services.start_connect(request.user, provider))
        except http.RemoteError as exc:
            messages.error(request, str(exc))
            return redirect(CONNECTIONS)
    return render(request, "openedx_badges/backpacks/connect.html", {
        "provider": provider, "token_form": getattr(impl, "token_form", False), "nav": "connections"})


@login_required
@require_GET
def callback(request):
    """Where the backpack sends the learner back after they allowed (or refused) access."""
    try:
        connection = services.finish_connect(request.user, request.GET)
    except http.RemoteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your %(name)s account is connected.") % {"name": connection.provider.name})
    return redirect(CONNECTIONS)


@login_required
@require_POST
def disconnect(request, provider_id):
    """POST, signed-in learner: forget their tokens at ``provider`` (a disabled one too); 404 for an unknown one."""
    provider = get_object_or_404(BackpackProvider, pk=provider_id)
    if services.disconnect(request.user, provider):
        messages.success(request, _("%(name)s is disconnected.") % {"name": provider.name})
    return redirect(CONNECTIONS)


@login_required
@require_POST
def auto_push(request, provider_id):
    """POST, the learner's own connection to an enabled provider (404 otherwise): turn auto-push on or off."""
    provider = _provider(provider_id)
    get_object_or_404(BackpackConnection, user=request.user, provider=provider)
    services.set_auto_push(request.user, provider, request.POST.get("enabled") in ("1", "true", "on"))
    return redirect(CONNECTIONS)


@login_required
@ratelimit.ratelimit("push", key="user", methods=("POST",))
def push(request, provider_id, award_uuid):
    """GET: confirm (so the wallet can link here); POST: send the learner's award."""
    provider = _provider(provider_id)
    award = _own_award(request, award_uuid)
    if request.method != "POST":
        return render(request, "openedx_badges/backpacks/push.html", {
            "provider": provider, "award": award, "nav": "connections",
            "state": services.push_state(award, provider, services.connection_of(request.user, provider))})
    try:
        attempt = services.learner_push(request.user, provider, award)
    except http.RemoteError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("Sending to %(name)s: %(status)s.") % {"name": provider.name,
                                                                     "status": attempt.get_status_display()})
    return redirect(request.POST.get("next") if _safe_next(request) else CONNECTIONS)


@login_required
@require_POST
@ratelimit.ratelimit("push", key="user")
def retry(request, attempt_id):
    """POST, rate-limited: send one of the learner's own push attempts again (404 for another learner's)."""
    attempt = get_object_or_404(PushAttempt, pk=attempt_id, award__user=request.user)
    services.retry_push(attempt)
    return redirect(request.POST.get("next") if _safe_next(request) else CONNECTIONS)


def _safe_next(request):

    target = request.POST.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())


@login_required
@require_GET
def dcc_request(request, provider_id, award_uuid):
    """The wallet link for one of the learner's badges (a fresh challenge each time, so rate-limited)."""
    wait = ratelimit.hit("dcc_request", f"u{request.user.pk}")
    if wait:
        return ratelimit.too_many(wait)
    provider = _provider(provider_id)
    award = _own_award(request, award_uuid)
    try:
        link = services.dcc_request(request.user, provider, award)
    except http.RemoteError as exc:
        messages.error(request, str(exc))
        return redirect(CONNECTIONS)

    return render(request, "openedx_badges/backpacks/dcc_request.html", {
        "provider": provider, "award": award, "link": link, "nav": "connections",
        "qr_deep_link": qr_svg(link["deep_link"], _("QR code of the wallet app link")),
        "qr_https_link": qr_svg(link["https_link"], _("QR code of the lcw.app link"))})


def _refuse(message, status=400):
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def dcc_exchange(request, exchange_id):
    """
    The wallet posts its DID-Auth presentation; it gets the credential back.

    Public and unauthenticated, so everything cheap comes first: rate limits (per
    address, per exchange), the size and nesting of the body, then the DID-Auth shape
    (``didauth.shape_check``, inside ``verify_presentation``); only a small document of
    known shape is ever canonicalised. Bad input is a 400 with a reason, never a 500.
    """
    # the id comes from the URL: hashed, so a cache key never holds spaces or control characters
    exchange_key = hashlib.sha256(exchange_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    for scope, ident in (("dcc_exchange", ratelimit.client_id(request, "ip")), ("dcc_exchange_id", exchange_key)):
        wait = ratelimit.hit(scope, ident)
        if wait:
            return ratelimit.too_many(wait)
    if not EXCHANGE_ID.match(exchange_id):  # ours are token_urlsafe; anything else never reaches the database
        return _refuse("Unknown exchange.")
    body = request.body
    if len(body) > MAX_PRESENTATION_BYTES:
        return _refuse("The presentation is too large.", 413)
    if not json_depth_ok(body):
        return _refuse("The body nests too deeply to be a DID-Auth presentation.")
    try:
        presentation = json.loads(body)
    except (ValueError, RecursionError):
        return _refuse("The body is not JSON.")
    if isinstance(presentation, dict) and set(presentation) == {"verifiablePresentation"}:
        presentation = presentation["verifiablePresentation"]  # the VC-API exchange envelope
    try:
        credential = services.dcc_exchange(exchange_id, presentation)
    except PresentationError as exc:
        log.info("DCC exchange %s refused: %s", exchange_id[:8], exc)
        return _refuse(str(exc))
    return JsonResponse(credential, status=200)
