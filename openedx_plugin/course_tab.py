"""
The "Badges" course tab (entry point ``openedx.course_tab``).

Dynamic, so it appears without authors adding it to the course's tab list, and
only where there is something to show: a course with active badges, a signed-in
learner. In the LMS it is an ``EnrolledTab`` (course access is checked there);
elsewhere ``compat`` gives a stand-in base with the same attributes.
"""

from django.utils.translation import gettext_noop

from . import compat


class BadgesCourseTab(compat.enrolled_tab_base()):
    """Links a course to the page listing its badges with the learner's progress."""

    type = "openedx_badges"
    # Translated when the LMS renders the tab (as its own tab titles are).
    title = gettext_noop("Badges")
    priority = 70
    view_name = "openedx_badges:course-badges"
    is_dynamic = True
    is_hideable = False
    is_default = False

    @classmethod
    def is_enabled(cls, course, user=None):
        if user is None or not user.is_authenticated:
            return False
        if compat.is_course_staff(user, str(course.id)):
            return True  # the course team reaches the badge dashboard from here, even before any badge exists
        if not super().is_enabled(course, user=user):
            return False
        from .models import BadgeClass  # pylint: disable=import-outside-toplevel  (loaded before apps are ready)

        return BadgeClass.objects.filter(course_key=str(course.id), active=True).exists()
