"""The REST API of the learner's pages (issue 18): the skills profile and the public profile choices."""

import pytest

from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award, LearnerProfile

from .conftest import clone_awards

pytestmark = pytest.mark.django_db
SKILLS = "/badges/api/v1/skills/"
PROFILE = "/badges/api/v1/profile/"


def test_anonymous_callers_are_refused(client):
    assert client.get(SKILLS).status_code in (401, 403)
    assert client.get(PROFILE).status_code in (401, 403)


def test_the_skills_profile(learner_client, award, second_badge, learner, other_learner):
    issuing.award_badge(second_badge, other_learner)  # someone else's badge is not theirs
    [group] = learner_client.get(SKILLS).json()  # Machine learning: only the other learner holds it
    assert group["framework"] == "Example Skills"
    [skill] = group["skills"]
    assert (skill["name"], skill["code"], skill["level"]) == ("Data cleaning", "DC1", "Intermediate")
    assert [item["uuid"] for item in skill["awards"]] == [str(award.uuid)]
    assert skill["awards"][0]["wallet"].endswith(f"/badges/wallet/{award.uuid}/")


def test_the_skills_profile_costs_the_same_queries_for_many_badges(learner_client, award, second_badge,
                                                                   django_assert_max_num_queries):
    clone_awards(award, 300, badge_classes=[award.badge_class, second_badge])
    with django_assert_max_num_queries(4):  # session, user, every award's alignments
        response = learner_client.get(SKILLS)
    assert response.status_code == 200


def test_profile_choices_read_and_change(learner_client, learner, other_learner):
    body = learner_client.get(PROFILE).json()
    assert body["public"] is False and body["url"].endswith(f"/badges/u/{body['slug']}/")
    response = learner_client.patch(PROFILE, {"public": True, "slug": "My-Page"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "my-page"
    assert LearnerProfile.objects.get(user=learner).public is True
    LearnerProfile.objects.create(user=other_learner, slug="taken")
    response = learner_client.patch(PROFILE, {"slug": "taken"}, content_type="application/json")
    assert response.status_code == 400 and "slug" in response.json()
    response = learner_client.patch(PROFILE, {"user": 5}, content_type="application/json")
    assert response.status_code == 400 and "user" in response.json()


def test_profile_choices_are_404_when_the_operator_turned_profiles_off(learner_client, settings):
    settings.OPENEDX_BADGES_PUBLIC_PROFILES = False
    assert learner_client.get(PROFILE).status_code == 404


def test_a_private_award_stays_off_the_public_page_whatever_the_api_says(learner_client, award, client):
    Award.objects.filter(pk=award.pk).update(public=False)
    learner_client.patch(PROFILE, {"public": True, "slug": "mine"}, content_type="application/json")
    page = client.get("/badges/u/mine/").content.decode()
    assert str(award.uuid) not in page and "No badges are shown" in page
