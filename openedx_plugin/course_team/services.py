"""
What the course team's pages and API read and do, in one place so both behave the same.

Reads cost a fixed number of queries whatever the number of awards (counts are aggregates,
lists are pages). Every action goes through the functions the Django admin uses
(``awarding.manual_award``, ``revoke``, ``suspend``, ``reinstate``) so a course team signs,
revokes and holds exactly as an operator does, and each is recorded as a ``CourseTeamAction``
in the same transaction as the change it describes.
"""

import uuid as uuid_module
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from .. import compat, conf
from ..awards import awarding, bulk
from ..credentials import issuing
from ..models import AWARD_STATES, Award, BadgeClass, BadgeProgress, CourseTeamAction

RECIPIENTS_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50
# A pasted list is for the awards a course team observes; thousands go through the admin's bulk award.
MAX_PASTED = 1000
# Columns a recipients list never needs: the signed documents and the images.
DEFERRED = ("ob3_credential", "ob2_assertion", "ob2_signed_assertion", "ob2_jws", "evidence", "result",
            "provenance", "recipient_identity", "recipient_salt")


class ActionRefused(Exception):
    """The action cannot be done to this award; the message says why, for the course team."""


# --- reads ----------------------------------------------------------------------------------------


def course_badges(course_key):
    """Every badge of the course (inactive ones too: their awards are still the team's), by name."""
    return list(BadgeClass.objects.filter(course_key=course_key).select_related("issuer")
                .defer("image_data", "issuer__image_data").order_by("name", "id"))


def course_badge(course_key, badge_uuid):
    """The course's badge with this UUID, or None: another course's badge is as unknown as a missing one."""
    return (BadgeClass.objects.filter(course_key=course_key, uuid=badge_uuid).select_related("issuer")
            .defer("image_data", "issuer__image_data").first())


def _held_now(now):
    """Awards that stop a learner being "in progress": anything but an expired award."""
    return Q(revoked=True) | Q(suspended=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=now)


def counts(badges, now=None):
    """
    ``{badge id: {earned, in_progress, revoked, expired, suspended, total}}`` in five queries.

    Awards are counted, each state by a range of the (badge, revoked, suspended, valid_until)
    index (revoked, suspended and expired awards are few) and "earned" as the rest of the
    badge's total, which the index counts without reading rows. A learner holds at most one
    earned or suspended award of a badge, so those are learners; one whose award expired and
    who earned it again counts in both. "In progress" counts learners whose last evaluation
    met part of the rule and who hold no award now.
    """
    now = now or timezone.now()
    ids = [badge.pk for badge in badges]
    result = {pk: dict.fromkeys(("earned", "in_progress", "total", *AWARD_STATES), 0) for pk in ids}
    if not ids:
        return result
    awards = Award.objects.filter(badge_class_id__in=ids).order_by()
    for name, narrowed in (("total", awards), *((state, awards.filter(_state_q(state, now)))
                                                 for state in ("revoked", "suspended", "expired"))):
        for row in narrowed.values("badge_class_id").annotate(n=Count("id")):
            result[row["badge_class_id"]][name] = row["n"]
    for figures in result.values():
        figures["earned"] = figures["total"] - figures["revoked"] - figures["suspended"] - figures["expired"]
    held = Award.objects.filter(_held_now(now), badge_class_id=OuterRef("badge_class_id"), user_id=OuterRef("user_id"))
    for row in (BadgeProgress.objects.filter(badge_class_id__in=ids, started=True).filter(~Exists(held))
                .order_by().values("badge_class_id").annotate(n=Count("id"))):
        result[row["badge_class_id"]]["in_progress"] = row["n"]
    return result


def _counts_key(badge_id):
    return f"openedx_badges:course_team:counts:{badge_id}"


def cached_counts(badges):
    """
    ``counts`` kept in the cache for OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS: what the
    dashboard, the badge page and the API show. Awards the pipeline makes meanwhile appear
    within that time; the team's own actions forget the badge's counts at once (``audit``).
    """
    seconds = int(conf.get("OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS"))
    if seconds <= 0:
        return counts(badges)
    found = cache.get_many([_counts_key(badge.pk) for badge in badges])
    result = {badge.pk: found[_counts_key(badge.pk)] for badge in badges if _counts_key(badge.pk) in found}
    missing = [badge for badge in badges if badge.pk not in result]
    if missing:
        fresh = counts(missing)
        cache.set_many({_counts_key(pk): figures for pk, figures in fresh.items()}, seconds)
        result.update(fresh)
    return result


def forget_counts(badge_id):
    cache.delete(_counts_key(badge_id))


