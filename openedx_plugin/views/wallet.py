"""
The learner's badge wallet: their awards across courses, sharing choices, and a course's badges.

Every query starts from ``request.user``: a learner can only ever reach their own
awards (anyone else's is a 404, not a 403, so award UUIDs cannot be probed). The
queries here are shared with the REST API (``rest_api``) so that both filter the
same way, and their number does not grow with the number of awards.
"""

import importlib
from datetime import UTC
from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from .. import api, compat
from ..credentials import public_urls
from ..models import AWARD_STATES, Award, BadgeClass
from ..persistence import binding
from ..visibility import tracking
from .public import recipient_name

STATUSES = AWARD_STATES
STATUS_LABELS = {
    "earned": gettext_lazy("Earned"),
    "expired": gettext_lazy("Expired"),
    "revoked": gettext_lazy("Revoked"),
    "suspended": gettext_lazy("Suspended"),
    "in_progress": gettext_lazy("In progress"),
    "none": gettext_lazy("Not started"),
}
WALLET_PAGE_SIZE = 24
# The signed documents and images are large and not needed to list awards: leave them in the database.
LIST_DEFERRED = ("ob3_credential", "ob2_assertion", "ob2_signed_assertion", "ob2_jws", "provenance",
                 "badge_class__image_data", "badge_class__issuer__image_data")
BACKPACKS_MODULE = "openedx_plugin.backpacks.services"
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


# --- queries shared with the REST API --------------------------------------------------------


def wallet_awards(user):
    """The learner's awards, newest first, with badge and issuer in the same query."""
    return (Award.objects.filter(user=user).select_related("badge_class__issuer")
            .defer(*LIST_DEFERRED).order_by("-issued_on", "-id"))


def wallet_badge_rows(user):
    """``(id, course_key, alignments)`` of the badge classes the learner holds, in one query."""
    held = Award.objects.filter(user=user).values("badge_class_id")
    return list(BadgeClass.objects.filter(id__in=held).values_list("id", "course_key", "alignments"))


def _skill_names(alignments):
    return [item["targetName"] for item in alignments or [] if isinstance(item, dict) and item.get("targetName")]


def filter_options(rows):
    """The courses and skills the learner's awards span, for the filter menus."""
    courses = sorted({course for _id, course, _al in rows if course})
    skills = {}
    for _id, _course, alignments in rows:
        for name in _skill_names(alignments):
            skills.setdefault(name.casefold(), name)
    return courses, sorted(skills.values(), key=str.casefold)


def filter_awards(queryset, user, *, course=None, status=None, skill=None, now=None):
    """
    Narrow ``queryset`` (the learner's awards) by course key, state and skill.

    The state is decided in SQL with the same rules as ``Award.state`` (``in_state``);
    skills live in a JSON list, which SQLite cannot search, so the learner's few
    badge classes are matched here and the awards filtered by their ids.
    """
    if course:
        queryset = queryset.filter(badge_class__course_key=course)
    if status:
        queryset = queryset.in_state(status, now)
    if skill:
        wanted = skill.casefold()
        ids = [row_id for row_id, _course, alignments in wallet_badge_rows(user)
               if any(name.casefold() == wanted for name in _skill_names(alignments))]
        queryset = queryset.filter(badge_class_id__in=ids)
    return queryset


# --- sharing ---------------------------------------------------------------------------------


def linkedin_url(award):
    """LinkedIn's "Add to profile" link for a certification, pointing back at the verification page."""
    issued = award.issued_on.astimezone(UTC)
    issuer = award.badge_class.issuer
    params = {"startTask": "CERTIFICATION_NAME", "name": award.badge_class.name}
    if issuer.linkedin_organization_id:  # LinkedIn then links the company page and shows its logo
        params["organizationId"] = issuer.linkedin_organization_id
    else:
        params["organizationName"] = issuer.name
    params.update(issueYear=issued.year, issueMonth=issued.month)
    if award.valid_until:
        expires = award.valid_until.astimezone(UTC)
        params.update(expirationYear=expires.year, expirationMonth=expires.month)
    params.update(certUrl=public_urls.verify_page_url(award), certId=str(award.uuid))
    return f"{LINKEDIN_ADD}?{urlencode(params, quote_via=quote)}"


def embed_snippet(award):
    """HTML a learner pastes into a web page: the badge image linking to its verification page."""
    alt = _("{badge} badge issued by {issuer}").format(badge=award.badge_class.name,
                                                         issuer=award.badge_class.issuer.name)
    # A plain string, escaped value by value: the template shows it as text to copy.
    return (f'<a href="{escape(public_urls.verify_page_url(award))}">'
            f'<img src="{escape(public_urls.badge_image_url(award.badge_class))}" alt="{escape(alt)}" '
            f'width="128" height="128"></a>')


def qr_svg(url, label):
    """An inline SVG QR code of ``url``, made here so no third party learns which badges are viewed."""
    import segno  # pylint: disable=import-outside-toplevel  (only the detail page needs it)

    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, omitsize=True, title=label, dark="#000", light="#fff", svgclass="obw-qr-svg")
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # segno escapes the title


