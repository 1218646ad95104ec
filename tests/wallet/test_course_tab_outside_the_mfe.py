"""
What a learner reaches through the Badges tab from the Learning MFE.

The MFE lists the tab from the course home metadata (the tab's title and the URL built from
its ``link_func``) and renders it as a plain link (frontend-app-learning,
src/course-home/data/api.js and CourseTabLink.tsx, release/verawood.1), so the learner leaves
the MFE for the plugin's own LMS page. That page must therefore stand on its own: a whole
HTML document, with its own header and a way back to the learner's badges, answering the
learner (docs/operator-guide.md, "The course tab and the Learning MFE").
"""

import pytest
from django.urls import reverse

from openedx_plugin.course_tab import BadgesCourseTab

from .conftest import COURSE

pytestmark = pytest.mark.django_db


class Course:
    def __init__(self, key):
        self.id = key


def test_the_tab_link_is_a_standalone_lms_page(badge_class, learner_client):
    url = BadgesCourseTab({}).link_func(Course(COURSE), reverse)
    assert url.startswith("/badges/course/")  # an LMS path, not an MFE route
    response = learner_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert '<header class="obw-header">' in page  # the page's own header, since the MFE's is gone
    assert f'href="{reverse("openedx_badges:wallet")}"' in page  # a way on to the learner's badges
    assert badge_class.name in page


def test_the_tab_link_asks_anonymous_visitors_to_sign_in(badge_class, client):
    url = BadgesCourseTab({}).link_func(Course(COURSE), reverse)
    response = client.get(url)
    assert response.status_code in (302, 403)