def _state_q(state, now):
    """``Award.state`` as a Q (the same rules as ``AwardQuerySet.in_state``)."""
    if state == "revoked":
        return Q(revoked=True)
    if state == "suspended":
        return Q(revoked=False, suspended=True)
    if state == "expired":
        return Q(revoked=False, suspended=False, valid_until__lte=now)
    return Q(revoked=False, suspended=False) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))


def recipients(badge, *, search="", state="", now=None):
    """
    The badge's awards, newest first, with their learners: the recipients list and its CSV.

    ``search`` is a username prefix, an exact email or an award UUID (all answered by an
    index); ``state`` one of AWARD_STATES.
    """
    awards = (Award.objects.filter(badge_class=badge).select_related("user").defer(*DEFERRED)
              .order_by("-issued_on", "-id"))
    search = (search or "").strip()
    if search:
        try:
            wanted = uuid_module.UUID(search)
        except ValueError:
            wanted = None
        if wanted is not None:
            awards = awards.filter(uuid=wanted)
        elif "@" in search:
            awards = awards.filter(user_id__in=get_user_model().objects.filter(email__iexact=search).values("id"))
        else:
            # the learners first (the username index), then their awards (the badge-and-learner index)
            learners = get_user_model().objects.filter(username__istartswith=search).values("id")
            awards = awards.filter(user_id__in=learners)
    if state:
        awards = awards.filter(_state_q(state, now or timezone.now()))
    return awards


def learner_awards(badge, user):
    """Every award of this badge to this learner, newest first (a re-award follows an expiry)."""
    return list(Award.objects.filter(badge_class=badge, user=user).defer(*DEFERRED).order_by("-sequence"))


def knows_learner(badge, user):
    """Whether the course team may look at ``user`` for this badge: an award, progress, or an enrollment."""
    return (Award.objects.filter(badge_class=badge, user=user).exists()
            or BadgeProgress.objects.filter(badge_class=badge, user=user).exists()
            or compat.is_enrolled(user, badge.course_key))


def learner_progress(badge, user):
    """The learner's progress on each condition of the rule, computed now (``awarding.progress``)."""
    return awarding.progress(badge, user)


def history(course_key, badge=None):
    """The course team's actions in the course (or on one badge), newest first."""
    entries = CourseTeamAction.objects.filter(course_key=course_key).select_related("badge_class", "award")
    if badge is not None:
        entries = entries.filter(badge_class=badge)
    return entries.only("actor_username", "learner_username", "learner_id", "action", "reason", "detail", "created",
                        "badge_class__name", "badge_class__uuid", "award__uuid").order_by("-created", "-id")


def held_count(badge):
    """How many awards of the badge learners hold now (earned or on hold): what a re-issue would replace."""
    now = timezone.now()
    return Award.objects.filter(badge_class=badge, revoked=False).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)).count()


def dashboard_url(course_key, badge=None, absolute=False):
    """The dashboard (or one badge's page); ``absolute`` for links from Studio, which is another host."""
    if badge is None:
        path = reverse("openedx_badges:course-team-dashboard", kwargs={"course_key": course_key})
    else:
        path = reverse("openedx_badges:course-team-badge", kwargs={"course_key": course_key, "badge_uuid": badge.uuid})
    return compat.lms_root_url() + path if absolute else path


# --- actions ----------------------------------------------------------------------------------------


def audit(action, *, course_key, actor, badge=None, award=None, learner=None, reason="", detail=None):
    """Record one course-team action (in the caller's transaction); the badge's counts are counted again."""
    if badge is not None:
        transaction.on_commit(lambda: forget_counts(badge.pk))
    return CourseTeamAction.objects.create(
        course_key=course_key, action=action, badge_class=badge, award=award, actor=actor,
        actor_username=getattr(actor, "username", "")[:150], learner=learner,
        learner_username=(getattr(learner, "username", "") or "")[:150], reason=(reason or "")[:2000],
        detail=detail or {})


@dataclass
class AwardRow:
    """One listed learner and what happened (or, in a dry run, would happen)."""

    line: int
    identifier: str
    status: str
    username: str = ""
    award_uuid: str = ""


# The statuses of AwardRow, kept as codes so templates and the API say them in the reader's language.
AWARDED, WOULD_AWARD, WOULD_AWARD_AGAIN, ALREADY, NOT_FOUND, NOT_ENROLLED = (
    "awarded", "would_award", "would_award_again", "already_holds", "not_found", "not_enrolled")


def read_learners(text):
    """``[(line, identifier)]`` of a pasted list (one username or email a line); ValueError says what is wrong."""
    rows = bulk.read_identifiers(text or "")
    if not rows:
        raise ValueError("empty")
    if len(rows) > MAX_PASTED:
        raise ValueError("too_many")
    return rows


