"""
Fixtures of the course team's pages: the stand-in LMS's demo course with its own team
(course roles, ``CourseAccessRole``), a second course with another team, and badges made
through the issuing API.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client

from lms_standin.demo_course import COURSE_KEY

OTHER_KEY = "course-v1:OtherX+B202+2026"


@pytest.fixture
def course_badge(issuer, course):
    from openedx_plugin.credentials import issuing

    return issuing.create_badge_class(
        issuer, "Data Wrangler", "Cleans messy data.", course_key=COURSE_KEY,
        criteria_narrative="Clean the census data set.", validity_days=365)


@pytest.fixture
def other_course_badge(issuer):
    from openedx_plugin.credentials import issuing

    return issuing.create_badge_class(issuer, "Other course badge", "Elsewhere.", course_key=OTHER_KEY,
                                      criteria_narrative="Do it.")


@pytest.fixture
def course_staff(course, django_user_model):
    """Staff of the demo course only: no Django-admin rights, no global staff flag."""
    from lms_standin import courseware
    from lms_standin.models import CourseAccessRole

    user = django_user_model.objects.create_user("tess", "tess@example.com", "pw")
    courseware.grant_role(user, course, CourseAccessRole.STAFF)
    return user


@pytest.fixture
def other_staff(db, django_user_model):
    """Instructor of another course: a course-team member, but not of this course."""
    from lms_standin.models import Course, CourseAccessRole

    other = Course.objects.create(course_key=OTHER_KEY, display_name="Course B")
    user = django_user_model.objects.create_user("otto", "otto@example.com", "pw")
    CourseAccessRole.objects.create(user=user, course_id=other.course_key, org="OtherX", role=CourseAccessRole.INSTRUCTOR)
    return user


@pytest.fixture
def staff_client(course_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(course_staff)
    return client


@pytest.fixture
def held_award(course_badge, learner):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(course_badge, learner)[0]


def base(course_key=COURSE_KEY):
    return f"/badges/course/{course_key}/manage/"


def csrf_post(client, url, data):
    """POST as a browser does: open the badge's award form (which sets the CSRF cookie), send its token."""
    prefix = re.match(r"^(.*/manage/[0-9a-f-]{36}/)", url).group(1)
    client.get(prefix + "award/")
    token = client.cookies["csrftoken"].value
    return client.post(url, data, HTTP_X_CSRFTOKEN=token)


def clone_awards(template, count, users, start=100):
    """``count`` awards of ``template``'s badge for ``users`` in one INSERT, unsigned (lists read no documents)."""
    from openedx_plugin.models import Award

    rows = [Award(badge_class=template.badge_class, user=users[index % len(users)], sequence=start + index,
                  recipient_identity=template.recipient_identity, recipient_salt=template.recipient_salt,
                  issued_on=template.issued_on - timedelta(minutes=index + 1), valid_until=template.valid_until,
                  revoked=index % 7 == 0, suspended=index % 11 == 0, ob3_credential={"id": f"urn:test:{index}"})
            for index in range(count)]
    return Award.objects.bulk_create(rows)


@pytest.fixture
def enrolled(course, learner, other_learner):
    """The two learners, enrolled in the demo course (a course team awards its own learners)."""
    from lms_standin.courseware import enroll

    enroll(learner, course, mode="audit")
    enroll(other_learner, course, mode="audit")
    return learner, other_learner
