"""
Who may edit a pathway, and which badges they may pick.

Operators (the admin's change permission on badge classes) edit every pathway with any
badge of the site. A course team edits a pathway only when it is on the team of every
course involved (the pathway badge's own and each badge the pathway names, asked of the
platform through ``compat.is_course_staff``), and picks among its own courses' badges: a
badge of a course it is not on the team of would let it change what another course's
learners earn. An operator's badge (no course) is never a course team's.
"""

from .. import compat
from ..models import BadgeClass
from .forms import courses_involved


class CourseAccess:
    """One user's course-team rights, asked of the platform once per course in a request."""

    def __init__(self, user):
        self.user = user
        self._asked = {}

    def staff_of(self, course_key):
        if course_key not in self._asked:
            self._asked[course_key] = bool(course_key) and compat.is_course_staff(self.user, course_key)
        return self._asked[course_key]

    def may_edit(self, badge, condition=None):
        """Whether the user is on the team of every course the pathway (as stored, or ``condition``) involves."""
        return all(self.staff_of(course) for course in courses_involved(badge, condition))

    def courses(self):
        """The courses with active badges whose team the user is on: the badges they may pick from."""
        keys = (BadgeClass.objects.filter(active=True).exclude(course_key="")
                .values_list("course_key", flat=True).distinct().order_by("course_key"))
        return [course for course in keys if self.staff_of(course)]
