"""The wallet's query count does not grow with the number of awards."""

import pytest

from .conftest import clone_awards

pytestmark = pytest.mark.django_db
MAX_QUERIES = 10
# The wallet page also reads the course names, every award's skills and the public profile,
# and saves the chosen filters in the session when they change (an UPDATE in a savepoint).
WALLET_MAX_QUERIES = 15  # and the pathways in progress: four queries (pathways.progress)


@pytest.fixture(params=[50, 200])
def many(request, award, second_badge, issuer):
    from openedx_plugin.credentials import issuing

    other_issuer = issuing.create_issuer("Other Org", "https://other.example/", "b@other.example",
                                         org="OtherX", public_base_url="https://lms.example.com")
    third = issuing.create_badge_class(other_issuer, "Third", "Third badge.", course_key="course-v1:OtherX+T+1",
                                       criteria_narrative="x")
    clone_awards(award, request.param - 1, badge_classes=[award.badge_class, second_badge, third])
    return request.param


@pytest.mark.parametrize("query", [{}, {"status": "earned", "skill": "Data cleaning"}])
def test_api_list(learner_client, many, query, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = learner_client.get("/badges/api/v1/awards/", {**query, "page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(100, many) if not query else response.json()["count"] > 0


@pytest.mark.parametrize("query", [{}, {"status": "earned", "skill": "Data cleaning"}])
def test_wallet_page(learner_client, many, query, django_assert_max_num_queries):
    with django_assert_max_num_queries(WALLET_MAX_QUERIES):
        response = learner_client.get("/badges/wallet/", query)
    assert response.status_code == 200


def test_detail_page(learner_client, award, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        assert learner_client.get(f"/badges/wallet/{award.uuid}/").status_code == 200


def test_public_profile_page(client, many, learner, django_assert_max_num_queries):
    from openedx_plugin.models import LearnerProfile

    LearnerProfile.objects.create(user=learner, slug="counted", public=True, show_name=True)
    with django_assert_max_num_queries(3):  # the profile with its user, every public badge, the dates of a page
        response = client.get("/badges/u/counted/")
    assert response.status_code == 200


def test_skills_profile_api(learner_client, many, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert learner_client.get("/badges/api/v1/skills/").status_code == 200
