"""
The wallet's report of a share made in the browser (LinkedIn, a copied link or HTML),
which the server cannot see otherwise, for the ``edx.badge.assertion.shared`` event.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from ..models import Award
from ..ratelimit import ratelimit
from . import tracking


@require_POST
@csrf_protect
@login_required
@ratelimit("api", key="user")  # a learner cannot flood the tracking log with share reports
def shared(request, award_uuid):
    """POST ``channel``: one of ``tracking.SHARE_CHANNELS``; only the award's owner may report it."""
    channel = request.POST.get("channel", "")
    if channel not in tracking.SHARE_CHANNELS:
        return HttpResponseBadRequest("Unknown channel: use one of " + ", ".join(tracking.SHARE_CHANNELS) + ".")
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer"), uuid=award_uuid,
                              user=request.user)
    tracking.shared(award, channel)
    return HttpResponse(status=204)
