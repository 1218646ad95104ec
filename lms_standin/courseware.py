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

Every action runs in ``transaction.atomic()`` like an LMS request, so receivers'
``transaction.on_commit`` work happens once it commits.
"""

from types import SimpleNamespace

from completion.models import BlockCompletion
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_PASSING_STATUS_UPDATED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)

from . import platform
from .models import CourseAccessRole, Enrollment, GeneratedCertificate, PersistentCourseGrade, ProblemScore

# Modes the LMS issues certificates for (audit learners are not eligible).
CERTIFICATE_MODES = ("verified", "professional", "no-id-professional", "honor", "masters", "credit")


def user_data(user):
    return UserData(id=user.id, is_active=user.is_active,
                    pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()))


def course_data(course):
    """What the LMS fills in CourseData: the course key only."""
    return CourseData(course_key=CourseKey.from_string(course.course_key))


def mark_complete(user, block):
    """
    Record completion with edx-completion's own ``BlockCompletion.objects.submit_completion``,
    as the LMS does (its scorable-block receiver, the completion service): nothing is
    recorded unless the waffle switch ``completion.enable_completion_tracking`` is on
    (it raises RuntimeError then, as in the LMS); a row is saved, and ``post_save`` sent,
    only when it is new or its value changes.
    """
    row, _created = BlockCompletion.objects.submit_completion(
        user=user, block_key=UsageKey.from_string(block.usage_key), completion=1.0)
    return row


def answer_problem(user, block, choice_index):
    """Grade the learner's choice on a problem and run the LMS's grading chain; returns the ProblemScore."""
    if block.block_type != "problem":
        raise ValueError(f"{block.usage_key} is not a problem")
    course = block.course
    with transaction.atomic():
        now = timezone.now()
        earned = block.max_points if block.correct is not None and int(choice_index) == block.correct else 0.0
        score, _ = ProblemScore.objects.update_or_create(
            user=user, block=block, defaults={"earned": earned, "possible": block.max_points, "modified": now})
        platform.PROBLEM_WEIGHTED_SCORE_CHANGED.send(
            sender=None, weighted_earned=earned, weighted_possible=block.max_points, user_id=user.id,
            anonymous_user_id=None, course_id=course.course_key, usage_id=block.usage_key,
            only_if_higher=False, modified=now, score_deleted=False, grading_policy_hash="",
            score_db_table="csm")
        # In the LMS, edx-completion's receiver of that signal records the scored block's
        # completion (scorable_block_completion); the stand-in does the same right after.
        mark_complete(user, block)
        tree = platform.CourseTree(course)
        scores = platform.learner_scores(user, course)
        sequential = tree.ancestor(tree.by_key[block.usage_key], "sequential")
        if sequential is not None:
            _send_subsection_changed(user, course, tree, scores, sequential)
        update_course_grade(user, course, tree, scores)
    return score


def _course_descriptor(course):
    """What the LMS passes as ``course``: the course block, whose ``id`` is the CourseKey."""
    course_key = CourseKey.from_string(course.course_key)
    return SimpleNamespace(id=course_key, location=course_key.make_usage_key("course", "course"),
                           display_name=course.display_name, end=None)


def _send_subsection_changed(user, course, tree, scores, sequential):
    """SUBSECTION_SCORE_CHANGED with a SubsectionGrade-like object: location (UsageKey), graded_total, all_total."""
    graded_total = platform.total(tree, sequential, scores) or platform.Score(0.0, 0.0)
    all_total = platform.total(tree, sequential, scores, graded_only=False) or platform.Score(0.0, 0.0)
    subsection_grade = SimpleNamespace(
        location=UsageKey.from_string(sequential["usage_key"]), display_name=sequential["display_name"],
        graded=sequential["graded"],
        graded_total=SimpleNamespace(earned=graded_total.earned, possible=graded_total.possible, graded=True),
        all_total=SimpleNamespace(earned=all_total.earned, possible=all_total.possible, graded=sequential["graded"]),
    )
    platform.SUBSECTION_SCORE_CHANGED.send(sender=None, course=_course_descriptor(course), course_structure=None,
                                           user=user, subsection_grade=subsection_grade)


def update_course_grade(user, course, tree=None, scores=None):
    """Persist the course grade and send what PersistentCourseGrade.update_or_create and CourseGradeFactory send."""
    tree = tree or platform.CourseTree(course)
    scores = platform.learner_scores(user, course) if scores is None else scores
    grade = platform.compute_grade(tree, scores)
    course_key = CourseKey.from_string(course.course_key)
    persisted, _ = PersistentCourseGrade.objects.update_or_create(
        user=user, course=course,
        defaults={"percent_grade": grade.percent, "letter_grade": "Pass" if grade.passed else ""})
    if grade.passed and not persisted.passed_timestamp:
        platform.COURSE_GRADE_PASSED_FIRST_TIME.send(sender=None, course_id=course_key, user_id=user.id)
        persisted.passed_timestamp = timezone.now()
        persisted.save(update_fields=["passed_timestamp", "modified"])
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(grade=PersistentCourseGradeData(
        user_id=user.id, course=course_data(course), course_edited_timestamp=course.modified, course_version="",
        grading_policy_hash="", percent_grade=persisted.percent_grade, letter_grade=persisted.letter_grade,
        passed_timestamp=persisted.passed_timestamp))
    # CourseGradeFactory._update: send(), not send_robust(), with the factory as sender.
    if grade.passed:
        platform.COURSE_GRADE_NOW_PASSED.send(sender=platform.CourseGradeFactory, user=user, course_id=course_key)
    else:
        platform.COURSE_GRADE_NOW_FAILED.send(sender=platform.CourseGradeFactory, user=user, course_id=course_key)
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
    enrollment = Enrollment.objects.filter(user=user, course=course, is_active=True).first()
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
        return mark_complete(user, block)


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


def enroll(user, course, mode="verified"):
    """Enroll (or change mode); a new enrollment sends COURSE_ENROLLMENT_CREATED as the LMS does."""
    with transaction.atomic():
        enrollment, created = Enrollment.objects.update_or_create(
            user=user, course=course, defaults={"mode": mode, "is_active": True})
        if created:
            COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(
                user=user_data(user), course=course_data(course), mode=mode, is_active=True,
                creation_date=enrollment.created))
    return enrollment
