"""
The award pipeline: evaluate a learner's rules on authoritative data, award once,
record why, tell the platform and the learner, and follow the pathways it unlocks.

Called from celery tasks (and the sweeper, and staff actions); every step is safe
to repeat, because ``issuing.award_badge`` returns an existing award unchanged.
"""

import logging
import time
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .. import compat, conf, rules
from ..backpacks import services
from ..course_team import progress as course_progress
from ..credentials import issuing, public_urls
from ..models import Award, BadgeRule, PendingEvaluation
from ..visibility import tracking
from . import events, notifications, rule_index

log = logging.getLogger(__name__)
MAX_PATHWAY_STEPS = 50


# Block names by course, kept for NAMES_SECONDS per process for the evaluations: reading a
# course's structure is one of the platform's costly reads, and a name only words evidence.
NAMES_SECONDS = 60.0
_names = {}


def _block_names(course_keys, cached=False):
    """
    Display names of a course's blocks, for progress and evidence in plain words.
    ``cached``: an evaluation takes names up to NAMES_SECONDS old (a renamed block's new
    name reaches evidence within a minute); the learner's progress view reads them fresh.
    """
    names = {}
    now = time.monotonic()
    for course_key in course_keys:
        kept = _names.get(course_key) if cached else None
        if kept is not None and now - kept[0] < NAMES_SECONDS:
            names.update(kept[1])
            continue
        try:
            blocks = compat.course_blocks(course_key) or []
        except Exception:  # pylint: disable=broad-except  (names are a nicety; never fail an award on them)
            log.exception("Could not read the blocks of %s", course_key)
            continue
        found = {block["usage_key"]: block["display_name"] for block in blocks}
        if len(_names) > 256:
            _names.clear()
        _names[course_key] = (now, found)
        names.update(found)
    return names


def forget_block_names():
    """Drop the names this process keeps (tests that rename blocks)."""
    _names.clear()


