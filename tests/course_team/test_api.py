"""The course team's API: the dashboard's access rules and data, as JSON."""

import pytest

from lms_standin.demo_course import COURSE_KEY

from .conftest import OTHER_KEY

pytestmark = pytest.mark.django_db


def badges_url(course_key=COURSE_KEY):
    return f"/badges/api/v1/course-team/{course_key}/badges/"


def recipients_url(badge, course_key=COURSE_KEY):
    return f"{badges_url(course_key)}{badge.uuid}/recipients/"


def test_access_rules(client, learner, other_staff, course_badge, other_course_badge):
    assert client.get(recipients_url(course_badge)).status_code in (401, 403)
    client.force_login(learner)
    assert client.get(recipients_url(course_badge)).status_code == 403
    client.force_login(other_staff)
    assert client.get(badges_url()).status_code == 403
    assert client.get(recipients_url(course_badge)).status_code == 403
    assert client.get(badges_url(OTHER_KEY)).status_code == 200
    # their own course's path does not reach this course's badge
    assert client.get(recipients_url(course_badge, OTHER_KEY)).status_code == 404
    assert client.get(badges_url("not-a-course")).status_code == 404


def test_badges_with_counts(staff_client, course_badge, held_award, other_course_badge):
    response = staff_client.get(badges_url())
    assert response.status_code == 200
    assert response.json() == [{"uuid": str(course_badge.uuid), "name": "Data Wrangler", "active": True,
                                "counts": {"earned": 1, "in_progress": 0, "suspended": 0, "revoked": 0,
                                           "expired": 0}}]


def test_recipients_search_state_and_paging(staff_client, course_badge, held_award, other_learner):
    from openedx_plugin.credentials import issuing

    issuing.revoke_award(issuing.award_badge(course_badge, other_learner)[0], "Mistake.")
    data = staff_client.get(recipients_url(course_badge)).json()
    assert data["count"] == 2
    assert {row["username"]: row["state"] for row in data["results"]} == {"learner": "earned", "other": "revoked"}
    revoked = staff_client.get(recipients_url(course_badge), {"state": "revoked"}).json()["results"]
    assert [(row["username"], row["revocation_reason"]) for row in revoked] == [("other", "Mistake.")]
    assert staff_client.get(recipients_url(course_badge), {"q": "lea"}).json()["count"] == 1
    assert staff_client.get(recipients_url(course_badge), {"page_size": 1}).json()["next"]
    bad = staff_client.get(recipients_url(course_badge), {"state": "gone"})
    assert bad.status_code == 400 and "state" in bad.json()
    assert staff_client.get(recipients_url(course_badge), {"page": 99}).status_code == 404
