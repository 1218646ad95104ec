"""
Pathways in headless Chromium: the operator's editor in the admin, the course team's editor in
the LMS, and the learner's pathways in progress in the wallet (wide and narrow).
BADGES_SCREENSHOT_DIR=docs/screenshots refreshes docs/screenshots/pathway-*.png.
"""

import pytest
from django.contrib.auth.models import Permission

from openedx_plugin.models import BadgeRule
from tests.browser.conftest import sign_in
from tests.pathways.conftest import COURSE_A, COURSE_B, build_site, milestone_rule, set_rule, uid

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(issuer):
    return build_site(issuer)


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_operator_builds_a_pathway_in_the_admin(new_page, screenshot, site, django_user_model):
    operator = django_user_model.objects.create_user("operator", "op@example.com", "pw-operator", is_staff=True)
    for codename in ("view_badgeclass", "change_badgeclass"):
        operator.user_permissions.add(Permission.objects.get(codename=codename))
    page = new_page(width=1280, height=1000)
    page.goto(f"/admin/login/?next=/admin/openedx_badges/badgeclass/{site['p'].pk}/change/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "pw-operator")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Edit as a pathway").click()
    page.get_by_role("heading", level=1, name="Pathway of Data analyst pathway").wait_for()
    # the finder narrows milestone 1's list to one badge; chosen ones stay visible
    page.get_by_label("Title of milestone 1").fill("Foundations")
    page.get_by_label("Find a badge for milestone 1").fill("stat")
    milestone1 = page.locator("#m0-badges")
    assert milestone1.locator("[data-obp-row]:visible").count() == 1
    milestone1.get_by_label("Statistics").select_option("required")
    page.get_by_label("Find a badge for milestone 1").fill("")
    milestone1.get_by_label("Plotting").select_option("required")
    milestone1.get_by_label("Ethics").select_option("optional")
    page.locator("#id_m0-mode_1").check()
    page.get_by_label("Number of required badges for milestone 1").fill("5")
    page.get_by_role("button", name="Save the pathway").click()
    # the error summary takes focus, names the field, and its link leads to it
    summary = page.locator("#obp-error-summary")
    summary.wait_for()
    assert focused_id(page) == "obp-error-summary"
    assert page.locator("#obp-error-summary h2").inner_text() == "The pathway was not saved: 1 problem to fix"
    link = summary.get_by_role("link", name="Number of required badges for milestone 1: Enter a whole number")
    assert page.get_by_label("Number of required badges for milestone 1").get_attribute("aria-invalid") == "true"
    screenshot(page, "pathway-editor-admin-errors")
    link.click()
    assert focused_id(page) == "id_m0-at_least"
    page.get_by_label("Number of required badges for milestone 1").fill("1")
    page.get_by_role("button", name="Save the pathway").click()
    page.get_by_text("was saved").wait_for()
    condition = BadgeRule.objects.get(badge_class=site["p"]).condition
    assert condition == {"kind": "badges", "badges": [uid(site["b2"]), uid(site["b1"])], "at_least": 1,
                         "milestone": "Foundations", "optional": [uid(site["c1"])]}
    screenshot(page, "pathway-editor-admin")


def test_course_team_edits_a_pathway_in_the_lms(new_page, screenshot, site, django_user_model, platform):
    teacher = django_user_model.objects.create_user("teacher", "t@example.com", "pw-teacher")
    platform.STAFF.update({(teacher.id, COURSE_A), (teacher.id, COURSE_B)})
    set_rule(site["p"], {"all": [{"kind": "badges", "badges": [uid(site["a1"])], "milestone": "Foundations"},
                                 {"kind": "badges", "badges": [uid(site["b1"])]}]})
    page = new_page(width=1280, height=1000)
    sign_in(page, "teacher", "pw-teacher")
    page.goto(f"/badges/pathways/{site['p'].uuid}/")
    assert page.get_by_label("Title of milestone 1").input_value() == "Foundations"
    # course C is not this team's: its badges are not offered
    assert page.locator("#m0-badges").get_by_label("Ethics").count() == 0
    page.locator("#m1-badges").get_by_label("Plotting").select_option("optional")
    page.get_by_label("Title of milestone 3").fill("Capstone")
    page.locator("#m2-badges").get_by_label("Data frames").select_option("required")
    page.get_by_role("button", name="Save the pathway").click()
    page.get_by_role("status").wait_for()
    assert [leaf.get("milestone") for leaf in BadgeRule.objects.get(badge_class=site["p"]).condition["all"]] == [
        "Foundations", None, "Capstone"]
    screenshot(page, "pathway-editor-course-team")
    narrow = new_page(width=375, height=800)
    sign_in(narrow, "teacher", "pw-teacher")
    narrow.goto(f"/badges/pathways/{site['p'].uuid}/")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(narrow, "pathway-editor-course-team-mobile")


def test_learner_sees_pathways_in_progress(new_page, screenshot, site, django_user_model):
    from openedx_plugin.credentials import issuing

    learner = django_user_model.objects.create_user("walker", "w@example.com", "pw-walker")
    set_rule(site["p"], milestone_rule(site))
    issuing.award_badge(site["a1"], learner)
    issuing.award_badge(site["b2"], learner)
    page = new_page(width=1280, height=1000)
    sign_in(page, "walker", "pw-walker")
    page.goto("/badges/wallet/")
    section = page.get_by_role("region", name="Pathways in progress")
    assert section.get_by_role("heading", level=3, name="Data analyst pathway").is_visible()
    assert section.get_by_text("1 of 2 milestones reached").is_visible()
    current = section.locator('[aria-current="step"]')
    assert "Foundations" in current.inner_text() and "Next" in current.inner_text()
    link = current.get_by_role("link", name=f"go to {COURSE_A}")
    assert link.get_attribute("href").endswith(f"/courses/{COURSE_A}/course/")  # LMS_ROOT_URL's (row T5)
    screenshot(page, "pathway-wallet", locator=".obp-progress")
    narrow = new_page(width=375, height=800)
    sign_in(narrow, "walker", "pw-walker")
    narrow.goto("/badges/wallet/")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(narrow, "pathway-wallet-mobile", locator=".obp-progress")
