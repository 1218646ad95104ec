"""
The operator's overview in headless Chromium: an operator signs in to the admin, finds the
overview on the admin index, and sees every chart drawn with its table beside it.
BADGES_SCREENSHOT_DIR=docs/screenshots refreshes docs/screenshots/operator-overview.png.
"""

import pytest
from django.contrib.auth.models import Permission

from tests.visibility.overview_data import build

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_opens_the_overview_from_the_admin_index(new_page, screenshot, issuer, django_user_model):
    build(issuer, django_user_model)
    operator = django_user_model.objects.create_user("operator", "op@example.com", "pw-operator", is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="view_award"))
    page = new_page(width=1400, height=1000)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "pw-operator")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Overview: awards, revocations and pushes").click()
    page.wait_for_selector("#obo-overview")
    charts = page.locator("svg.obo-chart")
    assert charts.count() == 5
    names = [charts.nth(i).get_attribute("aria-labelledby") for i in range(5)]
    assert all(name.endswith("-desc") for name in names)
    # the charts really drew: bars with a size, and the pathway badge's bar is there
    sizes = page.eval_on_selector_all("svg.obo-chart rect", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(sizes) >= 12 and max(sizes) > 100
    assert page.get_by_role("table", name="Pushes by destination").is_visible()
    assert page.get_by_role("cell", name="75.0", exact=True).is_visible()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.reload()
    assert not errors
    screenshot(page, "operator-overview")


def test_wallet_share_buttons_report_the_share(new_page, badge_class, django_user_model):
    """The learner's click on "Copy link" and on LinkedIn reaches the tracking log (wallet.js)."""
    import time  # pylint: disable=import-outside-toplevel

    from lms_standin import tracking_log  # pylint: disable=import-outside-toplevel
    from openedx_plugin.credentials import issuing  # pylint: disable=import-outside-toplevel
    from tests.browser.conftest import sign_in  # pylint: disable=import-outside-toplevel

    learner = django_user_model.objects.create_user("sharer", "sharer@example.com", "pw-sharer")
    award, _ = issuing.award_badge(badge_class, learner)
    tracking_log.EVENTS.clear()
    page = new_page()
    # Nothing leaves the machine: every request off the live server is answered here.

    def stay_local(route):
        if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body="<title>LinkedIn stand-in</title>")

    page.context.route("**/*", stay_local)  # the context's pages, the LinkedIn tab included
    sign_in(page, "sharer", "pw-sharer")
    page.goto(f"/badges/wallet/{award.uuid}/")
    page.get_by_role("button", name="Copy link").click()
    with page.context.expect_page() as linkedin:  # the LinkedIn link opens a new tab
        page.locator('[data-share-channel="linkedin"]').click()
    linkedin.value.close()
    deadline = time.monotonic() + 10
    while len(tracking_log.named("edx.badge.assertion.shared")) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    channels = sorted(event["data"]["social_network"] for event in tracking_log.named("edx.badge.assertion.shared"))
    assert channels == ["copy_link", "linkedin"]
