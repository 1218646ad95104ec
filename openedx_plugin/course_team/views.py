"""
The course team's badge pages in the LMS, under ``badges/course/<course_key>/manage/``.

Who may see them is decided once, in ``course_team_view``: a signed-in member of that
course's team (``compat.is_course_staff`` for that course key; a member of another course's
team gets 403). Every page costs a fixed number of queries whatever the number of awards,
every POST is CSRF-checked, and bad input answers 400 with the form's messages.
"""

import csv
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import api, compat
from ..views.wallet import STATUS_LABELS
from . import forms, services

RECENT_HISTORY = 10


def course_team_view(view):
    """Sign-in, a well-formed course key, then the course role for that course: in that order."""

    @functools.wraps(view)
    def wrapped(request, course_key, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if api.course_key_of(course_key) is None:
            raise Http404("No such course.")
        if not compat.is_course_staff(request.user, course_key):
            return render(request, "openedx_badges/course_team/denied.html",
                          {"course_key": course_key, "course_name": course_name(course_key)}, status=403)
        return view(request, course_key, *args, **kwargs)

    return csrf_protect(wrapped)


def course_name(course_key):
    """The course's display name (``compat.course_names``, one query), or its key when it has none."""
    return compat.course_names([course_key]).get(course_key, course_key)


def _badge_or_404(course_key, badge_uuid):
    badge = services.course_badge(course_key, badge_uuid)
    if badge is None:
        raise Http404("No such badge in this course.")
    return badge


def _urls(course_key, badge=None):
    urls = {"dashboard": reverse("openedx_badges:course-team-dashboard", kwargs={"course_key": course_key}),
            "history": reverse("openedx_badges:course-team-history", kwargs={"course_key": course_key}),
            "course": reverse("openedx_badges:course-badges", kwargs={"course_key": course_key})}
    if badge is not None:
        kwargs = {"course_key": course_key, "badge_uuid": badge.uuid}
        for name in ("badge", "award", "export", "reissue"):
            urls[name] = reverse(f"openedx_badges:course-team-{name}", kwargs=kwargs)
    return urls


def _history_rows(entries):
    return [{"entry": entry, "action": entry.get_action_display()} for entry in entries]


@require_safe
@course_team_view
def dashboard(request, course_key):
    """Every badge of the course with its counts, and the latest actions of the team."""
    badges = services.course_badges(course_key)
    counts = services.cached_counts(badges)
    rows = [{"badge": badge, "counts": counts[badge.pk],
             "url": reverse("openedx_badges:course-team-badge", kwargs={"course_key": course_key,
                                                                        "badge_uuid": badge.uuid})}
            for badge in badges]
    return render(request, "openedx_badges/course_team/dashboard.html", {
        "course_key": course_key, "course_name": course_name(course_key), "rows": rows, "urls": _urls(course_key),
        "history": _history_rows(services.history(course_key)[:RECENT_HISTORY]),
    })


def _recipient_rows(awards, course_key, badge, now):
    # one reverse() for the page, not one a row: the learner's id is the URL's last part
    base = reverse("openedx_badges:course-team-learner", kwargs={
        "course_key": course_key, "badge_uuid": badge.uuid, "user_id": 0}).removesuffix("0/")
    rows = []
    for award in awards:
        state = award.state(now)
        rows.append({"award": award, "state": state, "state_label": STATUS_LABELS[state],
                     "learner_url": f"{base}{award.user_id}/" if award.user_id else ""})
    return rows


@require_safe
@course_team_view
def badge_page(request, course_key, badge_uuid):
    """One badge: its counts, recipients (search, state, pages), and what was done to it."""
    badge = _badge_or_404(course_key, badge_uuid)
    form = forms.RecipientSearchForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    now = timezone.now()
    counts = services.cached_counts([badge])[badge.pk]
    awards = services.recipients(badge, search=filters.get("q", ""), state=filters.get("state", ""), now=now)
    paginator = Paginator(awards, services.RECIPIENTS_PAGE_SIZE)
    if not (filters.get("q") or filters.get("state")):
        paginator.count = counts["total"]  # the same COUNT the counts just made: not twice
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "openedx_badges/course_team/badge.html", {
        "course_key": course_key, "badge": badge, "counts": counts,
        "form": form, "page": page, "query": query.urlencode(),
        "filtered": bool(filters.get("q") or filters.get("state")),
        "rows": _recipient_rows(page.object_list, course_key, badge, now),
        "history": _history_rows(services.history(course_key, badge)[:RECENT_HISTORY]),
        "held": counts["earned"] + counts["suspended"], "reissue_form": forms.ReissueForm(),
        "reissued": request.GET.get("reissued"), "urls": _urls(course_key, badge),
    }, status=200 if valid else 400)


