"""
Receivers of platform signals, connected through ``plugin_app['signals_config']``.

They run inside the LMS's request or grading task, so each does only cheap work:
look the course up in the in-memory rule index and, if a rule cares, queue an
evaluation once the transaction commits. Deciding is the task's job, on
authoritative data; nothing here trusts the payload beyond who and where.

Several of these signals are sent with ``send()``, not ``send_robust()``
(PROBLEM_WEIGHTED_SCORE_CHANGED, COURSE_GRADE_NOW_PASSED, USER_RETIRE_LMS_MISC; and
every openedx-event under DEBUG), so an exception raised here would abort the
learner's grading, a certificate save or a retirement step. No exception of ours
leaves a receiver: it is logged, what must be retried is kept as a
``PendingEvaluation`` for the sweeper, and the platform carries on.
"""

import functools
import logging

from django.db import transaction
from django.utils import timezone

from . import compat, tasks
from .awards import rule_index
from .backpacks import services as backpacks
from .course_team import services as course_team_services
from .models import Award, LearnerProfile, PendingEvaluation
from .persistence import binding

log = logging.getLogger(__name__)


def _metadata(kwargs, name):
    metadata = kwargs.get("metadata")
    trigger = {"event": name, "time": timezone.now().isoformat()}
    if metadata is not None:
        trigger["event_id"] = str(getattr(metadata, "id", ""))
        trigger["time"] = getattr(metadata, "time", timezone.now()).isoformat()
    return trigger


def request_evaluation(user_id, course_key, interest, trigger):
    """
    Queue an evaluation after commit if some rule of the course cares about ``interest``.

    A CCX course's events count for its master course, where the badges are defined.
    If the rule lookup or the queueing fails (database, cache), the evaluation is kept
    as a PendingEvaluation for the sweeper; the failure never reaches the sender.
    """
    if user_id is None or not course_key:
        return False
    # The run the event came from (a CCX's key for a CCX learner): the evaluation reads the
    # learner's grades and completions under it (rules.Context.run), without asking.
    trigger.setdefault("course_run", str(course_key))
    course_key = compat.master_course_key(course_key)
    try:
        # No savepoint here: the common case (no rule cares) must cost no query at all.
        if not rule_index.cares(course_key, interest):
            return False

        # What changed: the task evaluates only the rules that read it (awarding.evaluate_learner).
        trigger["interests"] = [interest]
        tasks.enqueue_on_commit(int(user_id), course_key, trigger)
    except Exception as exc:  # pylint: disable=broad-except
        log.exception("Open Badges could not queue an evaluation of user %s in %s; kept for the sweeper.",
                      user_id, course_key)
        keep_pending(user_id, course_key, trigger, exc)
        return False
    return True


def keep_pending(user_id, course_key, trigger, exc):
    """Store the evaluation for the sweeper (``sweep_pending``); if even that fails, the log is all there is."""

    try:
        with transaction.atomic():
            PendingEvaluation.objects.create(user_id=int(user_id), course_key=course_key, trigger=dict(trigger),
                                             last_error=f"{type(exc).__name__}: {exc}"[:1000])
    except Exception:  # pylint: disable=broad-except
        log.exception("Open Badges could not keep the evaluation of user %s in %s either.", user_id, course_key)


def _guard(receiver):
    """
    Whatever goes wrong in ``receiver`` is logged and stays here.

    A malformed payload (AttributeError, KeyError, ...) is a warning; anything else
    (a database or cache failure, a bug of ours) is logged with its traceback. The
    sender (grading, a certificate save, a retirement step) always carries on.
    """
    @functools.wraps(receiver)
    def wrapped(*args, **kwargs):
        try:
            return receiver(*args, **kwargs)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("Open Badges ignored a malformed %s signal: %s", receiver.__name__, exc)
        except Exception:  # pylint: disable=broad-except
            log.exception("Open Badges: %s failed; the platform's own work carries on.", receiver.__name__)
        return None
    return wrapped


# --- openedx-events ---------------------------------------------------------------------------


@_guard
def on_course_passing_status(signal=None, sender=None, course_passing_status=None, **kwargs):
    """COURSE_PASSING_STATUS_UPDATED (and the CCX variant): fired on every grade recalculation."""
    course = course_passing_status.course
    # CcxCourseData carries ccx_course_key and master_course_key; rules live on the master
    # (request_evaluation maps the CCX key to it), the learner's grade is kept under the CCX's.
    course_key = (getattr(course, "course_key", None) or getattr(course, "ccx_course_key", None)
                  or getattr(course, "master_course_key", None))
    request_evaluation(course_passing_status.user.id, str(course_key), "grade",
                       _metadata(kwargs, "COURSE_PASSING_STATUS_UPDATED"))


@_guard
def on_persistent_grade(signal=None, sender=None, grade=None, **kwargs):
    """PERSISTENT_GRADE_SUMMARY_CHANGED."""
    request_evaluation(grade.user_id, str(grade.course.course_key), "grade",
                       _metadata(kwargs, "PERSISTENT_GRADE_SUMMARY_CHANGED"))


