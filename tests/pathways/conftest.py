"""A small site for pathways: three courses, their badges, and a pathway badge in the first."""

import pytest

COURSE_A, COURSE_B, COURSE_C = "course-v1:PathX+A+2026", "course-v1:PathX+B+2026", "course-v1:OtherX+C+2026"


def make_badge(issuer, name, course_key):
    from openedx_plugin.credentials import issuing

    return issuing.create_badge_class(issuer, name, f"{name}, a test badge.", course_key=course_key,
                                      criteria_narrative="Earn it in the course.")


@pytest.fixture
def site(issuer):
    """Badges by short name: a1, a2 (course A), b1, b2 (course B), c1 (course C), and the pathway p (course A)."""
    return build_site(issuer)


def build_site(issuer):
    """The badges of ``site`` (the browser tests build them too)."""
    return {
        "a1": make_badge(issuer, "Python basics", COURSE_A),
        "a2": make_badge(issuer, "Data frames", COURSE_A),
        "b1": make_badge(issuer, "Statistics", COURSE_B),
        "b2": make_badge(issuer, "Plotting", COURSE_B),
        "c1": make_badge(issuer, "Ethics", COURSE_C),
        "p": make_badge(issuer, "Data analyst pathway", COURSE_A),
    }


def uid(badge):
    return str(badge.uuid)


def set_rule(badge, condition):
    from openedx_plugin.models import BadgeRule

    return BadgeRule.objects.update_or_create(badge_class=badge, defaults={"condition": condition, "enabled": True})[0]


def milestone_rule(site):
    """The pathway p: milestone 1 "Foundations" = a1 and a2 (c1 optional); milestone 2 = 1 of b1, b2."""
    return {"all": [
        {"kind": "badges", "badges": [uid(site["a1"]), uid(site["a2"])], "milestone": "Foundations",
         "optional": [uid(site["c1"])]},
        {"kind": "badges", "badges": [uid(site["b1"]), uid(site["b2"])], "at_least": 1, "milestone": "Analysis"},
    ]}
