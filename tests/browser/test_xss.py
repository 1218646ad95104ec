"""
Badge text with HTML and script, shown everywhere a person sees it, in a real browser:
the block (learner and author views), the wallet (list, detail, course tab) and the
public verification page. No script may run, and the text must read as typed.
"""

import pytest

from lms_standin.demo_course import COURSE_KEY, usage_key

from .conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PAYLOADS = {
    "name": 'Data <script>window.__xss=1</script> Reader',
    "description": '<img src=x onerror="window.__xss=2"> reads data',
    "criteria_narrative": '"><svg onload="window.__xss=3"></svg> answer both questions',
    "issuer": 'Uni <script>window.__xss=4</script>',
    "evidence": '<iframe srcdoc="<script>parent.__xss=5</script>"></iframe> project',
}


@pytest.fixture
def hostile_world(live_server, django_user_model):
    from lms_standin import xblock_runtime
    from lms_standin.courseware import enroll
    from lms_standin.demo_course import create_demo_course
    from openedx_plugin import api
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass

    course = create_demo_course()
    issuing.create_issuer(PAYLOADS["issuer"], f"{live_server.url}/", "badges@hostile.example", org="DemoX",
                          public_base_url=live_server.url, is_default=True)
    summary = api.save_badge(COURSE_KEY, {"name": PAYLOADS["name"], "description": PAYLOADS["description"],
                                          "criteria_narrative": PAYLOADS["criteria_narrative"]},
                             rule={"kind": "course_passed", "course": COURSE_KEY})
    xblock_runtime.save_settings(usage_key("badge_xblock", "badge"), badge_uuid=summary["uuid"],
                                 display_name=PAYLOADS["name"])
    django_user_model.objects.create_user("author", "author@example.com", "author-pw", is_staff=True)
    learner = django_user_model.objects.create_user("learner", "learner@example.com", "learner-pw")
    enroll(learner, course, mode="verified")
    award, _ = issuing.award_badge(BadgeClass.objects.get(uuid=summary["uuid"]), learner,
                                   evidence=[{"name": PAYLOADS["evidence"], "narrative": PAYLOADS["evidence"]}])
    return {"award": award}


def assert_inert(page, url, dialogs, expect_text):
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined", url
    assert not dialogs, (url, dialogs)
    body = page.locator("body").inner_text()
    for text in expect_text:
        assert text in body, (url, text)


def test_hostile_badge_text_never_runs(hostile_world, new_page, live_server):
    from openedx_plugin.credentials import public_urls

    award = hostile_world["award"]
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    badge_unit = f"/courses/{COURSE_KEY}/unit/{usage_key('vertical', 'v-badge')}/"
    verify_path = public_urls.verify_page_url(award)[len(live_server.url):]

    # anyone: the public verification page
    assert_inert(page, verify_path, dialogs, [PAYLOADS["name"], PAYLOADS["description"]])

    # the learner: the block, the wallet list and detail, the course tab
    sign_in(page, "learner", "learner-pw")
    assert_inert(page, badge_unit, dialogs, [PAYLOADS["name"], PAYLOADS["criteria_narrative"]])
    assert_inert(page, "/badges/wallet/", dialogs, [PAYLOADS["name"]])
    assert_inert(page, f"/badges/wallet/{award.uuid}/", dialogs, [PAYLOADS["name"], PAYLOADS["description"]])
    assert_inert(page, f"/badges/course/{COURSE_KEY}/", dialogs, [PAYLOADS["name"]])

    # staff: the author view and the editor
    author = new_page()
    author.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(author, "author", "author-pw")
    assert_inert(author, badge_unit + "?view=author", dialogs, [PAYLOADS["name"]])
    assert_inert(author, f"/studio/{usage_key('badge_xblock', 'badge')}/", dialogs, [])
    assert author.get_by_label("Badge name").input_value() == PAYLOADS["name"]
