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


def test_enabled_for_a_signed_in_learner_of_a_course_with_badges(badge_class, learner):
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=learner) is True


def test_not_enabled_for_anonymous_visitors(badge_class):
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=AnonymousUser()) is False
    assert BadgesCourseTab.is_enabled(Course(COURSE), user=None) is False


def test_not_enabled_without_active_badges(badge_class, learner):
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
