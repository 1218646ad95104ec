"""
What a learner does in the stand-in LMS, and the signals each action emits.

Each action sends what edx-platform sends, in the same order and with the same
argument names, so the badge plugin's receivers see the demo exactly as they
would see the LMS:

answer_problem
    ``PROBLEM_WEIGHTED_SCORE_CHANGED`` (string keys, like the LMS's score handler),
    then the problem's ``BlockCompletion`` post_save (edx-completion's receiver of that
    signal records it in the LMS), ``SUBSECTION_SCORE_CHANGED``
    (sent by the LMS's recalculate_subsection_grade task), then the course grade
    update of ``CourseGradeFactory._update``: ``COURSE_GRADE_PASSED_FIRST_TIME`` (once,
    when ``passed_timestamp`` is first set), ``PERSISTENT_GRADE_SUMMARY_CHANGED``,
    ``COURSE_GRADE_NOW_PASSED`` / ``COURSE_GRADE_NOW_FAILED`` (on every recalculation,
    as in the LMS) each followed by ``COURSE_PASSING_STATUS_UPDATED``, and, when a
    passing learner has no certificate yet, ``CERTIFICATE_CREATED``.
view_block
    the html block's ``BlockCompletion`` post_save.
revoke_certificate
    ``CERTIFICATE_REVOKED``.
enroll
    ``COURSE_ENROLLMENT_CREATED`` for a new enrollment.

A learner enrolled in a CCX of the course (``enroll(..., ccx=...)``) takes the course
under the CCX's key, as in the LMS (contract rows P17-P19): their scores, grade and
completions are kept under it, every signal names the CCX's course key and its
``ccx-block-v1:`` block keys, and the passing status goes out as
``CCX_COURSE_PASSING_STATUS_UPDATED`` (lms/djangoapps/grades/events.py).

Every action runs in ``transaction.atomic()`` like an LMS request, so receivers'
``transaction.on_commit`` work happens once it commits.
"""

from types import SimpleNamespace

from completion.models import BlockCompletion
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning.data import (
    CcxCourseData,
    CcxCoursePassingStatusData,
    CertificateData,
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_PASSING_STATUS_UPDATED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)

from . import platform
from openedx_plugin import compat

from .models import (
    CourseAccessRole,
    CustomCourseForEdX,
    Enrollment,
    GeneratedCertificate,
    PersistentCourseGrade,
    ProblemScore,
)

# Modes the LMS issues certificates for (audit learners are not eligible).
CERTIFICATE_MODES = ("verified", "professional", "no-id-professional", "honor", "masters", "credit")


def user_data(user):
    return UserData(id=user.id, is_active=user.is_active,
                    pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()))


def course_data(course, ccx_key=""):
    """What the LMS fills in CourseData: the course key only (a CCX learner's: the CCX's)."""
    return CourseData(course_key=CourseKey.from_string(ccx_key or course.course_key))


def learner_run(user, course):
    """
    The CCX key under which the learner takes ``course`` (their active CCX enrollment), or
    ``""`` for the course itself: in the LMS a CCX's learners open its courseware under the
    CCX's course key, and everything they do is kept under it.
    """
    return (Enrollment.objects.filter(user=user, course=course, is_active=True).exclude(ccx_key="")
            .order_by("-id").values_list("ccx_key", flat=True).first() or "")


def run_usage_key(ccx_key, usage_key):
    """The block's key in the learner's run: the CCX's ``ccx-block-v1:`` key in a CCX (``restore_ccx``)."""
    return compat.ccx_usage_key(ccx_key, usage_key) if ccx_key else usage_key


def mark_complete(user, block, ccx_key=""):
    """
    Record completion with edx-completion's own ``BlockCompletion.objects.submit_completion``,
    as the LMS does (its scorable-block receiver, the completion service): nothing is
    recorded unless the waffle switch ``completion.enable_completion_tracking`` is on
    (it raises RuntimeError then, as in the LMS); a row is saved, and ``post_save`` sent,
    only when it is new or its value changes.
    """
    # In a CCX the block's key is the CCX's, so its context_key is the CCX (row P19).
    row, _created = BlockCompletion.objects.submit_completion(
        user=user, block_key=UsageKey.from_string(run_usage_key(ccx_key, block.usage_key)), completion=1.0)
    return row


