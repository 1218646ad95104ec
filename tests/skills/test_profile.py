"""The skills profile gathers a learner's badges by skill, with the strongest level held."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award
from openedx_plugin.skills.profile import level_rank, skills_profile


def _badge(issuer, name, alignments, level=""):
    # targetUrl is required by OB 3.0's Alignment, so every alignment here has one.
    alignments = [dict(item, targetUrl=item.get("targetUrl", "https://skills.example/" + item["targetName"].replace(" ", "-")))
                  for item in alignments]
    return issuing.create_badge_class(issuer, name, "d", criteria_narrative="c", alignments=alignments, level=level)


def _profile(user):
    awards = Award.objects.filter(user=user).select_related("badge_class")
    return skills_profile(list(awards))


@pytest.mark.django_db
def test_same_code_in_two_badges_is_one_skill_with_the_strongest_level(issuer, learner):
    cleaning = {"targetName": "Data cleaning", "targetCode": "DC1", "targetFramework": "Example Skills"}
    first = _badge(issuer, "Basics", [cleaning], level="Foundation")
    second = _badge(issuer, "Pro", [dict(cleaning, targetName="data cleaning")], level="Advanced")
    issuing.award_badge(first, learner)
    issuing.award_badge(second, learner)
    [group] = _profile(learner)
    assert group.framework == "Example Skills"
    [skill] = group.skills
    assert skill.code == "DC1" and skill.level == "Advanced"
    assert {award.badge_class.name for award in skill.awards} == {"Basics", "Pro"}


@pytest.mark.django_db
def test_free_alignments_come_last_and_revoked_or_expired_badges_evidence_nothing(issuer, learner):
    named = _badge(issuer, "Named", [{"targetName": "SQL", "targetFramework": "Acme"}])
    free = _badge(issuer, "Free", [{"targetName": "Teamwork"}])
    gone = _badge(issuer, "Gone", [{"targetName": "Python", "targetFramework": "Acme"}])
    old = _badge(issuer, "Old", [{"targetName": "Excel", "targetFramework": "Acme"}])
    issuing.award_badge(named, learner)
    issuing.award_badge(free, learner)
    Award.objects.filter(pk=issuing.award_badge(gone, learner)[0].pk).update(revoked=True)
    Award.objects.filter(pk=issuing.award_badge(old, learner)[0].pk).update(
        valid_until=timezone.now() - timedelta(days=1))
    groups = _profile(learner)
    assert [group.framework for group in groups] == ["Acme", ""]
    assert [skill.name for skill in groups[0].skills] == ["SQL"]
    assert [skill.name for skill in groups[1].skills] == ["Teamwork"]


@pytest.mark.django_db
def test_the_profile_itself_makes_no_query(issuer, learner):
    for number in range(5):
        issuing.award_badge(_badge(issuer, f"B{number}", [{"targetName": f"S{number}"}]), learner)
    awards = list(Award.objects.filter(user=learner).select_related("badge_class"))
    with CaptureQueriesContext(connection) as queries:
        skills_profile(awards)
    assert len(queries) == 0


def test_levels_rank_in_the_default_order_and_unknown_levels_rank_lowest():
    assert level_rank("Expert") > level_rank("advanced") > level_rank("Foundation") > level_rank("Guru")
    assert level_rank("") == -1
