"""The dashboard, the recipients list and its API keep the same number of queries however many awards there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import base, clone_awards

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(django_user_model):
    return [django_user_model.objects.create_user(f"l{index}", f"l{index}@example.com", "pw") for index in range(30)]


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.mark.parametrize("path, params", [
    ("", {}),
    ("{badge}/", {}),
    ("{badge}/", {"q": "l1", "state": "earned"}),
    ("{badge}/", {"page": "2"}),
    ("history/", {}),
])
def test_pages_cost_the_same_for_20_and_400_awards(staff_client, held_award, learners, path, params, settings):
    from openedx_plugin.course_team import services

    settings.OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS = 0  # count on every request: the queries are the subject

    url = base() + path.format(badge=held_award.badge_class.uuid)
    clone_awards(held_award, 20, learners)
    for award in list(held_award.badge_class.awards.all()[:5]):
        services.audit("revoke", course_key=held_award.badge_class.course_key, actor=None,
                       badge=held_award.badge_class, award=award, learner=award.user, reason="r")
    small = _count(staff_client, url, **params)
    clone_awards(held_award, 380, learners, start=10_000)
    large = _count(staff_client, url, **params)
    assert small == large
    assert large <= 14


def test_api_recipients_cost_the_same(staff_client, held_award, learners, settings):
    settings.OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS = 0
    url = f"/badges/api/v1/course-team/{held_award.badge_class.course_key}/badges/{held_award.badge_class.uuid}/recipients/"
    clone_awards(held_award, 20, learners)
    small = _count(staff_client, url, page_size=100)
    clone_awards(held_award, 380, learners, start=10_000)
    assert _count(staff_client, url, page_size=100) == small <= 12


def test_counts_are_kept_a_while_and_forgotten_by_an_action(staff_client, held_award, django_capture_on_commit_callbacks):
    from openedx_plugin.course_team import services

    url = base()
    first = _count(staff_client, url)
    assert _count(staff_client, url) < first  # the counts came from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(held_award, actor=None, reason="Mistake.")
    response = staff_client.get(url)
    assert response.context["rows"][0]["counts"]["revoked"] == 1  # the team's action is seen at once