@_guard
def on_certificate(signal=None, sender=None, certificate=None, **kwargs):
    """CERTIFICATE_CREATED / CERTIFICATE_CHANGED."""
    request_evaluation(certificate.user.id, str(certificate.course.course_key), "certificate",
                       _metadata(kwargs, "CERTIFICATE_CHANGED"))


@_guard
def on_certificate_revoked(signal=None, sender=None, certificate=None, **kwargs):
    """CERTIFICATE_REVOKED: optionally revoke the badges that required that certificate."""
    course_key = compat.master_course_key(str(certificate.course.course_key))
    trigger = _metadata(kwargs, "CERTIFICATE_REVOKED")
    try:
        if not rule_index.cares(course_key, "certificate"):
            return

        tasks.on_commit_certificate_revoked(certificate.user.id, course_key, trigger)
    except Exception as exc:  # pylint: disable=broad-except
        # The sweeper runs a kept CERTIFICATE_REVOKED trigger as a revocation (tasks.sweep_pending).
        log.exception("Open Badges could not queue the certificate revocation of user %s in %s; kept.",
                      certificate.user.id, course_key)
        keep_pending(certificate.user.id, course_key, trigger, exc)


# --- the platform's internal signals (no stability contract; hooked by string path) ------------


@_guard
def on_problem_score(sender=None, user_id=None, course_id=None, usage_id=None, **kwargs):
    """
    PROBLEM_WEIGHTED_SCORE_CHANGED.

    The platform sends it once the problem's score is stored, with that score's weighted
    points (contract row S1), so the evaluation takes a score rule's points on this very
    problem from here instead of reading them back: no platform read for the commonest
    rule. A deleted score, or points that are not numbers, are read as before.
    """
    trigger = {"event": "PROBLEM_WEIGHTED_SCORE_CHANGED", "block": str(usage_id), "time": timezone.now().isoformat()}
    earned, possible = kwargs.get("weighted_earned"), kwargs.get("weighted_possible")
    if (not kwargs.get("score_deleted") and isinstance(earned, (int, float)) and isinstance(possible, (int, float))
            and not isinstance(earned, bool) and not isinstance(possible, bool)):
        trigger["scores"] = {str(usage_id): [float(earned), float(possible)]}
    request_evaluation(user_id, str(course_id), "score", trigger)


@_guard
def on_subsection_score(sender=None, course=None, user=None, subsection_grade=None, **kwargs):
    """SUBSECTION_SCORE_CHANGED (sent from a celery task in the LMS)."""
    course_key = getattr(course, "id", None) or getattr(course, "course_key", None)
    trigger = {"event": "SUBSECTION_SCORE_CHANGED", "block": str(getattr(subsection_grade, "location", "")),
               "time": timezone.now().isoformat()}
    request_evaluation(user.id, str(course_key), "score", trigger)


@_guard
def on_course_grade_passed(sender=None, user_id=None, course_id=None, user=None, **kwargs):
    """COURSE_GRADE_PASSED_FIRST_TIME (user_id) and COURSE_GRADE_NOW_PASSED (user)."""
    request_evaluation(user_id if user_id is not None else getattr(user, "id", None), str(course_id), "grade",
                       {"event": "COURSE_GRADE_PASSED", "time": timezone.now().isoformat()})


@_guard
def on_block_completion(sender=None, instance=None, **kwargs):
    """post_save of completion's BlockCompletion (completion tracking switched on)."""
    if instance is None or getattr(instance, "completion", 0) < 1.0:
        return
    trigger = {"event": "BLOCK_COMPLETION", "block": str(instance.block_key), "time": timezone.now().isoformat()}
    request_evaluation(instance.user_id, str(instance.context_key), "completion", trigger)


@_guard
def on_user_retired(sender=None, user=None, **kwargs):  # pylint: disable=unused-argument
    """
    Unlink a retired learner from their awards, and take down their public profile page.

    The credentials stay verifiable: they name the learner only by a salted
    hash of the email, which the learner can still prove with the salt.

    All or nothing, in a savepoint: if a step fails, nothing of ours changed, and the
    platform's retirement step carries on; the guard logs the failure with its
    traceback, so the operator can unlink the awards later (the user id is in the log).
    """
    if user is None:
        return

    with transaction.atomic():
        backpacks.retire_user(user)  # their backpack connections and tokens go
        binding.forget_user(user)  # issue 21 hook: the DIDs their badges were bound to go
        LearnerProfile.objects.filter(user=user).delete()  # their public profile page is switched off for good
        course_team_services.forget_user(user)  # issue 18: the course team's history keeps no name of theirs
        count = Award.objects.filter(user=user).update(user=None)
        PendingEvaluation.objects.filter(user_id=user.id).delete()
    log.info("Unlinked %d badge awards from a retired user.", count)