def backpack_connections(user, award=None):
    """
    The backpacks and wallets the operator offers, with this learner's state for ``award``.

    Imported lazily so the wallet works without the backpacks package; None hides the
    slot, as does an empty list (no provider configured). An error inside that module
    is not masked: only its absence is.
    """
    try:
        services = importlib.import_module(BACKPACKS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and BACKPACKS_MODULE.startswith(exc.name):
            return None
        raise
    return list(services.connections_for(user, award=award)) or None


class SharingForm(forms.ModelForm):
    """The learner's two sharing choices; nothing else of an award can be changed here."""

    class Meta:
        model = Award
        fields = ["public", "show_name"]
        labels = {
            "public": gettext_lazy("Anyone with the link can see the verification page"),
            "show_name": gettext_lazy("Show my name on the verification page"),
        }
        help_texts = {
            "public": gettext_lazy("When off, the page is visible only to you. The signed credential stays "
                                   "available to verifiers you give it to."),
            "show_name": gettext_lazy("When off, the page says who issued the badge but not to whom."),
        }


class FilterForm(forms.Form):
    """The wallet's filters, with choices limited to what the learner's awards span."""

    course = forms.ChoiceField(label=gettext_lazy("Course"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    # Free text behind a menu: a skill given in any case (a link, the API's spelling) still filters.
    skill = forms.CharField(label=gettext_lazy("Skill"), required=False, widget=forms.Select)

    def __init__(self, data, courses, skills):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["course"].choices = everything + [(course, course) for course in courses]
        self.fields["status"].choices = everything + [(key, STATUS_LABELS[key]) for key in STATUSES]
        self.fields["skill"].widget.choices = everything + [(skill, skill) for skill in skills]


# --- views -----------------------------------------------------------------------------------


def _card(award, now):
    state = award.state(now)
    return {
        "award": award,
        "badge": award.badge_class,
        "issuer": award.badge_class.issuer,
        "state": state,
        "state_label": STATUS_LABELS[state],
        "image_url": reverse("openedx_badges:badge-image", kwargs={"badge_uuid": award.badge_class.uuid}),
        "detail_url": reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid}),
    }


@require_safe
@login_required
def wallet(request):
    """All of the learner's badges, filtered and paginated."""
    courses, skills = filter_options(wallet_badge_rows(request.user))
    form = FilterForm(request.GET or None, courses, skills)
    form.is_valid()  # the valid filters apply; an invalid one is shown with its error and ignored
    filters = getattr(form, "cleaned_data", {})
    awards = filter_awards(wallet_awards(request.user), request.user, course=filters.get("course"),
                           status=filters.get("status"), skill=filters.get("skill"))
    page = Paginator(awards, WALLET_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    tracking.wallet_viewed(request.user.id, page.paginator.count)
    return render(request, "openedx_badges/wallet.html", {
        "nav": "wallet",
        "form": form,
        "filtered": any(filters.values()),
        "page": page,
        "cards": [_card(award, now) for award in page.object_list],
    })


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
@login_required
def wallet_detail(request, award_uuid):
    """One award with its downloads and sharing tools; POST saves the sharing choices."""
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer", "user"),
                              uuid=award_uuid, user=request.user)
    form = SharingForm(request.POST if request.method == "POST" else None, instance=award)
    if request.method == "POST" and form.is_valid():
        Award.objects.filter(pk=award.pk).update(**{name: form.cleaned_data[name] for name in form.Meta.fields})
        tracking.visibility_changed(award, form.cleaned_data["public"], form.cleaned_data["show_name"])
        return HttpResponseRedirect(reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid})
                                    + "?saved=1")
    links = api.award_links(award)
    card = _card(award, timezone.now())
    status = 400 if request.method == "POST" else 200
    return render(request, "openedx_badges/wallet_detail.html", {
        **card,
        "form": form,
        "saved": request.GET.get("saved") == "1",
        "links": links,
        "downloads": [
            (_("Open Badges 3.0 image (PNG)"), links["png_ob3"]),
            (_("Open Badges 3.0 image (SVG)"), links["svg_ob3"]),
            (_("Open Badges 2.0 image (PNG)"), links["png_ob2"]),
            (_("Open Badges 2.0 image (SVG)"), links["svg_ob2"]),
            (_("Open Badges 3.0 credential (JSON)"), links["credential_url"]),
            (_("Open Badges 2.0 assertion (JSON)"), links["assertion_url"]),
        ],
        "shown_name": recipient_name(request.user),
        "linkedin_url": linkedin_url(award),
        "qr_svg": qr_svg(links["verify_url"], _("QR code of the verification page of {badge}").format(
            badge=award.badge_class.name)),
        "embed": embed_snippet(award),
        "backpacks": backpack_connections(request.user, award),
        "bound_dids": binding.dids_of(award),  # issue 21 hook: the DIDs this badge is bound to
        "bind_did_url": reverse("openedx_badges:wallet-bind-did", kwargs={"award_uuid": award.uuid}),
    }, status=status)


@require_safe
@login_required
def course_badges(request, course_key):
    """A course's badges with the learner's state and progress towards each (the course tab)."""
    badges = BadgeClass.objects.filter(course_key=course_key, active=True).order_by("name", "id")
    items = []
    for badge in badges.only("uuid"):
        state = api.learner_state(badge.uuid, request.user)
        if state is not None:
            state["state_label"] = STATUS_LABELS.get(state["state"], state["state"])
            if state.get("award"):
                state["detail_url"] = reverse("openedx_badges:wallet-detail",
                                              kwargs={"award_uuid": state["award"]["uuid"]})
            items.append(state)
    # issue 18: the course team's way to the badge dashboard (only for that course's team)
    manage_url = (reverse("openedx_badges:course-team-dashboard", kwargs={"course_key": course_key})
                  if api.course_key_of(course_key) is not None and compat.is_course_staff(request.user, course_key)
                  else None)
    return render(request, "openedx_badges/wallet_course.html", {"course_key": course_key, "items": items,
                                                                 "manage_url": manage_url})