@require_http_methods(["GET", "HEAD", "POST"])
@course_team_view
def award_page(request, course_key, badge_uuid):
    """Award by hand: a dry run first (the default), then for real; the report says what happened per line."""
    badge = _badge_or_404(course_key, badge_uuid)
    form = forms.AwardForm(request.POST if request.method == "POST" else None)
    report, status, dry_run = None, 200, False
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            report = services.award(badge, data["learners"], actor=request.user, reason=data["reason"],
                                    narrative=data["narrative"], url=data["url"], dry_run=data["dry_run"])
            dry_run = data["dry_run"]
            if not dry_run:
                form = forms.AwardForm()  # done: a fresh form (dry run ticked again), not the list awarded
        else:
            status = 400
    summary = {}
    for row in report or []:
        summary[row.status] = summary.get(row.status, 0) + 1
    return render(request, "openedx_badges/course_team/award.html", {
        "course_key": course_key, "badge": badge, "form": form, "report": report, "summary": summary,
        "dry_run": dry_run, "urls": _urls(course_key, badge),
    }, status=status)


def _learner_or_404(user_id):
    user = get_user_model().objects.filter(pk=user_id).only("id", "username", "email", "first_name",
                                                            "last_name").first()
    if user is None:
        raise Http404("No such learner.")
    return user


def _learner_context(request, course_key, badge, learner, *, forms_by_award=None):
    awards = services.learner_awards(badge, learner)
    progress = services.learner_progress(badge, learner)
    now = timezone.now()
    rows = []
    for award in awards:
        state = award.state(now)
        def action(name, award_uuid=award.uuid):
            return reverse("openedx_badges:course-team-action", kwargs={
                "course_key": course_key, "badge_uuid": badge.uuid, "award_uuid": award_uuid, "action": name})
        given = (forms_by_award or {}).get(award.pk, {})
        rows.append({
            "award": award, "state": state, "state_label": STATUS_LABELS[state],
            "revoke": (action("revoke"), given.get("revoke") or forms.RevokeForm(auto_id=f"revoke-{award.pk}-%s"))
            if state != "revoked" else None,
            "suspend": (action("suspend"), given.get("suspend") or forms.SuspendForm(auto_id=f"suspend-{award.pk}-%s"))
            if state in ("earned", "expired") and award.suspension_list_id else None,
            "lift": (action("lift"), given.get("lift") or forms.LiftForm(auto_id=f"lift-{award.pk}-%s"))
            if state == "suspended" else None,
        })
    return {
        "course_key": course_key, "badge": badge, "learner": learner, "rows": rows,
        "progress": progress["items"], "met": progress["met"], "urls": _urls(course_key, badge),
        "done": request.GET.get("done"),
        "history": _history_rows(services.history(course_key, badge).filter(learner=learner)[:RECENT_HISTORY]),
    }


@require_safe
@course_team_view
def learner_page(request, course_key, badge_uuid, user_id):
    """One learner and one badge: progress on every condition now, their awards, and what can be done."""
    badge = _badge_or_404(course_key, badge_uuid)
    learner = _learner_or_404(user_id)
    if not services.knows_learner(badge, learner):
        raise Http404("Not a learner of this course.")  # user ids are not a way to look up the site's accounts
    return render(request, "openedx_badges/course_team/learner.html",
                  _learner_context(request, course_key, badge, learner))


ACTIONS = {"revoke": (forms.RevokeForm, services.revoke), "suspend": (forms.SuspendForm, services.suspend),
           "lift": (forms.LiftForm, services.lift)}
REFUSALS = {
    "already_revoked": gettext_lazy("This award is already revoked."),
    "not_held": gettext_lazy("Only an award the learner holds can be suspended."),
    "no_suspension_slot": gettext_lazy("This award was issued before suspensions existed: it can only be revoked."),
    "not_suspended": gettext_lazy("This award is not suspended."),
    "nothing_to_reissue": gettext_lazy("No learner holds this badge now: there is nothing to re-issue."),
}


