"""
The learner's pathways in progress: in the wallet, through the REST API, with a query count
that does not grow with the number of badges the learner holds.
"""

import pytest

from openedx_plugin.pathways.progress import pathways_in_progress

from .conftest import COURSE_B, make_badge, milestone_rule, set_rule, uid

pytestmark = pytest.mark.django_db


def award(badge, user):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(badge, user)[0]


def test_milestones_done_next_and_later_with_course_links(site, learner, settings):
    set_rule(site["p"], milestone_rule(site))
    award(site["b1"], learner)  # milestone 2 reached before milestone 1: ordered display, any-order earning
    (pathway,) = pathways_in_progress(learner)
    assert (pathway.name, pathway.done, pathway.total) == ("Data analyst pathway", 1, 2)
    first, second = pathway.milestones
    assert (first.title, first.state, first.have, first.needed) == ("Foundations", "next", 0, 2)
    assert (second.title, second.state, second.have, second.needed) == ("Analysis", "done", 1, 1)
    assert pathway.next is first
    assert [(s.name, s.held, s.optional) for s in first.steps] == [
        ("Python basics", False, False), ("Data frames", False, False), ("Ethics", False, True)]
    assert first.steps[0].course_url == f"{settings.LMS_ROOT_URL}/courses/{site['a1'].course_key}/course/"


def test_later_milestones_after_the_next(site, learner):
    set_rule(site["p"], {"all": [{"kind": "badges", "badges": [uid(site["a1"])]},
                                 {"kind": "badges", "badges": [uid(site["a2"])]},
                                 {"kind": "badges", "badges": [uid(site["b1"])]}]})
    award(site["a1"], learner)
    (pathway,) = pathways_in_progress(learner)
    assert [m.state for m in pathway.milestones] == ["done", "next", "later"]


def test_not_started_earned_disabled_and_mixed_rules_are_left_out(site, learner, issuer):
    from openedx_plugin.models import BadgeRule

    set_rule(site["p"], milestone_rule(site))
    assert pathways_in_progress(learner) == []  # nothing held yet
    award(site["c1"], learner)
    assert pathways_in_progress(learner) == []  # an optional step alone does not start a pathway
    award(site["a1"], learner)
    assert len(pathways_in_progress(learner)) == 1
    BadgeRule.objects.filter(badge_class=site["p"]).update(enabled=False)
    from openedx_plugin.awards import rule_index

    rule_index.invalidate()
    assert pathways_in_progress(learner) == []
    mixed = make_badge(issuer, "Mixed", COURSE_B)
    set_rule(mixed, {"all": [{"kind": "badges", "badges": [uid(site["a1"])]},
                             {"kind": "course_passed", "course": COURSE_B}]})
    assert pathways_in_progress(learner) == []
    BadgeRule.objects.filter(badge_class=site["p"]).update(enabled=True)
    rule_index.invalidate()
    award(site["p"], learner)
    assert pathways_in_progress(learner) == []  # earned: no longer in progress


def test_another_learners_badges_do_not_count(site, learner, other_learner):
    set_rule(site["p"], milestone_rule(site))
    award(site["a1"], other_learner)
    assert pathways_in_progress(learner) == []


@pytest.mark.parametrize("extra", [0, 40])
def test_query_count_does_not_grow_with_the_badges_held(site, learner, issuer, extra,
                                                        django_assert_num_queries):
    set_rule(site["p"], milestone_rule(site))
    award(site["a1"], learner)
    for number in range(extra):
        badge = make_badge(issuer, f"Extra {number}", COURSE_B)
        set_rule(badge, {"kind": "badges", "badges": [uid(site["a1"]), uid(site["a2"])]})
        award(make_badge(issuer, f"Held {number}", COURSE_B), learner)
    pathways_in_progress(learner)  # the rule index is loaded once per process, not per request
    with django_assert_num_queries(4):  # held badges, rules, the badges they name, those badges' course names
        found = pathways_in_progress(learner)
    assert len(found) == 1 + extra


def test_the_wallet_shows_them(client, site, learner):
    set_rule(site["p"], milestone_rule(site))
    award(site["b1"], learner)
    client.force_login(learner)
    html = client.get("/badges/wallet/").content.decode()
    assert '<h2 id="obp-progress-title">Pathways in progress</h2>' in html
    assert "1 of 2 milestones reached" in html and 'aria-current="step"' in html
    assert "<bdi>Foundations</bdi>" in html and "<bdi>Data analyst pathway</bdi>" in html
    assert 'href="http://' in html and f"/courses/{site['a1'].course_key}/course/" in html


def test_the_wallet_says_nothing_without_pathways(client, learner):
    client.force_login(learner)
    assert "Pathways in progress" not in client.get("/badges/wallet/").content.decode()


def test_the_api_gives_the_requesters_own(client, site, learner, other_learner):
    set_rule(site["p"], milestone_rule(site))
    award(site["a1"], learner)
    award(site["b1"], other_learner)
    client.force_login(learner)
    body = client.get("/badges/api/v1/pathways/").json()
    assert [p["uuid"] for p in body] == [uid(site["p"])]
    milestone = body[0]["milestones"][0]
    assert (milestone["state"], milestone["have"], milestone["needed"]) == ("next", 1, 2)
    assert milestone["steps"][2] == {"uuid": uid(site["c1"]), "name": "Ethics", "course_key": site["c1"].course_key,
                                     "course_url": milestone["steps"][2]["course_url"], "held": False,
                                     "optional": True}
    client.force_login(other_learner)
    (theirs,) = client.get("/badges/api/v1/pathways/").json()
    assert theirs["milestones"][1]["state"] == "done" and theirs["milestones"][0]["have"] == 0
    client.logout()
    assert client.get("/badges/api/v1/pathways/").status_code in (401, 403)


def test_steps_name_their_course_as_learners_know_it(site, learner):
    """The wallet's "go to" link names the course, not its key; a course the platform has no name for keeps its key."""
    from lms_standin.models import Course

    from .conftest import COURSE_A

    Course.objects.create(course_key=COURSE_A, display_name="Python for Data Analysis")
    set_rule(site["p"], milestone_rule(site))
    award(site["b1"], learner)
    first, second = pathways_in_progress(learner)[0].milestones
    assert [s.course_name for s in first.steps] == ["Python for Data Analysis", "Python for Data Analysis",
                                                    site["c1"].course_key]
    assert {s.course_name for s in second.steps} == {COURSE_B}
