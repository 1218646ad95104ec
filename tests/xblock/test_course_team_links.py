"""
The badge block leads the course team to the dashboard: a link in the author view, and, when
a saved badge is already held, the save's message says issued credentials keep their text
and offers the dashboard's re-issue.
"""

import pytest

from .conftest import COURSE_KEY, call
from .test_handlers import form
from .test_views import render

pytestmark = pytest.mark.django_db


def test_author_view_links_to_the_dashboard(configured, staff, block_for, settings):
    settings.LMS_ROOT_URL = "https://lms.example.com"
    html = render(block_for(staff), "author_view")
    assert f'href="https://lms.example.com/badges/course/{COURSE_KEY}/manage/"' in html
    assert "Manage badges" in html


def test_saving_a_badge_nobody_holds_says_nothing_more(configured, staff, block_for):
    status, data = call(block_for(staff), "save_badge", form(badge_uuid=configured["uuid"], name="Renamed"))
    assert status == 200 and data["held_by"] == 0 and data["reissue_url"] == ""
    assert "already hold" not in data["message"]


def test_saving_a_held_badge_says_credentials_keep_their_text(configured, staff, block_for, learner, settings):
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass

    settings.LMS_ROOT_URL = "https://lms.example.com"
    issuing.award_badge(BadgeClass.objects.get(uuid=configured["uuid"]), learner)
    status, data = call(block_for(staff), "save_badge", form(badge_uuid=configured["uuid"], name="Renamed"))
    assert status == 200 and data["held_by"] == 1
    assert "1 learner already holds this badge: the credential they were issued keeps its text." in data["message"]
    assert data["reissue_url"] == (f"https://lms.example.com/badges/course/{COURSE_KEY}/manage/"
                                   f"{configured['uuid']}/#obt-reissue-title")
