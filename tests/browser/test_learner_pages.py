"""
The learner's pages of issue 18 in headless Chromium, at 1280 and 375 px: the wallet with
its course names, skills and expiring badges; the public profile; the printable
certificate, printed to PDF (one page) and looked at with the print stylesheet; the plain
page of a private badge; the badge block's "Check my progress" result on screen.
BADGES_SCREENSHOT_DIR=docs/screenshots refreshes the documented screenshots.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms_standin.demo_course import COURSE_KEY, usage_key

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"": 1280, "-mobile": 375}


@pytest.fixture
def holder(live_server, django_user_model):
    """A learner with badges in two named courses, one expiring soon, one private, and a public profile."""
    from lms_standin.demo_course import create_demo_course
    from lms_standin.models import Course
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import Award, LearnerProfile

    create_demo_course()
    Course.objects.create(course_key="course-v1:DemoX+ML201+2026", display_name="Machine Learning in Practice")
    issuer = issuing.create_issuer("Demo University", f"{live_server.url}/", "badges@demo.example", org="DemoX",
                                   public_base_url=live_server.url, is_default=True)
    learner = django_user_model.objects.create_user("ada", "ada@example.com", "ada-pw", first_name="Ada",
                                                    last_name="Lovelace")
    skills = {"targetFramework": "Example Skills Framework", "type": ["Alignment"]}
    badges = [
        issuing.create_badge_class(issuer, "Data Wrangler", "Cleans and reshapes messy data sets.",
                                   course_key=COURSE_KEY, criteria_narrative="Pass the data module.", level="Intermediate",
                                   alignments=[{**skills, "targetName": "Data cleaning", "targetCode": "DC1", "targetUrl": "https://skills.example/dc1"}]),
        issuing.create_badge_class(issuer, "Chart Maker", "Draws honest charts.", course_key=COURSE_KEY,
                                   criteria_narrative="Pass the charts module.", level="Foundation",
                                   alignments=[{**skills, "targetName": "Data visualisation", "targetCode": "DV1", "targetUrl": "https://skills.example/dv1"}]),
        issuing.create_badge_class(issuer, "Model Builder", "Trains and evaluates models.",
                                   course_key="course-v1:DemoX+ML201+2026", criteria_narrative="Pass ML201.",
                                   level="Advanced",
                                   alignments=[{**skills, "targetName": "Data cleaning", "targetCode": "DC1", "targetUrl": "https://skills.example/dc1"},
                                               {"targetName": "Machine learning", "type": ["Alignment"], "targetUrl": "https://skills.example/ml"}]),
        issuing.create_badge_class(issuer, "Peer Reviewer", "Reviewed classmates' projects.",
                                   course_key="course-v1:DemoX+ML201+2026", criteria_narrative="Review 3 projects."),
    ]
    awards = [issuing.award_badge(badge, learner)[0] for badge in badges]
    Award.objects.filter(pk=awards[1].pk).update(valid_until=timezone.now() + timedelta(days=9))
    Award.objects.filter(pk=awards[3].pk).update(public=False)
    LearnerProfile.objects.create(user=learner, slug="ada-lovelace", public=True, show_name=True,
                                  headline="Data analyst in training")
    return {"learner": learner, "awards": awards}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("suffix", list(WIDTHS))
def test_the_wallet(new_page, screenshot, holder, suffix):
    page = new_page(width=WIDTHS[suffix], height=900)
    sign_in(page, "ada", "ada-pw")
    page.goto("/badges/wallet/")
    assert page.get_by_role("heading", name="Expiring soon").is_visible()
    assert page.get_by_text("Chart Maker").first.is_visible()
    assert page.get_by_text("Course: Machine Learning in Practice").first.is_visible()
    assert COURSE_KEY not in page.locator(".obw-grid").inner_text()  # names, not keys
    skills = page.locator(".obw-skills-profile")
    assert skills.locator(".obw-skill", has_text="Data cleaning").get_by_text("Level: Advanced").is_visible()  # Data cleaning: the strongest of its two badges
    for name in ("My courses", "Home", "Sign out", "Public profile"):
        assert page.get_by_role("link", name=name, exact=True).first.is_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, f"wallet{suffix}")
    # the filters are kept on the way back from a badge
    page.select_option("#id_course", COURSE_KEY)
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Chart Maker").first.click()
    page.get_by_role("link", name="Back to my badges").click()
    assert page.locator("#id_course").input_value() == COURSE_KEY
    assert page.locator(".obw-grid .obw-card").count() == 2


@pytest.mark.parametrize("suffix", list(WIDTHS))
def test_the_public_profile(new_page, screenshot, holder, suffix):
    page = new_page(width=WIDTHS[suffix], height=900)  # a visitor, not signed in
    response = page.goto("/badges/u/ada-lovelace/")
    assert response.status == 200
    assert page.get_by_role("heading", name="Ada Lovelace").is_visible()
    assert page.get_by_text("3 verified badges").is_visible()
    assert "Peer Reviewer" not in page.content()  # made private
    link = page.get_by_role("link", name="Model Builder").first
    assert re.search(r"/badges/verify/[0-9a-f-]{36}$", link.get_attribute("href"))
    assert no_horizontal_scroll(page)
    screenshot(page, f"public-profile{suffix}")
    link.click()
    # is_visible() does not wait: the verification page may still be loading after the click
    expect(page.get_by_text("Verified: this badge is genuine")).to_be_visible()


def test_the_certificate_prints_on_one_page(new_page, screenshot, holder, tmp_path):
    award = holder["awards"][0]
    page = new_page(width=1280, height=900)
    sign_in(page, "ada", "ada-pw")
    page.goto(f"/badges/wallet/{award.uuid}/")
    page.get_by_role("link", name="Printable certificate").click()
    expect(page.get_by_role("heading", name="Data Wrangler")).to_be_visible()  # waits for the page (see above)
    screenshot(page, "certificate")
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pages == 1, f"{paper}: {pages} pages"
        (tmp_path / f"certificate-{paper}.pdf").write_bytes(pdf)
    # What the PDF's page shows: the print stylesheet on an A4 sheet (794 x 1123 CSS px at 96 dpi).
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator(".obw-header").is_visible() and not page.locator(".obw-print-actions").is_visible()
    assert page.locator(".obw-cert svg.obw-qr-svg").is_visible()
    assert page.get_by_text(f"/badges/verify/{award.uuid}").is_visible()
    box = page.locator(".obw-cert").bounding_box()
    assert box["height"] <= 1123 - 2 * 46  # inside the page's 12 mm margins
    screenshot(page, "certificate-print")


def test_a_private_badge_page(new_page, screenshot, holder):
    private = holder["awards"][3]
    page = new_page(width=375, height=700)
    response = page.goto(f"/badges/verify/{private.uuid}")
    assert response.status == 404
    assert page.get_by_role("heading", name="This badge is not shared").is_visible()
    assert "Peer Reviewer" not in page.content()
    screenshot(page, "verify-private-mobile")


def test_check_my_progress_shows_its_result_on_screen(new_page, screenshot, holder):
    from lms_standin.courseware import enroll
    from lms_standin.models import Course
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api

    enroll(holder["learner"], Course.objects.get(course_key=COURSE_KEY), mode="verified")
    badge = api.save_badge(COURSE_KEY, {"name": "Data Reader", "description": "Reads data.",
                                        "criteria_narrative": "Answer both homework questions."},
                           rule={"kind": "score", "course": COURSE_KEY,
                                 "block": usage_key("sequential", "seq-basics"), "min_points": 2})
    save_settings(usage_key("badge_xblock", "badge"), badge_uuid=badge["uuid"], display_name="Your badge")
    page = new_page(width=1280, height=1000)
    sign_in(page, "ada", "ada-pw")
    page.goto(f"/courses/{COURSE_KEY}/unit/{usage_key('vertical', 'v-badge')}/")
    # badges earned in other units of the course are in view, with the course's badges page
    assert page.get_by_text("You also hold 2 other badges of this course.").is_visible()
    assert page.get_by_role("link", name="See all the badges of this course").is_visible()
    page.get_by_role("button", name="Check my progress").click()
    result = page.locator('[data-role="live"]')
    page.wait_for_function("(t => t.trim() && t.indexOf('Checking') === -1)("
                           "document.querySelector('[data-role=live]').textContent)")
    box = result.bounding_box()
    assert result.is_visible() and box["width"] > 100 and box["height"] > 10  # on screen, not clipped away
    screenshot(page, "block-check-result", locator=".openedx-badge")


def test_the_wallet_in_arabic_keeps_english_names_readable(browser, live_server, screenshot, holder):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="ar")
    try:
        page = context.new_page()
        sign_in(page, "ada", "ada-pw")
        page.goto("/badges/wallet/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        # author-written text is isolated, so "Machine Learning in Practice" reads left to right inside RTL text
        assert page.locator(".obw-course bdi", has_text="Machine Learning in Practice").first.is_visible()
        assert page.locator('.obw-card h2 a[dir="auto"]', has_text="Model Builder").is_visible()
        assert page.evaluate("getComputedStyle(document.querySelector('.obw-course bdi')).direction") == "ltr"
        screenshot(page, "wallet-rtl")
    finally:
        context.close()
