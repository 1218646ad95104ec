"""The Badges course tab: shown to signed-in learners of courses that have active badges."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from openedx_plugin import compat
from openedx_plugin.course_tab import BadgesCourseTab

from .conftest import COURSE

pytestmark = pytest.mark.django_db


class Course:
    """What the tab reads of a course: its id (a CourseKey in the LMS; str() gives the key)."""

    def __init__(self, key):
        self.id = key


def test_attributes():
    assert BadgesCourseTab.type == "openedx_badges"
    assert BadgesCourseTab.title == "Badges"
    assert BadgesCourseTab.view_name == "openedx_badges:course-badges"
    assert BadgesCourseTab.is_dynamic is True
    assert issubclass(BadgesCourseTab, compat.enrolled_tab_base())


def test_outside_the_lms_the_base_is_the_stand_in():
    assert compat.enrolled_tab_base() is compat._EnrolledTabStandIn  # pylint: disable=protected-access


def _stand_in_course(key=COURSE):
    from lms_standin.models import Course as StandInCourse  # pylint: disable=import-outside-toplevel

    return StandInCourse.objects.get_or_create(course_key=key, defaults={"display_name": key})[0]


def test_enabled_for_an_enrolled_learner_of_a_course_with_badges(badge_class, learner):
    from lms_standin.courseware import enroll  # pylint: disable=import-outside-toplevel

    enroll(learner, _stand_in_course())
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=learner) is True


def test_not_enabled_for_a_signed_in_learner_who_is_not_enrolled(badge_class, learner):
    """As the LMS's EnrolledTab: signing in is not enough, the course needs an enrollment."""
    _stand_in_course()
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=learner) is False


def test_enabled_for_the_course_team_of_this_course_only(badge_class, learner):
    from lms_standin.models import CourseAccessRole  # pylint: disable=import-outside-toplevel

    _stand_in_course()
    CourseAccessRole.objects.create(user=learner, course_id=COURSE, role="staff")
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=learner) is True


def test_not_enabled_for_anonymous_visitors(badge_class):
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=AnonymousUser()) is False
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=None) is False


def test_not_enabled_without_active_badges(badge_class, learner):
    from lms_standin.courseware import enroll  # pylint: disable=import-outside-toplevel

    enroll(learner, _stand_in_course())
    assert BadgesCourseTab.is_enabled(Course("course-v1:TestX+NONE+2026"), user=learner) is False
    badge_class.active = False
    badge_class.save()
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=learner) is False


def test_link_goes_to_the_course_badges_page(badge_class):
    tab = BadgesCourseTab({})
    assert tab.name == "Badges"
    assert tab.link_func(Course(COURSE), reverse) == f"/badges/course/{COURSE}/"


def test_entry_point_is_declared():
    from importlib.metadata import entry_points

    [entry] = [ep for ep in entry_points(group="openedx.course_tab") if ep.name == "openedx_badges"]
    assert entry.load() is BadgesCourseTab
