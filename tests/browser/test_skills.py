"""
Issue 13 in a real browser: the author finds a skill of the organization's taxonomy as they type,
takes a skill the rule's content is tagged with, sets the target type, level and category, and
saves; the learner's wallet shows the skills profile and filters by level.
"""

import pytest

from lms_standin.demo_course import COURSE_KEY, usage_key

from .conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BLOCK_KEY = usage_key("badge_xblock", "badge")


@pytest.fixture
def tagged_course(live_server):
    from lms_standin.demo_course import create_demo_course
    from lms_standin.demo_skills import import_demo_taxonomy, tag_demo_course
    from openedx_plugin import compat
    from openedx_plugin.credentials import issuing
    from openedx_plugin.skills import taxonomies

    create_demo_course()
    issuing.create_issuer("Demo University", f"{live_server.url}/", "badges@demo-university.example", org="DemoX",
                          public_base_url=live_server.url, is_default=True)
    compat.import_taxonomy(taxonomies.LEVELS_NAME, taxonomies.LEVELS_EXPORT_ID, taxonomies.shipped_levels_bytes())
    taxonomy = import_demo_taxonomy()
    tag_demo_course(taxonomy.id)
    return taxonomy


def test_the_author_picks_skills_from_the_taxonomy(tagged_course, live_server, new_page, screenshot,
                                                    django_user_model):
    from openedx_plugin.models import BadgeClass

    django_user_model.objects.create_user("author", "author@example.com", "author-pw", is_staff=True)
    author = new_page(height=1400)
    sign_in(author, "author", "author-pw")
    author.goto(f"/studio/{BLOCK_KEY}/")
    author.locator(".openedx-badge-editor").wait_for()
    author.get_by_label("Heading in the unit").fill("Your skills badge")
    author.get_by_label("Badge name").fill("Chart Analyst")
    author.get_by_label("Description").fill("Summarises and charts data.")
    author.get_by_label("What a learner does to earn it").fill("Score well on the exam.")
    author.get_by_label("Level").fill("Advanced")
    author.get_by_label("Level").press("Tab")
    author.get_by_label("Category").fill("Data science")
    author.get_by_label("Category").press("Tab")
    # The rule names the exam: the editor proposes the skills its content is tagged with.
    author.get_by_role("button", name="Add a condition").click()
    author.get_by_label("Assessment").select_option(usage_key("sequential", "seq-analysis"))
    proposals = author.locator('[data-role="skill-proposals"]')
    proposals.wait_for(state="visible")
    assert "Data analysis" in proposals.inner_text() and "Data visualisation" in proposals.inner_text()
    author.get_by_label("At least").fill("80")
    author.get_by_label("Counted in").select_option("percent")
    # Search as you type.
    author.get_by_label("Find a skill in your organization's taxonomies").press_sequentially("visu", delay=40)
    result = author.locator('[data-role="pick-skill"]', has_text="Data visualisation")
    result.wait_for()
    assert "Demo Data Skills · DS-VIS" in result.inner_text()
    result.click()
    author.get_by_label("Target type").first.fill("ceasn:Competency")
    author.get_by_label("Target type").first.press("Tab")  # closes the list of suggested types
    author.locator('[data-role="propose-skill"]', has_text="Data analysis").click()
    assert author.locator('[data-role="propose-skill"]', has_text="Data analysis").count() == 0  # taken
    screenshot(author, "skills-editor", ".openedx-badge-editor")
    author.get_by_role("button", name="Save").click()
    author.locator('[data-role="status"]', has_text="Saved").wait_for()
    badge = BadgeClass.objects.get(name="Chart Analyst")
    assert [(a["targetName"], a["targetCode"], a["targetFramework"], a.get("targetType")) for a in badge.alignments] \
        == [("Data visualisation", "DS-VIS", "Demo Data Skills", "ceasn:Competency"),
            ("Data analysis", "DS-ANALYSE", "Demo Data Skills", None)]
    assert (badge.level, badge.category) == ("Advanced", "Data science")
    assert badge.alignments[0]["targetUrl"] == f"{live_server.url}/badges/skills/demo-data-skills/DS-VIS"
    assert badge.course_key == COURSE_KEY


def test_the_wallet_shows_the_skills_profile_and_filters_by_level(tagged_course, new_page, screenshot,
                                                                   django_user_model):
    from openedx_plugin import api
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass

    learner = django_user_model.objects.create_user("learner", "learner@example.com", "learner-pw")
    made = [
        ("Chart Reader", "Foundation", "Data science", ["Data visualisation"]),
        ("Chart Maker", "Advanced", "Data science", ["Data visualisation", "Data analysis"]),
        ("Tidy Data", "Beginner", "Data engineering", ["Tidy data", "File formats"]),
    ]
    for name, level, category, skills in made:
        alignments = [api.skill_alignment(None, COURSE_KEY, tagged_course.id, skill, "CFItem") for skill in skills]
        summary = api.save_badge(COURSE_KEY, {"name": name, "description": f"{name}.", "criteria_narrative": "x",
                                              "alignments": alignments, "level": level, "category": category})
        issuing.award_badge(BadgeClass.objects.get(uuid=summary["uuid"]), learner)
    page = new_page(height=1300)
    sign_in(page, "learner", "learner-pw")
    page.goto("/badges/wallet/")
    profile = page.locator(".obw-skills-profile")
    profile.wait_for()
    skill = profile.locator(".obw-skill", has_text="Data visualisation")
    assert "Level: Advanced" in skill.inner_text()  # the strongest of Foundation and Advanced
    assert skill.locator(".obw-skill-badges li").count() == 2
    assert profile.locator("h3").all_inner_texts() == ["Demo Data Skills"]
    screenshot(page, "skills-wallet")
    page.get_by_label("Level").select_option("Beginner")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    cards = page.locator(".obw-card h2").all_inner_texts()
    assert cards == ["Tidy Data"]
    assert "Category: Data engineering" in page.locator(".obw-card").first.inner_text()
