"""
The pipeline leaves the progress the dashboard counts; the course's badges page and the
block's author view lead the course team to the dashboard.
"""

import pytest

from lms_standin.demo_course import COURSE_KEY
from openedx_plugin.models import BadgeProgress, BadgeRule

pytestmark = pytest.mark.django_db


def test_an_evaluation_not_met_records_progress(course_badge, learner, platform):
    from openedx_plugin.awards import awarding

    BadgeRule.objects.create(badge_class=course_badge, condition={"all": [
        {"kind": "course_passed", "course": COURSE_KEY, "min_percent": 0.8},
        {"kind": "course_completion", "course": COURSE_KEY, "min_percent": 1.0}]})
    platform.GRADES[(learner.id, COURSE_KEY)] = (0.9, True)
    assert awarding.evaluate_learner(learner.id, COURSE_KEY, {"event": "TEST"}) == []
    row = BadgeProgress.objects.get(badge_class=course_badge, user=learner)
    assert (row.done, row.total, row.started) == (1, 2, True)
    platform.COMPLETION[(learner.id, COURSE_KEY)] = 1.0
    assert len(awarding.evaluate_learner(learner.id, COURSE_KEY, {"event": "TEST"})) == 1
    from openedx_plugin.course_team import services

    assert services.counts([course_badge])[course_badge.pk]["in_progress"] == 0  # holds it now


def test_course_page_offers_manage_to_its_team_only(client, course_staff, learner, other_staff, course_badge):
    url = f"/badges/course/{COURSE_KEY}/"
    manage = f'href="/badges/course/{COURSE_KEY}/manage/"'.encode()
    client.force_login(course_staff)
    assert manage in client.get(url).content
    for user in (learner, other_staff):
        client.force_login(user)
        assert manage not in client.get(url).content