def _carried_scores(course_key, trigger):
    """
    The problem scores the trigger carries from the score signal: ``{(course, block): (earned,
    possible)}``, under the master course's block keys the rules name (a CCX's score signal
    names its block by the CCX's key, ``ccx-block-v1:``).
    """
    carried = {}
    scores = trigger.get("scores") if isinstance(trigger, dict) else None
    if isinstance(scores, dict):
        for block, value in scores.items():
            if (isinstance(value, (list, tuple)) and len(value) == 2
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
                carried[(course_key, compat.master_usage_key(block))] = value
    return carried


def _known_runs(course_key, trigger):
    """
    ``{master course: run}`` from the trigger: the course key the event named (``course_run``,
    set by the receivers; a CCX's key for a CCX learner's event), when it is a run of this
    course. The evaluation then reads that run's grades without asking which one it is.
    """
    run = trigger.get("course_run") if isinstance(trigger, dict) else None
    if course_key and isinstance(run, str) and run and compat.master_course_key(run) == course_key:
        return {course_key: run}
    return {}


def _ob3_results(badge_class, outcome):
    """Scores as OB 3.0 Results, pointing at the achievement's 'Percent' result description."""
    results = []
    for item in outcome.results:
        if item["kind"] == "score" and item["possible"]:
            percent = 100 * item["earned"] / item["possible"]
        elif item["kind"] == "percent":
            percent = 100 * item["value"]
        else:
            continue
        results.append({"type": ["Result"], "resultDescription": public_urls.score_result_description_url(badge_class),
                        "value": f"{percent:.0f}", "status": "Completed"})
    return results


def award_for_rule(rule, user, outcome, trigger):
    """Award the rule's badge with its evidence and provenance; None if refused (revoked earlier)."""
    badge_class = rule.badge_class
    provenance = {
        "source": "rule",
        "rule_id": rule.id,
        "condition": rule.condition,
        "trigger": trigger,
        "evaluated_at": timezone.now().isoformat(),
        "scores": [item for item in outcome.results if item["kind"] == "score"],
    }
    try:
        award, created = issuing.award_badge(badge_class, user, evidence=outcome.evidence,
                                             result=_ob3_results(badge_class, outcome), provenance=provenance)
    except issuing.AwardRefused as exc:
        log.info("Not awarding %s to user %s: %s", badge_class.uuid, user.id, exc)
        return None
    if created or award.announced_at is None:  # a retry finishes what an interrupted run left
        announce(award)
    return award


def announce(award):
    """
    After commit: the openedx-event, the learner's email, and pushes to backpacks.

    The claim is taken after the award's commit, not written with the award: a commit whose
    answer was lost with the connection (the server committed, the worker saw an error) must
    leave the award claimable by the task's retry at once, not after ANNOUNCE_LEASE.
    """
    transaction.on_commit(lambda: deliver_announcements(award))


# A worker that took on an award's follow-ups and died is replaced after this long.
ANNOUNCE_LEASE = timedelta(minutes=10)


def _claim(award, now):
    lapsed = Q(announce_claimed_at__isnull=True) | Q(announce_claimed_at__lt=now - ANNOUNCE_LEASE)
    return Award.objects.filter(lapsed, pk=award.pk, announced_at__isnull=True).update(announce_claimed_at=now)


def deliver_announcements(award):
    """
    Send an award's follow-ups at least once, and normally once: whoever claims the
    award sends them and records it. A database error on the way (a dropped
    connection) releases the claim and is raised, so the task retries and sends
    them; a crash leaves the claim to lapse for the sweeper. Pushes are idempotent;
    an event or email may repeat only when the failure falls between them.
    """
    try:
        if not _claim(award, timezone.now()):
            return False
        send_follow_ups(award)
        Award.objects.filter(pk=award.pk).update(announced_at=timezone.now())
        return True
    except DatabaseError as exc:
        log.warning("The follow-ups of award %s were interrupted (%s); they will be sent again.", award.pk, exc)
        if not connection.in_atomic_block:  # a dead connection is replaced; never close a transaction
            connection.close_if_unusable_or_obsolete()
        try:
            Award.objects.filter(pk=award.pk, announced_at__isnull=True).update(announce_claimed_at=None)
        except DatabaseError:
            pass  # the claim lapses after ANNOUNCE_LEASE
        raise


def send_follow_ups(award, *, notify=True, push=True):
    """
    The follow-ups of a new award, the same for single and bulk awards: backpack pushes,
    the BADGE_AWARDED event, the learner's email. Database errors are raised: the caller
    (``deliver_announcements``, a bulk run) leaves the award unannounced for a retry.
    ``notify``/``push``: a bulk run emails only when asked, and pushes only when a
    pushing provider is enabled (asked once per run).
    """
    held = bool(award.suspended)  # a held badge (a suspended one re-issued) is neither sent nor announced
    if push and not held:
        _backpacks("queue_auto_pushes", award, database_errors_raise=True)
    events.badge_awarded(award, database_errors_raise=True)
    if notify and not held:
        notifications.notify_awarded(award)


def notify_expiring(limit=1000, now=None):
    """
    Email learners whose badges expire within OPENEDX_BADGES_EXPIRY_NOTICE_DAYS, once per
    award (celery beat runs this hourly; ``badges_sweep`` too). Each award is claimed by
    setting ``expiry_notified_at`` before its email goes, so two sweeps running at once, or
    a sweep run again, never send it twice; a crash between the claim and the email loses
    that one notice rather than repeating it. Revoked, suspended and retired awards are skipped.
    """
    days = conf.get("OPENEDX_BADGES_EXPIRY_NOTICE_DAYS") or 0
    if days <= 0:
        return 0
    now = now or timezone.now()
    due = (Award.objects.filter(expiry_notified_at__isnull=True, user__isnull=False, revoked=False, suspended=False,
                                valid_until__gt=now, valid_until__lte=now + timedelta(days=days))
           .order_by("valid_until", "id").values_list("pk", flat=True)[:limit])
    sent = 0
    for pk in list(due):
        if not Award.objects.filter(pk=pk, expiry_notified_at__isnull=True).update(expiry_notified_at=now):
            continue  # another sweep took it
        award = Award.objects.select_related("badge_class__issuer", "user").get(pk=pk)
        if notifications.notify_expiring(award):
            sent += 1
    return sent


def sweep_announcements(limit=1000):
    """Send the follow-ups of awards whose run was interrupted (older than the lease, never announced)."""
    stale = timezone.now() - ANNOUNCE_LEASE
    awards = (Award.objects.filter(announced_at__isnull=True, revoked=False, created__lt=stale)
              .select_related("badge_class__issuer", "user").order_by("id")[:limit])
    sent = 0
    for award in awards:
        try:
            sent += bool(deliver_announcements(award))
        except DatabaseError:
            break  # the database is down again: the next sweep goes on
    return sent


def evaluate_learner(user_id, course_key, trigger, rule_ids=None):
    """
    Evaluate the rules of ``course_key`` for the learner and award what is met.

    Returns the awards made. Pathway rules that count a newly earned badge are
    evaluated in the same run, so a pathway completes the moment its last part does.
    """
    if rule_ids is None:
        # Only the rules that read what changed (the trigger's interests, set by the receivers;
        # a trigger without them, from elsewhere, evaluates every rule of the course).
        interests = trigger.get("interests") if isinstance(trigger, dict) else None
        rule_ids = rule_index.rules_for_course(course_key, interests) if course_key else \
            set(BadgeRule.objects.filter(enabled=True).values_list("id", flat=True))
        if not rule_ids:
            return []  # nothing here reads what changed: no query, no platform read
    user = compat.get_user(user_id)
    if user is None:
        log.info("Badge evaluation for unknown user %s skipped.", user_id)
        return []
    # follow-ups an interrupted run of this learner left unsent (this run may be its retry)
    unsent = Award.objects.filter(user_id=user.id, announced_at__isnull=True, revoked=False)
    for award in unsent.select_related("badge_class__issuer"):
        announce(award)
    held = Award.objects.held_badge_uuids(user)
    pending = list(_load_rules(rule_ids))
    names = _block_names(set().union(*(rules.courses_naming_blocks(rule.condition) for rule in pending)),
                         cached=True)
    ctx = rules.Context(user, held_badges=held, block_names=names, scores=_carried_scores(course_key, trigger),
                        runs=_known_runs(course_key, trigger))
    made, seen, steps = [], set(), 0
    while pending and steps < MAX_PATHWAY_STEPS:
        rule = pending.pop(0)
        steps += 1
        if rule.id in seen or str(rule.badge_class.uuid) in held:
            continue
        seen.add(rule.id)
        try:
            outcome = rules.evaluate(rule.condition, ctx)
            if not outcome.met:
                course_progress.record(rule.badge_class, user, outcome)  # the course team's "in progress"
                continue
            issuing.reserve_slots(rule.badge_class.issuer)  # outside the award's transaction (see there)
            # award_badge's own transaction is the award's (no savepoint inside another); the
            # follow-ups, registered on commit, then run as soon as award_for_rule has made it
            award = award_for_rule(rule, user, outcome, trigger)
        except DatabaseError:
            raise  # the whole evaluation is retried (tasks.EvaluationTask); nothing is lost
        except Exception as exc:  # pylint: disable=broad-except  (one rule never blocks the others)
            keep_failed(rule, user.id, course_key, trigger, exc)
            continue
        if award is None:
            continue
        made.append(award)
        held.add(str(rule.badge_class.uuid))
        pending.extend(_load_rules(rule_index.rules_for_badge(rule.badge_class.uuid) - seen))
    return made


def keep_failed(rule, user_id, course_key, trigger, exc):
    """
    Keep a rule's failed award as a PendingEvaluation carrying its error, one per learner
    and rule, for the admin's retry once the badge is fixed. The periodic sweep leaves
    these alone: the same badge would fail the same way until someone changes it.
    """
    log.exception("Awarding badge %s (rule %s) to user %s failed; kept for a retry.",
                  rule.badge_class.uuid, rule.id, user_id)
    message = f"{type(exc).__name__}: {exc}"[:1000]
    with transaction.atomic():
        kept, created = PendingEvaluation.objects.get_or_create(
            user_id=user_id, rule=rule,
            defaults={"course_key": course_key or "", "last_error": message,
                      "trigger": dict(trigger or {}, rule_ids=[rule.id])})
        if not created:
            PendingEvaluation.objects.filter(pk=kept.pk).update(attempts=kept.attempts + 1, last_error=message)


def _load_rules(rule_ids):
    if not rule_ids:
        return []
    return (BadgeRule.objects.filter(id__in=list(rule_ids), enabled=True, badge_class__active=True)
            .select_related("badge_class__issuer").order_by("id"))


def certificate_revoked(user_id, course_key, trigger):
    """Revoke the badges whose rules required a certificate in this course, if the operator wants that."""
    if not conf.get("OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE"):
        return []
    user = compat.get_user(user_id)
    if user is None:
        return []
    cert = compat.certificate(user, course_key)
    if cert is not None and cert.status == "downloadable":
        return []  # re-issued since: the event is stale
    revoked = []
    for rule in _load_rules(rule_index.rules_for_course(course_key)):
        needs_certificate = rules.reads_certificate(rule.condition, course_key)
        award = issuing.current_award(rule.badge_class, user)
        if needs_certificate and award is not None and award.state() == "earned":
            revoked.append(revoke(award, "The course certificate this badge required was revoked."))
    return revoked


def revoke(award, reason, *, notify=True):
    """
    Revoke for good (the status bit is final); a mistaken revocation is undone by ``reinstate``.
    The learner is emailed why, unless ``notify`` is False: a revocation that only replaces the
    credential (re-issue, key compromise) is no news to them.
    """
    award = issuing.revoke_award(award, reason)
    transaction.on_commit(lambda: events.badge_revoked(award))
    if notify:
        transaction.on_commit(lambda: notifications.notify_revoked(award))
    transaction.on_commit(lambda: _backpacks("queue_revocations", award))
    return award


def _backpacks(action, award, database_errors_raise=False):
    """
    Queue backpack pushes or revocations; whatever goes wrong there never touches the award.
    ``database_errors_raise``: the caller (deliver_announcements) retries those.
    """
    try:

        getattr(services, action)(award)
    except DatabaseError:
        if database_errors_raise:
            raise
        log.exception("Backpack %s failed for award %s.", action, award.pk)
    except Exception:  # pylint: disable=broad-except
        log.exception("Backpack %s failed for award %s.", action, award.pk)


def progress(badge_class, user):
    """The learner's progress towards a badge, computed here (the block shows it)."""
    rule = BadgeRule.objects.filter(badge_class=badge_class, enabled=True).first()
    award = issuing.current_award(badge_class, user) if user is not None else None
    state = award.state() if award else "none"
    if rule is None:
        return {"state": state, "award": award, "items": [], "met": False}
    names = _block_names(rules.referenced_courses(rule.condition))
    ctx = rules.Context(user, held_badges=lambda: Award.objects.held_badge_uuids(user), block_names=names)
    outcome = rules.evaluate(rule.condition, ctx)
    return {"state": state, "award": award, "items": outcome.progress, "met": outcome.met}


def manual_award(badge_class, user, *, staff_user, reason, evidence=None):
    """Staff award with a reason; allowed after a revocation (a new credential), recorded as such."""
    provenance = {"source": "staff", "by": getattr(staff_user, "username", str(staff_user)), "reason": reason,
                  "time": timezone.now().isoformat()}
    with transaction.atomic():
        award, created = issuing.award_badge(badge_class, user, evidence=evidence or [],
                                             provenance=provenance, after_revocation=True)
        if created:
            announce(award)
    return award, created


def suspend(award, reason):
    """A reversible hold (its own status list); the learner's rules do not award it again meanwhile."""
    held = issuing.suspend_award(award, reason)  # openedx-events has no "suspended" signal to send
    transaction.on_commit(lambda: tracking.suspended(held))
    return held


def reinstate(award, *, staff_user, reason="Reinstated."):
    """
    Undo a hold, or a revocation made in error. A suspension is lifted on the same
    credential. A revocation is final for the credential that carried it, so a revoked
    award is followed by a new award (a new credential, with its own status bits) that
    keeps the old one's evidence and says where it came from. Returns ``(award, created)``.
    """
    if not award.revoked:
        lifted = issuing.reinstate_award(award)
        transaction.on_commit(lambda: tracking.reinstated(lifted))
        return lifted, False
    if award.user is None:
        raise issuing.NotReversible("The learner's account was retired: there is no one to award it to.")
    return manual_award(award.badge_class, award.user, staff_user=staff_user, evidence=award.evidence,
                        reason=f"{reason} (reinstates revoked award {award.uuid})")
