"""
The pathway editor without JSON: the operator's admin page and the course team's LMS page,
one form. What it saves is the rule language; what it refuses comes back on the field with
an error summary naming each field; who may use it is checked on every request.
"""

import pytest
from django.contrib.auth.models import Permission

from openedx_plugin.models import BadgeRule

from .conftest import COURSE_A, COURSE_B, COURSE_C, milestone_rule, set_rule, uid

pytestmark = pytest.mark.django_db


def same_badges(condition):
    """A rule with each milestone's badge lists sorted: the editor lists badges by course and name."""
    leaves = condition["all"] if "all" in condition else [condition]
    shown = [dict(leaf, badges=sorted(leaf["badges"]), **({"optional": sorted(leaf["optional"])}
                                                           if "optional" in leaf else {})) for leaf in leaves]
    return {"all": shown} if "all" in condition else shown[0]


def post_data(milestones, count=None):
    """Form data for ``milestones``: a list of (title, {badge: role}, at_least or None)."""
    data = {"milestones": str(count or len(milestones))}
    for index, (title, roles, at_least) in enumerate(milestones):
        data[f"m{index}-title"] = title
        data[f"m{index}-mode"] = "at_least" if at_least is not None else "all"
        data[f"m{index}-at_least"] = "" if at_least is None else str(at_least)
        for badge, role in roles.items():
            data[f"m{index}-badge-{uid(badge)}"] = role
    return data


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user("operator", "op@example.com", "pw", is_staff=True)
    for codename in ("view_badgeclass", "change_badgeclass"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def team(django_user_model, platform):
    """A course team member of courses A and B (not C)."""
    user = django_user_model.objects.create_user("teacher", "teacher@example.com", "pw")
    platform.STAFF.update({(user.id, COURSE_A), (user.id, COURSE_B)})
    return user


def admin_url(badge):
    return f"/admin/openedx_badges/badgeclass/{badge.pk}/pathway/"


def team_url(badge):
    return f"/badges/pathways/{badge.uuid}/"


# --- the operator's page ------------------------------------------------------------------------


def test_operator_saves_milestones_as_the_rule_language(client, operator, site):
    client.force_login(operator)
    page = client.get(admin_url(site["p"]))
    assert page.status_code == 200
    # every course's badges, grouped by course, and the link from the badge's own page
    assert all(course in page.content.decode() for course in (COURSE_A, COURSE_B, COURSE_C))
    change = client.get(f"/admin/openedx_badges/badgeclass/{site['p'].pk}/change/").content.decode()
    assert admin_url(site["p"]) in change
    response = client.post(admin_url(site["p"]), post_data([
        ("Foundations", {site["a1"]: "required", site["a2"]: "required", site["c1"]: "optional"}, None),
        ("Analysis", {site["b1"]: "required", site["b2"]: "required"}, 1),
    ]))
    assert response.status_code == 302
    assert same_badges(BadgeRule.objects.get(badge_class=site["p"]).condition) == same_badges(milestone_rule(site))


def test_the_editor_shows_a_saved_pathway(client, operator, site):
    set_rule(site["p"], milestone_rule(site))
    client.force_login(operator)
    html = client.get(admin_url(site["p"])).content.decode()
    assert 'value="Foundations"' in html and 'value="Analysis"' in html
    assert f'name="m0-badge-{uid(site["c1"])}"' in html
    # milestone 2's N, and an empty third milestone to add one
    assert 'name="m1-at_least" value="1"' in html and 'name="m2-title"' in html


def test_a_rule_with_course_outcomes_is_not_overwritten(client, operator, site):
    mixed = {"all": [{"kind": "badges", "badges": [uid(site["a1"])]},
                     {"kind": "course_passed", "course": COURSE_A}]}
    set_rule(site["p"], mixed)
    client.force_login(operator)
    assert "cannot show" in client.get(admin_url(site["p"])).content.decode()
    client.post(admin_url(site["p"]), post_data([("", {site["b1"]: "required"}, None)]))
    assert BadgeRule.objects.get(badge_class=site["p"]).condition == mixed


def test_a_user_without_the_change_permission_gets_403(client, django_user_model, site):
    viewer = django_user_model.objects.create_user("viewer", "v@example.com", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_badgeclass"))
    client.force_login(viewer)
    assert client.get(admin_url(site["p"])).status_code == 403


# --- validation with field messages ---------------------------------------------------------------


def errors_of(response):
    return response.context["form"].problems()


def test_n_out_of_range(client, operator, site):
    client.force_login(operator)
    response = client.post(admin_url(site["p"]), post_data([("", {site["a1"]: "required",
                                                                   site["a2"]: "required"}, 3)]))
    assert response.status_code == 400
    assert errors_of(response) == [("id_m0-at_least", "Number of required badges for milestone 1",
                                    "Enter a whole number from 1 to 2, the number of required badges chosen.")]
    html = response.content.decode()
    # the summary names the field and links to it; the field points at its help and its error
    assert '<a href="#id_m0-at_least">Number of required badges for milestone 1: Enter a whole number' in html
    assert 'aria-describedby="id_m0-at_least-help id_m0-at_least-error"' in html and 'aria-invalid="true"' in html
    assert '<h2 id="obp-error-summary-title">The pathway was not saved: 1 problem to fix</h2>' in html
    assert not BadgeRule.objects.filter(badge_class=site["p"]).exists()


def test_the_pathways_own_badge_is_not_offered(client, operator, team, site):
    own = f'-badge-{uid(site["p"])}"'
    client.force_login(operator)
    admin = client.get(admin_url(site["p"])).content.decode()
    assert f'name="m0-badge-{uid(site["a1"])}"' in admin and own not in admin
    client.force_login(team)
    lms = client.get(team_url(site["p"])).content.decode()
    assert f'name="m0-badge-{uid(site["a1"])}"' in lms and own not in lms
    # another badge's editor offers it: only a badge's own pathway leaves it out
    assert own in client.get(team_url(site["a1"])).content.decode()


def test_requiring_itself(client, operator, site):
    client.force_login(operator)
    # the editor has no field for the badge itself: a forged one never reaches the rule
    response = client.post(admin_url(site["p"]), post_data([("", {site["p"]: "required"}, None)]))
    assert errors_of(response) == [("m0-badges", "Badges of milestone 1", "Choose at least one required badge.")]
    assert not BadgeRule.objects.filter(badge_class=site["p"]).exists()  # test_rules: the shared check refuses it too


def test_a_cycle_through_another_pathway(client, operator, site):
    set_rule(site["b1"], {"kind": "badges", "badges": [uid(site["p"])]})
    client.force_login(operator)
    response = client.post(admin_url(site["p"]), post_data([
        ("", {site["a1"]: "required"}, None), ("", {site["b1"]: "required"}, None)]))
    (anchor, what, message), = errors_of(response)
    assert (anchor, what) == ("m1-badges", "Badges of milestone 2")  # the milestone naming the other pathway
    assert message.endswith("Data analyst pathway → Statistics → Data analyst pathway.")


def test_optional_steps_alone_and_a_badge_in_two_milestones(client, operator, site):
    client.force_login(operator)
    response = client.post(admin_url(site["p"]), post_data([
        ("First", {site["a1"]: "optional"}, None),
        ("", {site["a2"]: "required"}, None), ("", {site["a2"]: "required"}, None)]))
    problems = errors_of(response)
    assert [p[0] for p in problems] == ["m0-badges", "m2-badges"]
    assert "optional steps alone" in problems[0][2] and "already in milestone 2" in problems[1][2]
    assert '<h2 id="obp-error-summary-title">The pathway was not saved: 2 problems to fix</h2>' in \
        response.content.decode()


def test_nothing_chosen(client, operator, site):
    client.force_login(operator)
    response = client.post(admin_url(site["p"]), post_data([("", {}, None)]))
    assert errors_of(response) == [("m0-badges", "Badges of milestone 1", "Choose at least one required badge.")]


def test_an_unknown_badge_in_a_stored_rule_is_reported_on_save(client, operator, site):
    from openedx_plugin.pathways.forms import PathwayForm, candidates

    ghost = "00000000-0000-0000-0000-0000000000aa"
    form = PathwayForm(post_data([("", {site["a1"]: "required"}, None)]), badge=site["p"],
                       groups=candidates() + [("course-v1:Gone+G+1", [(ghost, "Deleted badge")])])
    form.data = dict(form.data, **{f"m0-badge-{ghost}": "required"})
    assert not form.is_valid()
    assert form.problems() == [("m0-badges", "Badges of milestone 1", f"Unknown badge: {ghost}.")]


# --- the course team's page ---------------------------------------------------------------------


def test_course_team_edits_a_pathway_of_its_own_courses(client, team, site):
    client.force_login(team)
    page = client.get(team_url(site["p"]))
    assert page.status_code == 200
    html = page.content.decode()
    # only the badges of courses the user is on the team of
    assert uid(site["b1"]) in html and uid(site["c1"]) not in html
    response = client.post(team_url(site["p"]), post_data([("", {site["a1"]: "required", site["b1"]: "required"},
                                                             None)]))
    assert response.status_code == 302 and response.url.endswith("?saved=1")
    assert same_badges(BadgeRule.objects.get(badge_class=site["p"]).condition) == {
        "kind": "badges", "badges": sorted([uid(site["a1"]), uid(site["b1"])])}
    assert "The pathway was saved." in client.get(response.url).content.decode()


def test_course_staff_lacking_one_course_get_403(client, team, site):
    set_rule(site["p"], milestone_rule(site))  # names c1, of course C: not this team's
    client.force_login(team)
    assert client.get(team_url(site["p"])).status_code == 403
    before = BadgeRule.objects.get(badge_class=site["p"]).condition
    assert client.post(team_url(site["p"]), post_data([("", {site["a1"]: "required"}, None)])).status_code == 403
    assert BadgeRule.objects.get(badge_class=site["p"]).condition == before


def test_course_staff_of_another_course_get_403(client, django_user_model, platform, site):
    other = django_user_model.objects.create_user("other-team", "ot@example.com", "pw")
    platform.STAFF.add((other.id, COURSE_C))
    client.force_login(other)
    assert client.get(team_url(site["p"])).status_code == 403  # p belongs to course A


def test_a_badge_of_a_course_outside_the_team_cannot_be_posted(client, team, site):
    client.force_login(team)
    client.post(team_url(site["p"]), post_data([("", {site["a1"]: "required", site["c1"]: "required"}, None)]))
    # the field for c1 does not exist on this team's form: c1 never reaches the rule
    assert BadgeRule.objects.get(badge_class=site["p"]).condition == {"kind": "badges", "badges": [uid(site["a1"])]}


def test_an_operators_badge_is_no_course_teams(client, team, issuer, site):
    from .conftest import make_badge

    site_badge = make_badge(issuer, "Site-wide", "")
    client.force_login(team)
    assert client.get(team_url(site_badge)).status_code == 403


def test_anonymous_users_are_sent_to_sign_in_and_unknown_badges_are_404(client, team, site):
    assert client.get(team_url(site["p"])).status_code == 302
    client.force_login(team)
    assert client.get("/badges/pathways/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/badges/pathways/not-a-uuid/").status_code == 404


def test_a_posted_milestone_count_out_of_range_is_harmless(client, team, site):
    client.force_login(team)
    for count in ("-4", "x", "100000"):
        response = client.post(team_url(site["p"]), {"milestones": count})
        assert response.status_code == 400


def test_a_course_lists_its_badges_for_its_team_only(client, team, site, django_user_model, platform):
    set_rule(site["p"], milestone_rule(site))
    client.force_login(team)
    html = client.get(f"/badges/pathways/course/{COURSE_A}/").content.decode()
    assert team_url(site["p"]) in html and team_url(site["a1"]) in html and team_url(site["b1"]) not in html
    assert "(a pathway of 2 milestones)" in html
    assert client.get(f"/badges/pathways/course/{COURSE_C}/").status_code == 403


def test_the_team_pages_name_courses_by_their_display_names(client, team, site, platform):
    platform.NAMES.update({COURSE_A: "Python for Analysts", COURSE_B: "Statistics in Practice"})
    set_rule(site["p"], {"kind": "badges", "badges": [uid(site["a1"])]})
    client.force_login(team)
    platform.CALLS.clear()
    html = client.get(team_url(site["p"])).content.decode()
    assert "A badge of <bdi>Python for Analysts</bdi>." in html
    assert "<legend><bdi>Python for Analysts</bdi></legend>" in html
    assert "<legend><bdi>Statistics in Practice</bdi></legend>" in html
    assert f"<legend><bdi>{COURSE_A}</bdi></legend>" not in html
    # one read for every course of the page, however many milestones list them
    assert [call for call in platform.CALLS if call[0] == "course_names"] == [("course_names", (COURSE_A, COURSE_B))]
    course = client.get(f"/badges/pathways/course/{COURSE_A}/").content.decode()
    assert "Course <bdi>Python for Analysts</bdi>." in course


def test_a_course_without_a_name_is_shown_by_its_key(client, team, site, platform):
    platform.NAMES.update({COURSE_A: "Python for Analysts"})
    client.force_login(team)
    html = client.get(team_url(site["p"])).content.decode()
    assert f"<legend><bdi>{COURSE_B}</bdi></legend>" in html
    assert f"Course <bdi>{COURSE_B}</bdi>." in client.get(f"/badges/pathways/course/{COURSE_B}/").content.decode()


def test_forged_values_are_named_on_their_milestone(client, operator, site):
    client.force_login(operator)
    data = post_data([("", {site["a1"]: "required"}, None)])
    data.update({f"m0-badge-{uid(site['a2'])}": "bogus", "m0-mode": "most"})
    response = client.post(admin_url(site["p"]), data)
    assert response.status_code == 400
    problems = errors_of(response)
    assert ("id_m0-mode_0", "How many required badges milestone 1 needs",
            "Select a valid choice. most is not one of the available choices.") in problems
    assert ("m0-badges", "Badges of milestone 1",
            "Choose Required, Optional or Not in this milestone for “Data frames”.") in problems
    assert not BadgeRule.objects.filter(badge_class=site["p"]).exists()
