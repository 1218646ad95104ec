"""
The wallet's part of issue 13: level and category on the card and the detail page, filters by both,
and the skills profile gathering the learner's badges by skill (only the learner's own).
"""

import pytest

from openedx_plugin.credentials import issuing

from .conftest import OTHER_COURSE

pytestmark = pytest.mark.django_db


@pytest.fixture
def leveled(issuer, learner, other_learner):
    skill = {"type": ["Alignment"], "targetName": "Data visualisation", "targetCode": "DS-VIS",
             "targetFramework": "Demo Data Skills", "targetUrl": "https://lms.example.com/badges/skills/d/DS-VIS"}
    basic = issuing.create_badge_class(issuer, "Chart Reader", "Reads charts.", course_key=OTHER_COURSE,
                                       criteria_narrative="x", level="Foundation", category="Data science",
                                       alignments=[skill])
    expert = issuing.create_badge_class(issuer, "Chart Maker", "Makes charts.", course_key=OTHER_COURSE,
                                        criteria_narrative="x", level="Advanced", category="Data science",
                                        alignments=[skill])
    teaching = issuing.create_badge_class(issuer, "Tutor", "Teaches.", course_key=OTHER_COURSE,
                                          criteria_narrative="x", level="Intermediate", category="Teaching")
    secret = issuing.create_badge_class(issuer, "Someone else's", "Not yours.", course_key=OTHER_COURSE,
                                        criteria_narrative="x", level="Expert", category="Secrets",
                                        alignments=[dict(skill, targetName="Hidden", targetCode="H1")])
    for badge in (basic, expert, teaching):
        issuing.award_badge(badge, learner)
    issuing.award_badge(secret, other_learner)
    return basic, expert, teaching


def test_cards_and_detail_show_level_and_category(learner_client, leveled, learner):
    page = learner_client.get("/badges/wallet/").content.decode()
    assert "Level: <bdi>Advanced</bdi>" in page and "Category: <bdi>Data science</bdi>" in page
    from openedx_plugin.models import Award

    award = Award.objects.get(user=learner, badge_class=leveled[1])
    detail = learner_client.get(f"/badges/wallet/{award.uuid}/").content.decode()
    assert '<dd class="obw-level"><bdi>Advanced</bdi></dd>' in detail
    assert '<dd class="obw-category"><bdi>Data science</bdi></dd>' in detail


def test_filters_by_level_and_category_offer_only_the_learners_own(learner_client, leveled):
    page = learner_client.get("/badges/wallet/").content.decode()
    levels = page.split('name="level"', 1)[1].split("</select>", 1)[0]
    # weakest first, as the level taxonomy orders them; another learner's "Expert" is not offered
    assert levels.index("Foundation") < levels.index("Intermediate") < levels.index("Advanced")
    assert "Expert" not in levels and "Secrets" not in page
    one = learner_client.get("/badges/wallet/", {"level": "advanced"}).content.decode()
    assert "Chart Maker" in one.split("obw-grid", 1)[1].split("obw-skills-profile")[0]
    assert "Chart Reader</a></h2>" not in one
    data_science = learner_client.get("/badges/wallet/", {"category": "Data science"}).context["page"]
    assert {award.badge_class.name for award in data_science} == {"Chart Reader", "Chart Maker"}
    nothing = learner_client.get("/badges/wallet/", {"category": "Secrets"}).context["page"]
    assert list(nothing) == []


def test_the_skills_profile_shows_each_skill_once_with_the_strongest_level(learner_client, leveled):
    response = learner_client.get("/badges/wallet/")
    groups = response.context["skill_groups"]
    assert [(group.framework, [(s.name, s.level, len(s.awards)) for s in group.skills]) for group in groups] == [
        ("Demo Data Skills", [("Data visualisation", "Advanced", 2)])]
    page = response.content.decode()
    profile = page.split('id="obw-skills-profile"', 1)[1]
    assert "Data visualisation" in profile and "Level: Advanced" in profile and "Hidden" not in profile
