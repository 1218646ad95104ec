"""
The learner's public badge profile: one page, at an address they can put on a CV, listing
the badges they chose to show, gathered by skill, each linking to its verification page.

Off by default (``LearnerProfile.public``) and gone with retirement; the operator can turn
the feature off for the whole site (``OPENEDX_BADGES_PUBLIC_PROFILES``). An award appears
only when it is public *and* earned now: a private, revoked, suspended or expired badge is
never on the page. An unknown slug and a profile that is off both answer the same 404, so
the page does not tell whether an account exists.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from .. import conf
from ..credentials import public_urls
from ..models import Award, LearnerProfile
from ..ratelimit import ratelimit
from ..skills.profile import skills_profile
from .public import recipient_name
from .wallet import profile_awards, remembered_filters, shown_skills

PUBLIC_PAGE_SIZE = 48


def public_awards(user, now=None):
    """The awards ``user`` shows on their profile: public and earned now, newest first (one query, plain rows)."""
    return profile_awards(user, Award.objects.filter(user=user, public=True), now=now)


def _path_of(name, key):
    """A cheap ``reverse`` for many links of one route: reversed once, the UUID put in by text."""
    placeholder = "00000000-0000-4000-8000-000000000000"
    template = reverse(f"openedx_badges:{name}", kwargs={key: placeholder})
    return lambda value: template.replace(placeholder, str(value))


def verify_path_of():
    return _path_of("verify", "award_uuid")


def badge_image_path_of():
    return _path_of("badge-image", "badge_uuid")


def profile_url(profile, absolute=False):
    path = reverse("openedx_badges:public-profile", kwargs={"slug": profile.slug})
    return public_urls.absolute(path) if absolute else path


class ProfileForm(forms.ModelForm):
    """What a learner chooses about their public page."""

    class Meta:
        model = LearnerProfile
        fields = ["public", "slug", "show_name", "headline"]
        labels = {
            "public": gettext_lazy("Turn on my public badge profile"),
            "slug": gettext_lazy("Address of the page"),
            "show_name": gettext_lazy("Show my name on the page"),
            "headline": gettext_lazy("Headline"),
        }
        help_texts = {
            "public": gettext_lazy("Anyone with the link sees the badges you made public, and nothing else. "
                                   "Off: the page does not exist."),
            "slug": gettext_lazy("Letters, digits, hyphens and underscores. Keep the random one if you do not "
                                 "want the address to say who you are."),
            "show_name": gettext_lazy("Off: the page shows your badges without your name."),
            "headline": gettext_lazy("Optional: one line about you, e.g. what you are learning."),
        }

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
@login_required
def profile_settings(request):
    """The learner's public profile choices; POST saves them."""
    if not conf.get("OPENEDX_BADGES_PUBLIC_PROFILES"):
        raise Http404("Public badge profiles are turned off on this site.")
    profile, _created = LearnerProfile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        return HttpResponseRedirect(reverse("openedx_badges:wallet-profile") + "?saved=1")
    now = timezone.now()
    shown = public_awards(request.user, now)
    return render(request, "openedx_badges/wallet_profile.html", {
        "nav": "profile",
        "form": form,
        "profile": profile,
        "saved": request.GET.get("saved") == "1",
        "page_url": profile_url(profile, absolute=True),
        "shown_count": len(shown),
        "back_url": remembered_filters(request),
    }, status=400 if request.method == "POST" else 200)


@require_safe
@ratelimit("verify")
def public_profile(request, slug):
    """The public page of a learner who turned it on; 404 for an unknown slug or a page that is off."""
    if not conf.get("OPENEDX_BADGES_PUBLIC_PROFILES"):
        raise Http404("No such profile.")
    profile = get_object_or_404(LearnerProfile.objects.select_related("user"), slug=slug.lower(), public=True)
    now = timezone.now()
    awards = public_awards(profile.user, now)
    page = Paginator(awards, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    verify = verify_path_of()
    image = badge_image_path_of()
    # The dates of this page's cards only (one query): the list of every badge carries none.
    issued = dict(Award.objects.filter(pk__in=[award.pk for award in page.object_list]).values_list("pk", "issued_on"))
    response = render(request, "openedx_badges/public_profile.html", {
        "profile": profile,
        "name": recipient_name(profile.user) if profile.show_name else "",
        "count": len(awards),
        "page": page,
        # The cards' links and lines made here, not by a template tag per card (a page of 48).
        "cards": [{"name": award.badge_class.name, "verify_url": verify(award.uuid),
                   "image_url": image(award.badge_class.uuid),
                   "issued_by": mark_safe(conditional_escape(gettext("Issued by %(issuer)s")) % {  # noqa: S308
                       "issuer": format_html("<bdi>{}</bdi>", award.badge_class.issuer_name)}),
                   "issued": gettext("Issued %(date)s") % {
                       "date": date_format(timezone.localtime(issued[award.pk]), "DATE_FORMAT")}}
                  for award in page.object_list],
        "skill_groups": shown_skills(skills_profile(awards, now=now)),
        "page_url": profile_url(profile, absolute=True),
        "is_owner": request.user.is_authenticated and request.user.pk == profile.user_id,
    })
    response["Cache-Control"] = "public, max-age=60"
    return response
