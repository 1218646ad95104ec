"""
The learner's badge wallet: their awards across courses, sharing choices, and a course's badges.

Every query starts from ``request.user``: a learner can only ever reach their own
awards (anyone else's is a 404, not a 403, so award UUIDs cannot be probed). The
queries here are shared with the REST API (``rest_api``) so that both filter the
same way, and their number does not grow with the number of awards.
"""

import importlib
import json
from datetime import UTC, timedelta
from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from .. import api, compat, conf
from ..credentials import baked, issuing, public_urls
from ..models import AWARD_STATES, Award, BadgeClass, LearnerProfile
from ..pathways.progress import pathways_in_progress
from ..persistence import binding
from ..skills import profile
from ..skills.profile import skills_profile
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
# What the skills profile and the public profile read of every badge the learner holds now:
# a few columns of the earned awards, read as plain rows (``ProfileAward``), so a learner with
# a thousand badges costs one light query, no model instances and no date conversions.
PROFILE_COLUMNS = ("id", "uuid", "public", "badge_class_id", "badge_class__uuid", "badge_class__name",
                   "badge_class__alignments", "badge_class__level", "badge_class__course_key",
                   "badge_class__issuer__name")
# Awards shown under one skill in the pages' skills profile; the rest are counted ("and N more").
SKILL_AWARDS_SHOWN = 5
# The wallet's filters last chosen, kept in the session so "Back to my badges" returns to them.
FILTERS_SESSION_KEY = "openedx_badges_wallet_filters"
FILTER_NAMES = ("course", "status", "skill", "level", "category")


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


def filter_options(rows, names=None):
    """
    The courses (``(key, name)``, by name) and skills the learner's awards span, for the
    filter menus; ``names`` maps course keys to display names (``compat.course_names``).
    """
    names = names or {}
    courses = sorted({(course, names.get(course, course)) for _id, course, _al in rows if course},
                     key=lambda item: (item[1].casefold(), item[0]))
    skills = {}
    for _id, _course, alignments in rows:
        for name in _skill_names(alignments):
            skills.setdefault(name.casefold(), name)
    return courses, sorted(skills.values(), key=str.casefold)


def level_category_options(user):
    """
    The levels and categories of the badges the learner holds (issue 13), for the filter menus,
    in one query: levels weakest first as the level taxonomy orders them, categories by name.
    """
    held = Award.objects.filter(user=user).values("badge_class_id")
    pairs = set(BadgeClass.objects.filter(id__in=held).values_list("level", "category"))
    levels = {level.casefold(): level for level, _category in pairs if level}
    categories = {category.casefold(): category for _level, category in pairs if category}
    def strength(level):
        rank = profile.level_rank(level)
        return (rank if rank >= 0 else len(profile.DEFAULT_LEVELS), level.casefold())

    return sorted(levels.values(), key=strength), sorted(categories.values(), key=str.casefold)


def filter_awards(queryset, user, *, course=None, status=None, skill=None, now=None, rows=None, level=None,
                  category=None):
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
        ids = [row_id for row_id, _course, alignments in (wallet_badge_rows(user) if rows is None else rows)
               if any(name.casefold() == wanted for name in _skill_names(alignments))]
        queryset = queryset.filter(badge_class_id__in=ids)
    if level:
        queryset = queryset.filter(badge_class__level__iexact=level)
    if category:
        queryset = queryset.filter(badge_class__category__iexact=category)
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

    # Level and category (issue 13): menus of what the learner's badges carry, matched in any case.
    level = forms.CharField(label=gettext_lazy("Level"), required=False, widget=forms.Select)
    category = forms.CharField(label=gettext_lazy("Category"), required=False, widget=forms.Select)

    def __init__(self, data, courses, skills, levels=(), categories=()):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["course"].choices = everything + list(courses)
        self.fields["status"].choices = everything + [(key, STATUS_LABELS[key]) for key in STATUSES]
        self.fields["skill"].widget.choices = everything + [(skill, skill) for skill in skills]
        self.fields["level"].widget.choices = everything + [(level, level) for level in levels]
        self.fields["category"].widget.choices = everything + [(category, category) for category in categories]


# --- views -----------------------------------------------------------------------------------


class ProfileBadge:
    """The few fields of a badge class the learner's pages read, from a row."""

    __slots__ = ("id", "uuid", "name", "alignments", "level", "course_key", "issuer_name")

    def __init__(self, id, uuid, name, alignments, level, course_key, issuer_name):  # noqa: A002,PLR0913,PLR0917
        self.id, self.uuid, self.name, self.alignments, self.level = id, uuid, name, alignments, level
        self.course_key, self.issuer_name = course_key, issuer_name