def answer_problem(user, block, choice_index):
    """Grade the learner's choice on a problem and run the LMS's grading chain; returns the ProblemScore."""
    if block.block_type != "problem":
        raise ValueError(f"{block.usage_key} is not a problem")
    course = block.course
    with transaction.atomic():
        ccx_key = learner_run(user, course)
        now = timezone.now()
        earned = block.max_points if block.correct is not None and int(choice_index) == block.correct else 0.0
        score, _ = ProblemScore.objects.update_or_create(
            user=user, block=block, ccx_key=ccx_key,
            defaults={"earned": earned, "possible": block.max_points, "modified": now})
        platform.PROBLEM_WEIGHTED_SCORE_CHANGED.send(
            sender=None, weighted_earned=earned, weighted_possible=block.max_points, user_id=user.id,
            anonymous_user_id=None, course_id=ccx_key or course.course_key,
            usage_id=run_usage_key(ccx_key, block.usage_key),
            only_if_higher=False, modified=now, score_deleted=False, grading_policy_hash="",
            score_db_table="csm")
        # In the LMS, edx-completion's receiver of that signal records the scored block's
        # completion (scorable_block_completion); the stand-in does the same right after.
        mark_complete(user, block, ccx_key)
        tree = platform.CourseTree(course)
        scores = platform.learner_scores(user, course, ccx_key)
        sequential = tree.ancestor(tree.by_key[block.usage_key], "sequential")
        if sequential is not None:
            _send_subsection_changed(user, course, tree, scores, sequential, ccx_key)
        update_course_grade(user, course, tree, scores, ccx_key=ccx_key)
    return score


def _course_descriptor(course, ccx_key=""):
    """What the LMS passes as ``course``: the course block, whose ``id`` is the CourseKey (a CCX's in a CCX)."""
    course_key = CourseKey.from_string(ccx_key or course.course_key)
    return SimpleNamespace(id=course_key, location=course_key.make_usage_key("course", "course"),
                           display_name=course.display_name, end=None)


def _send_subsection_changed(user, course, tree, scores, sequential, ccx_key=""):
    """SUBSECTION_SCORE_CHANGED with a SubsectionGrade-like object: location (UsageKey), graded_total, all_total."""
    graded_total = platform.total(tree, sequential, scores) or platform.Score(0.0, 0.0)
    all_total = platform.total(tree, sequential, scores, graded_only=False) or platform.Score(0.0, 0.0)
    subsection_grade = SimpleNamespace(
        location=UsageKey.from_string(run_usage_key(ccx_key, sequential["usage_key"])),
        display_name=sequential["display_name"],
        graded=sequential["graded"],
        graded_total=SimpleNamespace(earned=graded_total.earned, possible=graded_total.possible, graded=True),
        all_total=SimpleNamespace(earned=all_total.earned, possible=all_total.possible, graded=sequential["graded"]),
    )
    platform.SUBSECTION_SCORE_CHANGED.send(sender=None, course=_course_descriptor(course, ccx_key),
                                           course_structure=None, user=user, subsection_grade=subsection_grade)


def update_course_grade(user, course, tree=None, scores=None, ccx_key=None):
    """
    Persist the course grade and send what PersistentCourseGrade.update_or_create and
    CourseGradeFactory send; a CCX learner's grade is kept and announced under the CCX's key.
    """
    ccx_key = learner_run(user, course) if ccx_key is None else ccx_key
    tree = tree or platform.CourseTree(course)
    scores = platform.learner_scores(user, course, ccx_key) if scores is None else scores
    grade = platform.compute_grade(tree, scores)
    course_key = CourseKey.from_string(ccx_key or course.course_key)
    persisted, _ = PersistentCourseGrade.objects.update_or_create(
        user=user, course=course, ccx_key=ccx_key,
        defaults={"percent_grade": grade.percent, "letter_grade": "Pass" if grade.passed else ""})
    if grade.passed and not persisted.passed_timestamp:
        platform.COURSE_GRADE_PASSED_FIRST_TIME.send(sender=None, course_id=course_key, user_id=user.id)
        persisted.passed_timestamp = timezone.now()
        persisted.save(update_fields=["passed_timestamp", "modified"])
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(grade=PersistentCourseGradeData(
        user_id=user.id, course=course_data(course, ccx_key), course_edited_timestamp=course.modified,
        course_version="",
        grading_policy_hash="", percent_grade=persisted.percent_grade, letter_grade=persisted.letter_grade,
        passed_timestamp=persisted.passed_timestamp))
    # CourseGradeFactory._update: send(), not send_robust(), with the factory as sender.
    if grade.passed:
        platform.COURSE_GRADE_NOW_PASSED.send(sender=platform.CourseGradeFactory, user=user, course_id=course_key)
    else:
        platform.COURSE_GRADE_NOW_FAILED.send(sender=platform.CourseGradeFactory, user=user, course_id=course_key)
    if ccx_key:  # grades/events.py _emit_course_passing_status_update: the CCX event for a CCX key
        CCX_COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CcxCoursePassingStatusData(
            is_passing=grade.passed, user=user_data(user),
            course=CcxCourseData(ccx_course_key=course_key, master_course_key=course_key.to_course_locator())))
    else:
        COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
            is_passing=grade.passed, course=course_data(course), user=user_data(user)))
    if grade.passed:
        issue_certificate(user, course, grade.percent)
    return grade