@require_POST
@course_team_view
def award_action(request, course_key, badge_uuid, award_uuid, action):
    """Revoke, suspend or lift one award of the course's badge; back to the learner's page."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    badge = _badge_or_404(course_key, badge_uuid)
    award = badge.awards.filter(uuid=award_uuid).select_related("user", "badge_class__issuer").first()
    if award is None:
        raise Http404("No such award of this badge.")
    form_class, perform = ACTIONS[action]
    form = form_class(request.POST, auto_id=f"{action}-{award.pk}-%s")
    learner_url = reverse("openedx_badges:course-team-learner", kwargs={
        "course_key": course_key, "badge_uuid": badge.uuid, "user_id": award.user_id}) if award.user_id else None
    error = None
    if form.is_valid():
        try:
            perform(award, actor=request.user, reason=form.cleaned_data["reason"])
        except services.ActionRefused as exc:
            error = REFUSALS.get(str(exc), str(exc))
        else:
            done = f"{learner_url}?done={action}" if learner_url else _urls(course_key, badge)["badge"]
            return HttpResponseRedirect(done)
    if award.user is None:
        return render(request, "openedx_badges/course_team/denied.html",
                      {"course_key": course_key, "course_name": course_name(course_key),
                       "message": error or _("Give a reason.")}, status=400)
    context = _learner_context(request, course_key, badge, award.user, forms_by_award={award.pk: {action: form}})
    context["error"] = error
    return render(request, "openedx_badges/course_team/learner.html", context, status=400)


@require_POST
@course_team_view
def reissue(request, course_key, badge_uuid):
    """Queue the re-issue of every held credential of the badge with its current text."""
    badge = _badge_or_404(course_key, badge_uuid)
    form = forms.ReissueForm(request.POST)
    url = _urls(course_key, badge)["badge"]
    if not form.is_valid():
        return render(request, "openedx_badges/course_team/reissue_error.html", {
            "course_key": course_key, "badge": badge, "form": form, "urls": _urls(course_key, badge)}, status=400)
    try:
        count = services.request_reissue(badge, actor=request.user, reason=_("Badge details updated."))
    except services.ActionRefused as exc:
        return render(request, "openedx_badges/course_team/reissue_error.html", {
            "course_key": course_key, "badge": badge, "form": form, "urls": _urls(course_key, badge),
            "error": REFUSALS[str(exc)]}, status=400)
    return HttpResponseRedirect(f"{url}?reissued={count}")


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection): such a
# cell is written with a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


@require_safe
@course_team_view
def export_csv(request, course_key, badge_uuid):
    """The recipients (with the page's search and state filter) as CSV, streamed in chunks."""
    badge = _badge_or_404(course_key, badge_uuid)
    form = forms.RecipientSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "openedx_badges/course_team/denied.html", {
            "course_key": course_key, "course_name": course_name(course_key),
            "message": _("The filter is not valid: %(errors)s") % {
                "errors": "; ".join(str(error) for errors in form.errors.values() for error in errors)}}, status=400)
    filters = form.cleaned_data if request.GET else {}
    now = timezone.now()
    awards = services.recipients(badge, search=filters.get("q", ""), state=filters.get("state", ""), now=now)
    services.record_export(badge, actor=request.user, rows=awards.count())
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # a BOM, so spreadsheet programs read the UTF-8 names right
        yield writer.writerow(["award", "username", "email", "name", "state", "issued_on", "valid_until",
                               "revoked_at", "revocation_reason", "suspension_reason"])
        for award in awards.iterator(chunk_size=2000):
            user = award.user
            yield writer.writerow([csv_safe(value) for value in (
                award.uuid, user.username if user else "", user.email if user else "",
                user.get_full_name() if user else "", award.state(now), award.issued_on.isoformat(),
                award.valid_until.isoformat() if award.valid_until else "",
                award.revoked_at.isoformat() if award.revoked_at else "", award.revocation_reason,
                award.suspension_reason if award.suspended else "")])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="badge-{badge.uuid}-recipients.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@course_team_view
def history_page(request, course_key):
    """Everything the course team did to the course's badges, newest first, by pages."""
    page = Paginator(services.history(course_key), services.HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "openedx_badges/course_team/history.html", {
        "course_key": course_key, "course_name": course_name(course_key), "page": page,
        "history": _history_rows(page.object_list),
        "urls": _urls(course_key)})