class ProfileAward:
    """
    An earned award as the skills profile and the public profile read it, built from one row
    of a query that kept only earned awards (``AwardQuerySet.in_state``, the state's rule in
    SQL): so its ``state`` is "earned".
    """

    __slots__ = ("pk", "uuid", "public", "badge_class")

    def __init__(self, row):
        self.pk, self.uuid, self.public, *badge = row
        self.badge_class = ProfileBadge(*badge)

    def state(self, now=None):  # pylint: disable=unused-argument
        return "earned"


def profile_awards(user, queryset=None, now=None):
    """The learner's earned awards (of ``queryset``), newest first, as ``ProfileAward`` rows: one query."""
    queryset = Award.objects.filter(user=user) if queryset is None else queryset
    rows = queryset.in_state("earned", now or timezone.now()).order_by("-issued_on", "-id")
    return [ProfileAward(row) for row in rows.values_list(*PROFILE_COLUMNS)]


def shown_skills(groups, limit=SKILL_AWARDS_SHOWN):
    """
    The skills profile for a page: each skill keeps its ``limit`` newest awards and counts the
    others (``more``), so a learner with a thousand badges gets a readable page, quickly.
    """
    for group in groups:
        for skill in group.skills:
            skill.more = max(0, len(skill.awards) - limit)
            skill.awards = skill.awards[:limit]
    return groups


def expiring_soon(user, now=None):
    """The learner's earned awards that expire within OPENEDX_BADGES_EXPIRY_NOTICE_DAYS, soonest first (one query)."""
    days = conf.get("OPENEDX_BADGES_EXPIRY_NOTICE_DAYS") or 0
    if days <= 0:
        return []
    now = now or timezone.now()
    return list(Award.objects.filter(user=user, valid_until__lte=now + timedelta(days=days)).in_state("earned", now)
                .select_related("badge_class").only("uuid", "valid_until", "badge_class__name")
                .order_by("valid_until", "id"))


def days_left(award, now):
    """Whole days until ``award`` expires, rounded up (an award expiring in 3 hours has 1 day left)."""
    seconds = (award.valid_until - now).total_seconds()
    return max(1, -(-int(seconds) // 86400))


def remembered_filters(request):
    """The wallet's URL with the filters the learner last chose (the session), for links back to it."""
    query = request.session.get(FILTERS_SESSION_KEY) or ""
    return reverse("openedx_badges:wallet") + (f"?{query}" if query else "")


def _remember_filters(request, filters):
    query = urlencode([(name, filters[name]) for name in FILTER_NAMES if filters.get(name)])
    if request.session.get(FILTERS_SESSION_KEY, "") != query:  # no session write when nothing changed
        request.session[FILTERS_SESSION_KEY] = query


def _card(award, now, course_names=None):
    state = award.state(now)
    course_key = award.badge_class.course_key
    return {
        "award": award,
        "badge": award.badge_class,
        "issuer": award.badge_class.issuer,
        "state": state,
        "state_label": STATUS_LABELS[state],
        "image_url": reverse("openedx_badges:badge-image", kwargs={"badge_uuid": award.badge_class.uuid}),
        "detail_url": reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid}),
        "course_name": (course_names or {}).get(course_key, course_key) if course_key else "",
    }