def issue_certificate(user, course, percent):
    """
    The LMS's certificate generation on passing: a certificate in the learner's
    enrollment mode, once; a revoked one stays revoked (as an invalidation does).
    """
    # Certificates stay the master course's here (CCX certificates are not part of the contract).
    enrollment = Enrollment.objects.filter(user=user, course=course, is_active=True).order_by("id").first()
    if enrollment is None or enrollment.mode not in CERTIFICATE_MODES:
        return None
    cert, created = GeneratedCertificate.objects.get_or_create(
        user=user, course=course,
        defaults={"mode": enrollment.mode, "status": GeneratedCertificate.DOWNLOADABLE, "grade": f"{percent:.2f}"})
    if created:
        CERTIFICATE_CREATED.send_event(certificate=_certificate_data(cert))
    return cert


def _certificate_data(cert, previous_status=""):
    return CertificateData(user=user_data(cert.user), course=course_data(cert.course), mode=cert.mode,
                           grade=cert.grade, download_url="", name=cert.user.get_full_name(),
                           current_status=cert.status, previous_status=previous_status)


def view_block(user, block):
    """A learner saw an html block: it is complete (the completion service's view tracking)."""
    with transaction.atomic():
        return mark_complete(user, block, learner_run(user, block.course))


def revoke_certificate(user, course):
    """Invalidate the learner's certificate, as GeneratedCertificate.invalidate does; returns it or None."""
    with transaction.atomic():
        cert = GeneratedCertificate.objects.select_for_update().filter(user=user, course=course).first()
        if cert is None or cert.status == GeneratedCertificate.UNAVAILABLE:
            return cert
        previous = cert.status
        cert.status = GeneratedCertificate.UNAVAILABLE
        cert.grade = ""
        cert.save(update_fields=["status", "grade", "modified"])
        CERTIFICATE_REVOKED.send_event(certificate=_certificate_data(cert, previous_status=previous))
    return cert


def grant_role(user, course, role=CourseAccessRole.STAFF):
    """Give ``user`` a course role (staff or instructor) in one course, as Studio's course team page does."""
    return CourseAccessRole.objects.get_or_create(user=user, course_id=course.course_key, role=role,
                                                  defaults={"org": CourseKey.from_string(course.course_key).org})[0]


def enroll(user, course, mode="verified", ccx=None):
    """
    Enroll (or change mode); a new enrollment sends COURSE_ENROLLMENT_CREATED as the LMS does.
    ``ccx`` (a ``CustomCourseForEdX`` of ``course``): enroll under the CCX's key, as the coach's
    enrollment (``enroll_email(ccx_key, …)``) does.
    """
    ccx_key = str(ccx.locator) if ccx is not None else ""
    with transaction.atomic():
        enrollment, created = Enrollment.objects.update_or_create(
            user=user, course=course, ccx_key=ccx_key, defaults={"mode": mode, "is_active": True})
        if created:
            COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(
                user=user_data(user), course=course_data(course, ccx_key), mode=mode, is_active=True,
                creation_date=enrollment.created))
    return enrollment


def create_ccx(course, coach=None, display_name="CCX"):
    """A CCX of ``course`` (the coach's 'Create a CCX'): its key is ``ccx.locator``."""
    return CustomCourseForEdX.objects.create(course_id=course.course_key, coach=coach, display_name=display_name)
