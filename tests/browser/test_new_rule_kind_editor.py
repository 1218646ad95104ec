"""
studio.js draws a kind it has never heard of: the kind registered from a test module brings
its label and its field, the author fills them in a real browser, and the rule is saved.
"""

import pytest

from lms_standin.demo_course import COURSE_KEY, usage_key
from openedx_plugin.rules import register
from openedx_plugin.rules.base import unregister
from tests.xblock.test_new_rule_kind import ForumPosts

from .conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BLOCK_KEY = usage_key("badge_xblock", "badge")


@pytest.fixture
def forum_kind():
    register(ForumPosts)
    yield
    unregister("forum_posts")


def test_the_editor_draws_and_reads_a_registered_kind(forum_kind, live_server, new_page, django_user_model):
    from lms_standin.demo_course import create_demo_course
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass, BadgeRule

    create_demo_course()
    issuing.create_issuer("Demo University", f"{live_server.url}/", "badges@demo-university.example", org="DemoX",
                          public_base_url=live_server.url, is_default=True)
    django_user_model.objects.create_user("author", "author@example.com", "author-pw", is_staff=True)
    author = new_page()
    sign_in(author, "author", "author-pw")
    author.goto(f"/studio/{BLOCK_KEY}/")
    author.locator(".openedx-badge-editor").wait_for()
    author.get_by_label("Heading in the unit").fill("Your forum badge")
    author.get_by_label("Badge name").fill("Forum Voice")
    author.get_by_label("Description").fill("Takes part in the forum.")
    author.get_by_label("What a learner does to earn it").fill("Write three posts.")
    author.get_by_role("button", name="Add a condition").click()
    kinds = author.get_by_label("What the learner must do")
    assert "Write in the course forum" in kinds.inner_text()
    kinds.select_option("forum_posts")
    author.get_by_label("Posts at least").fill("0")
    author.get_by_role("button", name="Save").click()
    error = author.locator('[data-error-for="rule-0-min_posts"]')
    error.wait_for(state="visible")
    assert error.inner_text() == "Enter a whole number of posts above 0."
    author.get_by_label("Posts at least").fill("3")
    author.get_by_role("button", name="Save").click()
    author.locator('[data-role="status"]', has_text="Saved").wait_for()
    badge = BadgeClass.objects.get(name="Forum Voice")
    assert BadgeRule.objects.get(badge_class=badge).condition == {"kind": "forum_posts", "course": COURSE_KEY,
                                                                  "min_posts": 3}