def evidence_item(narrative, url):
    """The staff's note as one Open Badges evidence entry (narrative, optional URL), or None."""
    item = {}
    if narrative:
        item["narrative"] = narrative
    if url:
        item["id"] = url
    if item:
        item["name"] = "Observed by the course team"
    return item or None


def award(badge, identifiers, *, actor, reason, narrative="", url="", dry_run=True):
    """Award ``badge`` to each listed learner, or say what would happen; returns AwardRow per line."""
    users = bulk._find_users(identifiers)  # pylint: disable=protected-access  (the admin's bulk lookup)
    item = evidence_item(narrative, url)
    rows = []
    for line, value in identifiers:
        user = users.get(value) or users.get(value.lower())
        if user is None:
            rows.append(AwardRow(line, value, NOT_FOUND))
            continue
        current = issuing.current_award(badge, user)
        if current is None and not compat.is_enrolled(user, badge.course_key):
            # a course team awards its own learners, not any account of the site
            rows.append(AwardRow(line, value, NOT_ENROLLED, user.username))
            continue
        state = current.state() if current else "none"
        if state in ("earned", "suspended"):
            rows.append(AwardRow(line, value, ALREADY, user.username, str(current.uuid)))
        elif dry_run:
            rows.append(AwardRow(line, value, WOULD_AWARD_AGAIN if state == "revoked" else WOULD_AWARD, user.username))
        else:
            with transaction.atomic():
                made, created = awarding.manual_award(badge, user, staff_user=actor, reason=reason,
                                                      evidence=[item] if item else [])
                if created:
                    audit(CourseTeamAction.AWARD, course_key=badge.course_key, actor=actor, badge=badge, award=made,
                          learner=user, reason=reason, detail={"evidence": item} if item else {})
            rows.append(AwardRow(line, value, AWARDED if created else ALREADY, user.username, str(made.uuid)))
    return rows


def revoke(award, *, actor, reason):
    """Revoke for good, with the reason the verification page shows."""
    if award.revoked:
        raise ActionRefused("already_revoked")
    with transaction.atomic():
        done = awarding.revoke(award, reason)
        audit(CourseTeamAction.REVOKE, course_key=award.badge_class.course_key, actor=actor, badge=award.badge_class,
              award=done, learner=award.user, reason=reason)
    return done


def suspend(award, *, actor, reason):
    """Put a hold on the award (its suspension bit), which ``lift`` removes."""
    if award.revoked or award.suspended:
        raise ActionRefused("not_held")
    with transaction.atomic():
        try:
            done = awarding.suspend(award, reason)
        except issuing.NotReversible as exc:
            raise ActionRefused("no_suspension_slot") from exc
        audit(CourseTeamAction.SUSPEND, course_key=award.badge_class.course_key, actor=actor, badge=award.badge_class,
              award=done, learner=award.user, reason=reason)
    return done


def lift(award, *, actor, reason=""):
    """Lift a hold on the same credential (a revoked award is awarded again through ``award`` instead)."""
    if award.revoked or not award.suspended:
        raise ActionRefused("not_suspended")
    with transaction.atomic():
        done, _created = awarding.reinstate(award, staff_user=actor)
        audit(CourseTeamAction.LIFT, course_key=award.badge_class.course_key, actor=actor, badge=award.badge_class,
              award=done, learner=award.user, reason=reason)
    return done


def request_reissue(badge, *, actor, reason):
    """
    Queue the re-issue of every held award of ``badge`` with its current text (a celery task,
    ``course_team.reissue``); returns how many awards it will replace.
    """
    from . import reissue  # pylint: disable=import-outside-toplevel  (celery is loaded only when asked)

    count = held_count(badge)
    if not count:
        raise ActionRefused("nothing_to_reissue")
    with transaction.atomic():
        entry = audit(CourseTeamAction.REISSUE, course_key=badge.course_key, actor=actor, badge=badge, reason=reason,
                      detail={"awards": count, "queued": True})
        transaction.on_commit(lambda: reissue.queue(badge.pk, entry.pk))
    return count


def record_export(badge, *, actor, rows):
    """The export itself changes nothing, but who took the recipients' list away is the team's to know."""
    return audit(CourseTeamAction.EXPORT, course_key=badge.course_key, actor=actor, badge=badge,
                 detail={"rows": rows})


def forget_user(user):
    """Retirement: the history keeps what was done, not to or by whom."""
    CourseTeamAction.objects.filter(learner=user).update(learner=None, learner_username="")
    CourseTeamAction.objects.filter(actor=user).update(actor=None, actor_username="")
    BadgeProgress.objects.filter(user=user).delete()
