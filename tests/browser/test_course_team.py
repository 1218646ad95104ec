"""
The course team's badge dashboard in headless Chromium: a course staff member (no admin
rights) goes from the course's badges page to the dashboard, searches the recipients, awards
by hand after a dry run, and revokes with a reason (the error summary first, when the reason
is missing); the same pages in Arabic at 375 px. BADGES_SCREENSHOT_DIR=docs/screenshots
refreshes docs/screenshots/course-team-*.png.
"""

import pytest
from playwright.sync_api import expect

from lms_standin.demo_course import COURSE_KEY
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team_course(course, issuer, django_user_model):
    from lms_standin import courseware
    from lms_standin.models import CourseAccessRole
    from openedx_plugin.course_team import services
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeProgress

    staff = django_user_model.objects.create_user("tess", "tess@example.com", "pw-tess")
    courseware.grant_role(staff, course, CourseAccessRole.STAFF)
    wrangler = issuing.create_badge_class(issuer, "Data Wrangler", "Cleans messy data.", course_key=COURSE_KEY,
                                          criteria_narrative="Clean the census data set.", validity_days=365)
    issuing.create_badge_class(issuer, "Chart Reader", "Reads charts.", course_key=COURSE_KEY,
                               criteria_narrative="Explain three charts.")
    learners = [django_user_model.objects.create_user(name, f"{name}@example.com", "pw")
                for name in ("ada", "grace", "alan", "katherine", "edsger", "barbara")]
    for learner in learners:
        courseware.enroll(learner, course, mode="audit")
    for learner in learners[:4]:
        issuing.award_badge(wrangler, learner)
    revoked = issuing.award_badge(wrangler, learners[4])[0]
    services.revoke(revoked, actor=staff, reason="Submitted someone else's notebook.")
    BadgeProgress.objects.create(badge_class=wrangler, user=learners[5], done=1, total=2, started=True)
    return wrangler


def test_course_team_manages_a_badge(new_page, screenshot, team_course):
    page = new_page(width=1280)
    sign_in(page, "tess", "pw-tess")
    page.goto(f"/badges/course/{COURSE_KEY}/")
    page.get_by_role("link", name="Manage badges").click()
    page.wait_for_selector("h1:text('Badge dashboard')")
    table = page.get_by_role("table", name="2 badges in this course")
    assert table.is_visible()
    row = table.get_by_role("row", name="Data Wrangler")
    assert row.get_by_role("cell").all_inner_texts() == ["4", "1", "0", "1", "0"]
    screenshot(page, "course-team-dashboard")

    page.get_by_role("link", name="Data Wrangler").click()
    page.get_by_label("Search recipients").fill("a")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="2 awards")).to_be_visible()  # ada and alan, not grace
    page.get_by_label("Search recipients").fill("")
    page.get_by_label("State").select_option("revoked")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="1 award").get_by_role("cell", name="Submitted someone else's notebook.")
           ).to_be_visible()
    page.get_by_label("State").select_option("")
    page.get_by_role("button", name="Search").click()
    screenshot(page, "course-team-badge")

    page.get_by_role("link", name="Award this badge").first.click()
    page.get_by_label("Learners").fill("barbara\nada\nnobody@example.com")
    page.get_by_label("Reason").fill("Led the lab session on data cleaning.")
    page.get_by_label("Evidence note").fill("Ran the lab's census clean-up with the group.")
    page.get_by_label("Evidence link (optional)").fill("https://portfolio.example/barbara")
    assert page.get_by_label("Dry run: only show what would happen").is_checked()
    page.get_by_role("button", name="Award").click()
    page.wait_for_selector("h2:text('Dry run: nothing was awarded')")
    assert page.get_by_text("1 learner would be awarded.").is_visible()
    assert page.get_by_text("1 learner already holds it.").is_visible()
    assert page.get_by_text("1 line names no learner.").is_visible()
    page.get_by_label("Dry run: only show what would happen").uncheck()
    page.get_by_role("button", name="Award").click()
    page.wait_for_selector("h2:text('Done')")
    assert page.get_by_text("1 learner awarded.").is_visible()
    # a fresh form after the award: the list is not there to be sent twice, the dry run is ticked again
    assert page.get_by_label("Learners").input_value() == ""
    assert page.get_by_label("Dry run: only show what would happen").is_checked()
    screenshot(page, "course-team-award")

    # the learner's page: revoke without a reason first
    page.get_by_role("link", name="Back to Data Wrangler").click()
    page.get_by_role("link", name="barbara").click()
    assert page.get_by_role("table", name="This badge has no rule").count() == 0
    page.get_by_role("button", name="Revoke for good").click()
    summary = page.get_by_role("alert")
    assert "Reason for revoking" in summary.inner_text() and "This field is required." in summary.inner_text()
    reason = page.locator("form").filter(has=page.get_by_role("button", name="Revoke for good")).get_by_label("Reason")
    assert reason.get_attribute("aria-invalid") == "true"
    described = reason.get_attribute("aria-describedby").split()
    assert all(page.locator(f"#{name}").count() == 1 for name in described) and len(described) == 2
    screenshot(page, "course-team-learner-error")
    summary.get_by_role("link", name="Reason for revoking").click()
    assert page.evaluate("document.activeElement.id") == reason.get_attribute("id")
    reason.fill("Awarded to the wrong learner.")
    page.get_by_role("button", name="Revoke for good").click()
    assert page.get_by_role("status").inner_text() == "The award was revoked."

    page.get_by_role("link", name="Award history").click()
    # is_visible() does not wait: on a loaded machine the history page may still be loading
    expect(page.get_by_role("cell", name="Awarded to the wrong learner.")).to_be_visible()
    assert page.get_by_role("link", name="Evidence link").first.get_attribute("href") == "https://portfolio.example/barbara"


def test_dashboard_in_arabic_on_a_phone(new_page, screenshot, team_course, live_server):
    page = new_page(width=375, height=800)
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    sign_in(page, "tess", "pw-tess")
    page.goto(f"/badges/course/{COURSE_KEY}/manage/{team_course.uuid}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # the English badge name stays isolated in the right-to-left page
    assert page.locator("h1 bdi").inner_text() == "Data Wrangler"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "course-team-badge-ar-375")


def test_staff_of_another_course_see_a_plain_403(new_page, team_course, django_user_model):
    django_user_model.objects.create_user("otto", "otto@example.com", "pw-otto")
    page = new_page()
    sign_in(page, "otto", "pw-otto")
    response = page.goto(f"/badges/course/{COURSE_KEY}/manage/")
    assert response.status == 403
    assert page.get_by_text("Only the course team of this course").is_visible()