@require_safe
@login_required
def wallet(request):
    """
    All of the learner's badges, filtered and paginated, with their skills profile, the
    badges expiring soon and their public profile's state. The number of queries does not
    depend on how many badges they hold: the course names come in one query for all
    courses, the skills profile and the expiry list from one light query of every award.
    """
    rows = wallet_badge_rows(request.user)
    names = compat.course_names(course for _id, course, _al in rows)
    courses, skills = filter_options(rows, names)
    levels, categories = level_category_options(request.user)
    form = FilterForm(request.GET or None, courses, skills, levels, categories)
    form.is_valid()  # the valid filters apply; an invalid one is shown with its error and ignored
    filters = getattr(form, "cleaned_data", {})
    _remember_filters(request, filters)
    awards = filter_awards(wallet_awards(request.user), request.user, course=filters.get("course"),
                           status=filters.get("status"), skill=filters.get("skill"), rows=rows,
                           level=filters.get("level"), category=filters.get("category"))
    page = Paginator(awards, WALLET_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    soon = expiring_soon(request.user, now)
    current = profile_awards(request.user, now=now)
    tracking.wallet_viewed(request.user.id, page.paginator.count)
    return render(request, "openedx_badges/wallet.html", {
        "nav": "wallet",
        "form": form,
        "filtered": any(filters.values()),
        "page": page,
        "cards": [_card(award, now, names) for award in page.object_list],
        "skill_groups": shown_skills(skills_profile(current, now=now)),
        "skill_badges": len(current),  # none: the skills section says so, not "none of these badges"
        "expiring": [{"award": award, "days": days_left(award, now),
                      "detail_url": reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid})}
                     for award in soon],
        "expiry_days": conf.get("OPENEDX_BADGES_EXPIRY_NOTICE_DAYS"),
        "public_profile": LearnerProfile.objects.filter(user=request.user).first(),
        "public_profiles_enabled": conf.get("OPENEDX_BADGES_PUBLIC_PROFILES"),
        "pathways": pathways_in_progress(request.user),
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
    course_key = award.badge_class.course_key
    card = _card(award, timezone.now(), compat.course_names([course_key]) if course_key else {})
    status = 400 if request.method == "POST" else 200
    return render(request, "openedx_badges/wallet_detail.html", {
        **card,
        "back_url": remembered_filters(request),
        "course_url": compat.course_home_url(course_key) if course_key else "",
        "certificate_url": reverse("openedx_badges:wallet-certificate", kwargs={"award_uuid": award.uuid}),
        "form": form,
        "saved": request.GET.get("saved") == "1",
        "links": links,
        "downloads": [
            (_("Open Badges 3.0 image (PNG)"), links["png_ob3"]),
            (_("Open Badges 3.0 image (SVG)"), links["svg_ob3"]),
            (_("Open Badges 2.0 image (PNG)"), links["png_ob2"]),
            (_("Open Badges 2.0 image (SVG)"), links["svg_ob2"]),
        ],
        # The documents as files, named and with their extension (``wallet_download``).
        "files": [
            (_("Open Badges 3.0 credential (JSON)"), download_url(award, "credential")),
            (_("Open Badges 2.0 assertion, hosted (JSON)"), download_url(award, "assertion")),
            (_("Open Badges 2.0 assertion, signed (JWS)"), download_url(award, "signed")),
        ],
        "documents": [
            (_("View the 3.0 credential in the browser"), links["credential_url"]),
            (_("View the 2.0 assertion in the browser"), links["assertion_url"]),
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


# --- downloads and the printable certificate ------------------------------------------------

# kind -> (file suffix, media type): what ``wallet_download`` serves.
DOWNLOADS = {
    "credential": ("ob3.json", "application/vc+ld+json"),
    "assertion": ("ob2.json", "application/ld+json"),
    "signed": ("ob2.jws", "application/jose"),
}


def download_url(award, kind):
    return reverse("openedx_badges:wallet-download", kwargs={"award_uuid": award.uuid, "kind": kind})


def download_filename(award, kind):
    """``<badge-name>-ob3.json`` and the like: readable, safe on every file system, with the right extension."""
    stem = baked.filename(award, "x", "y").removesuffix("-x.y")
    return f"{stem}-{DOWNLOADS[kind][0]}"


@require_safe
@login_required
def wallet_download(request, award_uuid, kind):
    """
    One of the learner's credentials as a file (Content-Disposition: attachment, with a
    name and an extension), so a browser saves it rather than opening JSON in the tab:
    the OB 3.0 credential, the hosted OB 2.0 assertion, or the signed OB 2.0 assertion
    (the compact JWS a 2.0 backpack accepts). The learner's own awards only (404 otherwise).
    """
    if kind not in DOWNLOADS:
        raise Http404("No such download.")
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer"), uuid=award_uuid,
                              user=request.user)
    if kind == "credential":
        body = json.dumps(award.ob3_credential, ensure_ascii=False, indent=2)
    elif kind == "assertion":
        body = json.dumps(issuing.hosted_assertion(award), ensure_ascii=False, indent=2)
    else:
        if not award.ob2_jws:
            raise Http404("This badge has no signed 2.0 assertion.")
        body = award.ob2_jws
    media_type = DOWNLOADS[kind][1]
    response = HttpResponse(body + "\n", content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download_filename(award, kind)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def wallet_certificate(request, award_uuid):
    """
    A printable certificate of one award: a page laid out for A4 and Letter (its print
    stylesheet hides everything but the certificate), with the verification URL written
    out and as a QR code, so a paper copy can still be checked.
    """
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer", "user"),
                              uuid=award_uuid, user=request.user)
    course_key = award.badge_class.course_key
    card = _card(award, timezone.now(), compat.course_names([course_key]) if course_key else {})
    verify_url = public_urls.verify_page_url(award)
    return render(request, "openedx_badges/wallet_certificate.html", {
        **card,
        "verify_url": verify_url,
        "recipient": recipient_name(request.user),
        "back_url": reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": award.uuid}),
        "qr_svg": qr_svg(verify_url, _("QR code of the verification page of {badge}").format(
            badge=award.badge_class.name)),
    })


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
    return render(request, "openedx_badges/wallet_course.html", {
        "course_key": course_key, "items": items,
        "course_name": compat.course_names([course_key]).get(course_key, course_key),
        "course_url": compat.course_home_url(course_key),
        "manage_url": manage_url,
    })
