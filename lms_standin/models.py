"""
Minimal courseware of the stand-in LMS.

Just enough of the LMS's data (course structure, problem scores, persistent
grades, certificates, enrollments, course roles) for the badge plugin's award
engine to be exercised end to end. Completion is not imitated: the stand-in
installs the platform's own ``completion`` app (edx-completion) and records
with its ``BlockCompletion`` model, as the LMS does. Keys are stored as strings; the LMS's
``CourseKeyField``/``UsageKeyField`` hold the same serialisations.
"""

from django.conf import settings
from django.db import models


class Course(models.Model):
    """A course run, the stand-in for the modulestore's course block and CourseOverview."""

    course_key = models.CharField(max_length=255, unique=True, help_text="e.g. course-v1:DemoX+BADGE101+2026")
    display_name = models.CharField(max_length=255)
    passing_grade = models.FloatField(default=0.6, help_text="Fraction (0..1) of the weighted grade needed to pass.")
    modified = models.DateTimeField(auto_now=True, help_text="The LMS's course 'edited_on', sent with grades.")

    def __str__(self):
        return self.course_key


class CourseBlock(models.Model):
    """One block of a course's tree: section (chapter), subsection (sequential), unit (vertical) or leaf."""

    BLOCK_TYPES = [(name, name) for name in ("chapter", "sequential", "vertical", "problem", "html", "badge_xblock")]
    LEAF_TYPES = ("problem", "html")  # the stand-in's own content types (COMPLETABLE, as in the LMS)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="blocks")
    usage_key = models.CharField(max_length=255, unique=True)
    block_type = models.CharField(max_length=32, choices=BLOCK_TYPES)
    display_name = models.CharField(max_length=255)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0)
    graded = models.BooleanField(default=False, help_text="Sequentials only: counts towards the course grade.")
    weight = models.FloatField(default=1.0, help_text="Sequentials only: weight in the course grade.")
    html = models.TextField(blank=True, help_text="html blocks: the content shown to learners.")
    question = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    correct = models.PositiveIntegerField(null=True, blank=True, help_text="Index of the correct choice.")
    max_points = models.FloatField(default=1.0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.usage_key


class ProblemScore(models.Model):
    """A learner's score on a problem (the LMS's courseware StudentModule grade)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    block = models.ForeignKey(CourseBlock, on_delete=models.CASCADE)
    earned = models.FloatField()
    possible = models.FloatField()
    modified = models.DateTimeField()
    # The course run the platform keeps this row under when it is a CCX's (its ``ccx-v1:`` key,
    # contract rows P17-P18); empty for the master course itself.
    ccx_key = models.CharField(max_length=255, blank=True, default="", db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "block", "ccx_key"], name="standin_score_user_block")]

    def __str__(self):
        return f"{self.user_id} {self.block_id}: {self.earned:g}/{self.possible:g}"


class PersistentCourseGrade(models.Model):
    """The learner's stored course grade; ``passed_timestamp`` is set once, on first passing, as in the LMS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    percent_grade = models.FloatField()
    letter_grade = models.CharField(max_length=255, blank=True)
    passed_timestamp = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)
    # The course run the platform keeps this row under when it is a CCX's (its ``ccx-v1:`` key,
    # contract rows P17-P18); empty for the master course itself.
    ccx_key = models.CharField(max_length=255, blank=True, default="", db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course", "ccx_key"], name="standin_grade_user_course")]

    def __str__(self):
        return f"{self.user_id} {self.course_id}: {self.percent_grade:.0%}"


class GeneratedCertificate(models.Model):
    """A course certificate; status ``downloadable`` when issued, ``unavailable`` once revoked."""

    DOWNLOADABLE = "downloadable"
    UNAVAILABLE = "unavailable"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    mode = models.CharField(max_length=32)
    status = models.CharField(max_length=32)
    grade = models.CharField(max_length=5, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="standin_certificate_user_course")]

    def __str__(self):
        return f"{self.user_id} {self.course_id}: {self.status} ({self.mode})"


