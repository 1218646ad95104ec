"""
Course roles per course (issue 19, item 12): a staff member of course A has no course-team
right in course B, wherever one is checked.

The stand-in models the platform's ``CourseAccessRole`` (student/roles.py: CourseStaffRole,
CourseInstructorRole, the Org* roles) and the courseware's ``has_access(user, "staff",
course)``; the plugin asks through ``compat.is_course_staff``.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from lms_standin import courseware
from lms_standin.demo_course import COURSE_KEY, usage_key
from lms_standin.models import Course, CourseAccessRole, CourseBlock
from openedx_plugin import compat
from openedx_plugin.course_tab import BadgesCourseTab

pytestmark = pytest.mark.django_db

OTHER_KEY = "course-v1:OtherX+B202+2026"
BLOCK_A = usage_key("badge_xblock", "badge")
BLOCK_B = "block-v1:OtherX+B202+2026+type@badge_xblock+block@badge"


@pytest.fixture
def course_b(db):
    other = Course.objects.create(course_key=OTHER_KEY, display_name="Course B")
    chapter = CourseBlock.objects.create(course=other, usage_key="block-v1:OtherX+B202+2026+type@chapter+block@c",
                                         block_type="chapter", display_name="Ch")
    CourseBlock.objects.create(course=other, usage_key=BLOCK_B, block_type="badge_xblock", display_name="Badge",
                               parent=chapter)
    return other


@pytest.fixture
def staff_of_a(course, django_user_model):
    """Course staff of the demo course (A) only: not global staff."""
    user = django_user_model.objects.create_user("tess", "tess@example.com", "pw")
    courseware.grant_role(user, course, CourseAccessRole.STAFF)
    return user


@pytest.fixture
def active_badges(issuer, course, course_b):
    from openedx_plugin.credentials import issuing

    for key in (COURSE_KEY, OTHER_KEY):
        issuing.create_badge_class(issuer, f"Badge of {key}", "A badge.", course_key=key,
                                   criteria_narrative="Do it.")


def test_has_access_staff_is_per_course(staff_of_a, course, course_b, django_user_model):
    assert compat.is_course_staff(staff_of_a, COURSE_KEY) is True
    assert compat.is_course_staff(staff_of_a, OTHER_KEY) is False
    instructor = django_user_model.objects.create_user("ian", "ian@example.com", "pw")
    courseware.grant_role(instructor, course_b, CourseAccessRole.INSTRUCTOR)
    assert compat.is_course_staff(instructor, OTHER_KEY) is True and compat.is_course_staff(instructor, COURSE_KEY) is False
    beta = django_user_model.objects.create_user("bea", "bea@example.com", "pw")
    courseware.grant_role(beta, course, "beta_testers")
    assert compat.is_course_staff(beta, COURSE_KEY) is False  # a role, but not a course-team one


def test_an_org_role_covers_that_orgs_courses_only(course, course_b, django_user_model):
    org_staff = django_user_model.objects.create_user("olga", "olga@example.com", "pw")
    CourseAccessRole.objects.create(user=org_staff, org="DemoX", course_id="", role=CourseAccessRole.STAFF)
    assert compat.is_course_staff(org_staff, COURSE_KEY) is True
    assert compat.is_course_staff(org_staff, OTHER_KEY) is False


def test_global_staff_have_staff_access_everywhere(course, course_b, django_user_model):
    admin = django_user_model.objects.create_user("root", "root@example.com", "pw", is_staff=True)
    assert compat.is_course_staff(admin, COURSE_KEY) and compat.is_course_staff(admin, OTHER_KEY)


def test_the_runtime_computes_user_is_staff_for_the_blocks_course(staff_of_a, course_b):
    from lms_standin.xblock_runtime import StandInRuntime

    def user_is_staff(usage):
        block = StandInRuntime(staff_of_a).load_block(usage)
        return block.runtime.service(block, "user").get_current_user().opt_attrs["edx-platform.user_is_staff"]

    assert user_is_staff(BLOCK_A) is True
    assert user_is_staff(BLOCK_B) is False


def test_the_course_tab_shows_for_enrolled_learners_and_that_courses_team_only(staff_of_a, active_badges, course,
                                                                              course_b, django_user_model):
    """As the LMS's EnrolledTab: enrolled, or has_access staff in *this* course."""
    assert BadgesCourseTab.is_enabled(course_overview(COURSE_KEY), user=staff_of_a) is True
    assert BadgesCourseTab.is_enabled(course_overview(OTHER_KEY), user=staff_of_a) is False
    learner = django_user_model.objects.create_user("lu", "lu@example.com", "pw")
    assert BadgesCourseTab.is_enabled(course_overview(OTHER_KEY), user=learner) is False
    courseware.enroll(learner, course_b)
    assert BadgesCourseTab.is_enabled(course_overview(OTHER_KEY), user=learner) is True


def course_overview(key):
    from types import SimpleNamespace

    from opaque_keys.edx.keys import CourseKey

    return SimpleNamespace(id=CourseKey.from_string(key))


def test_the_editor_and_the_handlers_refuse_the_staff_of_another_course(staff_of_a, course, course_b, issuer):
    client = Client()
    client.force_login(staff_of_a)
    assert client.get(reverse("studio-block", kwargs={"usage_key": BLOCK_A})).status_code == 200
    assert client.get(reverse("studio-block", kwargs={"usage_key": BLOCK_B})).status_code == 403
    # Not enrolled in B: the handler refuses before the block runs.
    url_b = reverse("xblock-handler", kwargs={"usage_key": BLOCK_B, "handler_name": "save_badge"})
    assert client.post(url_b, data="{}", content_type="application/json").status_code == 403
    # Enrolled in B as a learner: the block's own check (user_is_staff for B) refuses.
    courseware.enroll(staff_of_a, course_b)
    response = client.post(url_b, data=json.dumps({"fields": {"name": "Mine"}}), content_type="application/json")
    assert response.status_code == 403


def test_the_learner_pages_and_the_api_give_the_staff_of_another_course_a_learners_view(staff_of_a, active_badges,
                                                                                       course_b):
    from openedx_plugin.models import BadgeClass

    client = Client()
    client.force_login(staff_of_a)
    page = client.get(reverse("openedx_badges:course-badges", kwargs={"course_key": OTHER_KEY}))
    assert page.status_code == 200
    listed = client.get(reverse("openedx_badges:api:badge-class-list"), {"course": OTHER_KEY})
    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()["results"]] == [f"Badge of {OTHER_KEY}"]
    awards = client.get(reverse("openedx_badges:api:award-list"), {"course": OTHER_KEY})
    assert awards.status_code == 200 and awards.json()["results"] == []  # their own awards only
    assert BadgeClass.objects.filter(course_key=OTHER_KEY).count() == 1  # nothing changed