class Enrollment(models.Model):
    """A learner's enrollment; its mode becomes the certificate's mode."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    mode = models.CharField(max_length=32, default="verified")
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    # The course run the platform keeps this row under when it is a CCX's (its ``ccx-v1:`` key,
    # contract rows P17-P18); empty for the master course itself.
    ccx_key = models.CharField(max_length=255, blank=True, default="", db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course", "ccx_key"],
                                               name="standin_enrollment_user_course")]

    def __str__(self):
        return f"{self.user_id} in {self.ccx_key or self.course_id} ({self.mode})"

    @property
    def course_key(self):
        """The enrollment's course key as the platform's ``CourseEnrollment.course_id``: the CCX's in a CCX."""
        return self.ccx_key or self.course.course_key


class CustomCourseForEdX(models.Model):
    """
    A CCX (custom course), as ``lms/djangoapps/ccx/models.py`` ``CustomCourseForEdX`` (contract
    row P17): ``course_id`` the master course's key, a ``coach``; its key is ``locator``,
    ``CCXLocator.from_course_locator(course_id, str(id))``. The CCX runs on the master course's
    content; its learners are enrolled, graded and completed under that key.
    """

    course_id = models.CharField(max_length=255, db_index=True, help_text="The master course's key.")
    display_name = models.CharField(max_length=255)
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)

    def __str__(self):
        return self.display_name or str(self.locator)

    @property
    def locator(self):
        from ccx_keys.locator import CCXLocator
        from opaque_keys.edx.keys import CourseKey

        return CCXLocator.from_course_locator(CourseKey.from_string(self.course_id), str(self.id))

class CourseAccessRole(models.Model):
    """
    A course (or organization) role, as ``common.djangoapps.student.models.CourseAccessRole``.

    ``student/roles.py`` in the platform: ``CourseStaffRole`` is role "staff" and
    ``CourseInstructorRole`` role "instructor" for one course_id; the Org* roles have an
    org and an empty course_id. The courseware's ``has_access(user, "staff", course)``
    grants course-team rights to global staff and to these roles only.
    """

    STAFF = "staff"
    INSTRUCTOR = "instructor"
    ROLES = [(STAFF, "Course staff"), (INSTRUCTOR, "Course instructor"), ("beta_testers", "Beta tester")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    org = models.CharField(max_length=64, blank=True, db_index=True)
    course_id = models.CharField(max_length=255, blank=True, db_index=True)
    role = models.CharField(max_length=64, choices=ROLES, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org", "course_id", "role"],
                                               name="standin_access_role_unique")]

    def __str__(self):
        return f"{self.user_id} {self.role} of {self.course_id or self.org}"


class TaxonomyOrg(models.Model):
    """
    Which organizations may use a tagging taxonomy, as the platform's
    ``openedx/core/djangoapps/content_tagging/models/base.py`` ``TaxonomyOrg`` (platform
    contract row G2): one row per (taxonomy, org, relationship); ``org`` empty (the platform's
    ``org=None``) means every organization. The platform's ``org`` is a foreign key to
    edx-organizations' ``Organization``; the stand-in has no such table and keeps the short name
    the platform compares (``org__short_name``). The taxonomy itself is the real
    ``openedx_tagging`` model.
    """

    OWNER = "OWN"

    taxonomy = models.ForeignKey("oel_tagging.Taxonomy", on_delete=models.CASCADE)
    org = models.CharField(max_length=255, blank=True, db_index=True,
                           help_text="Organization short name; empty: every organization.")
    rel_type = models.CharField(max_length=3, choices=[(OWNER, "owner")], default=OWNER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["taxonomy", "org", "rel_type"],
                                               name="standin_taxonomy_org_unique")]

    def __str__(self):
        return f"{self.taxonomy_id} for {self.org or 'every org'}"


from .xblock_models import XBlockFieldValue  # noqa: E402,F401  (XBlock field storage, see xblock_models.py)
