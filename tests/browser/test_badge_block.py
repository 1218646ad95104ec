"""
The badge block in a real browser, end to end on the stand-in LMS.

An author creates a badge with an assessment rule in the editor; a learner answers
the homework, the award runs (in-process, as celery does in eager mode), the block
shows the earned badge, and the baked PNG it offers is verified by the independent
Node.js verifier against the documents the live server publishes.
"""

import io
import json
import re
import urllib.request

import pytest

from lms_standin.demo_course import COURSE_KEY, usage_key
from tests.interop import nodeverifier

from .conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.interop]

BLOCK_KEY = usage_key("badge_xblock", "badge")
SEQ_BASICS = usage_key("sequential", "seq-basics")


def unit(block_id):
    return f"/courses/{COURSE_KEY}/unit/{usage_key('vertical', block_id)}/"


def png_bytes():
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=(5, 80, 174, 255))
    draw.ellipse((48, 48, 208, 208), fill=(255, 214, 10, 255))
    draw.polygon([(128, 70), (146, 112), (192, 112), (155, 140), (168, 186), (128, 158), (88, 186), (101, 140),
                  (64, 112), (110, 112)], fill=(5, 80, 174, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(live_server, django_user_model):
    from lms_standin.courseware import enroll
    from lms_standin.demo_course import create_demo_course
    from openedx_plugin.credentials import issuing

    course = create_demo_course()
    issuing.create_issuer("Demo University", f"{live_server.url}/", "badges@demo-university.example", org="DemoX",
                          public_base_url=live_server.url, is_default=True)
    django_user_model.objects.create_user("author", "author@example.com", "author-pw", is_staff=True)
    learner = django_user_model.objects.create_user("learner", "learner@example.com", "learner-pw",
                                                    first_name="Ada", last_name="Lovelace")
    enroll(learner, course, mode="verified")
    return {"course": course, "learner": learner}


def answer(page, block_id, problem_id, choice):
    page.goto(unit(block_id))
    page.check(f"#{problem_id}-{choice}")
    page.locator(f"#{problem_id} button[type=submit]").click()
    page.wait_for_load_state()


def fetch(url, path):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  (the test's own live server)
        path.write_bytes(response.read())
    return path


def author_creates_the_badge(author, screenshot, tmp_path):
    """In the Studio-like editor: a first save with a missing name shows the API's message, then it saves."""
    sign_in(author, "author", "author-pw")
    author.goto(f"/studio/{BLOCK_KEY}/")
    author.locator(".openedx-badge-editor").wait_for()
    assert author.locator("select[name=badge_uuid]").input_value() == ""  # "Create a new badge"
    author.get_by_label("Heading in the unit").fill("Your course badge")
    author.get_by_label("Description").fill("Reads tidy data and recognises common file formats.")
    author.get_by_label("What a learner does to earn it").fill("Answer both homework questions on reading data.")
    author.get_by_label("Type of achievement").select_option("Assessment")
    author.get_by_label("Level").fill("Foundation")
    image_path = tmp_path / "data-reader.png"
    image_path.write_bytes(png_bytes())
    author.get_by_label("Image (PNG or SVG)").set_input_files(str(image_path))
    author.get_by_role("button", name="Add a skill").click()
    author.get_by_label("Skill name").fill("Reading data")
    author.get_by_label("Web address").fill("https://example.org/skills/reading-data")
    author.get_by_label("Framework").fill("Demo Skills Framework")
    author.get_by_label("Code", exact=True).fill("RD-1")
    author.get_by_role("button", name="Add a condition").click()
    author.get_by_label("What the learner must do").select_option("score")
    author.get_by_label("Assessment", exact=True).select_option(SEQ_BASICS)
    author.get_by_label("At least").fill("2")

    author.get_by_role("button", name="Save").click()
    name_error = author.locator('[data-error-for="name"]')
    name_error.wait_for(state="visible")
    assert "blank" in name_error.inner_text()
    assert author.get_by_label("Badge name").get_attribute("aria-invalid") == "true"
    assert author.locator('[data-role="summary"]').is_visible()
    assert author.evaluate("document.activeElement.getAttribute('data-role')") == "summary"
    screenshot(author, "studio-editor-errors")

    author.get_by_label("Badge name").fill("Data Reader")
    author.get_by_role("button", name="Preview").click()
    author.locator('[data-role="preview-body"] .openedx-badge__name').wait_for()
    assert "Score at least 2 points on Homework: reading data." in author.locator(
        '[data-role="preview-body"]').inner_text()
    author.get_by_role("button", name="Save").click()
    author.locator('[data-role="status"]', has_text="Saved").wait_for()
    assert not author.locator('[data-role="summary"]').is_visible()
    screenshot(author, "studio-editor")


def assert_badge_stored():
    from openedx_plugin.models import BadgeClass, BadgeRule

    badge = BadgeClass.objects.get(name="Data Reader")
    assert badge.course_key == COURSE_KEY and badge.image_type == "image/png"
    assert badge.alignments[0]["targetCode"] == "RD-1"
    assert BadgeRule.objects.get(badge_class=badge).condition == {
        "kind": "score", "course": COURSE_KEY, "block": SEQ_BASICS, "min_points": 2}


def learner_earns_the_badge(page, screenshot):
    """Half the homework: in progress (and Check says so); all of it: earned, with its links."""
    sign_in(page, "learner", "learner-pw")
    answer(page, "v-welcome", "q1", 0)  # correct: 1 of 2 points
    page.goto(unit("v-badge"))
    block = page.locator(".openedx-badge")
    assert block.get_attribute("data-state") == "in_progress"
    assert "1 of 2 points on Homework: reading data, 2 needed." in block.inner_text()
    page.get_by_role("button", name="Check my progress").click()
    page.locator('[data-role="live"]', has_text="not all conditions are met").wait_for()
    assert block.get_attribute("data-state") == "in_progress"
    screenshot(page, "learner-in-progress")

    answer(page, "v-formats", "q2", 1)  # correct: 2 of 2, the rule is met and the award is made
    page.goto(unit("v-badge"))
    assert block.get_attribute("data-state") == "earned"
    assert re.search(r"Earned on \w+", block.inner_text())
    linkedin = page.get_by_role("link", name=re.compile("Add to LinkedIn profile")).get_attribute("href")
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Data+Reader")
    assert "organizationName=Demo+University" in linkedin and "certUrl=" in linkedin
    assert page.get_by_role("link", name="All my badges (wallet)").get_attribute("href") == "/badges/wallet/"
    screenshot(page, "learner-earned")


def verify_download(page, live_server, tmp_path):
    """The baked PNG the block offers: unbaked here, then checked by the independent Node verifier."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Badge image (PNG, Open Badges 3.0)").click()
    baked = tmp_path / "badge.png"
    download_info.value.save_as(str(baked))

    from openedx_plugin.engine.baking import unbake_png

    version, payload = unbake_png(baked.read_bytes())
    credential = json.loads(payload)
    assert version == "ob3" and "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Data Reader"
    assert credential["issuer"]["id"].startswith("did:web:127.0.0.1")
    # Two status entries: revocation and suspension, each with its own list (issue 17).
    status_urls = [entry["statusListCredential"] for entry in credential["credentialStatus"]]
    assert [entry["statusPurpose"] for entry in credential["credentialStatus"]] == ["revocation", "suspension"]
    did_url = f"{live_server.url}/.well-known/did.json"
    documents = {did_url: fetch(did_url, tmp_path / "did.json")}
    for number, status_url in enumerate(status_urls):
        documents[status_url] = fetch(status_url, tmp_path / f"status-{number}.json")
    [result] = nodeverifier.verify([{"kind": "ob3-png", "path": str(baked)}], documents)
    assert result["verified"], result["errors"]
    assert result["revoked"] is False


def test_author_creates_a_badge_and_the_learner_earns_and_verifies_it(world, new_page, screenshot, live_server,
                                                                      tmp_path):
    nodeverifier.ensure_node_modules()
    author = new_page()
    author_creates_the_badge(author, screenshot, tmp_path)
    assert_badge_stored()
    author.goto(unit("v-badge") + "?view=author")
    author.locator(".openedx-badge__rule").wait_for()
    assert "Score at least 2 points on Homework: reading data." in author.inner_text(".openedx-badge__rule")
    screenshot(author, "author-view")

    page = new_page()
    learner_earns_the_badge(page, screenshot)
    verify_download(page, live_server, tmp_path)

    # Right to left (Arabic, Hebrew): logical CSS properties mirror the layout.
    # (The stand-in page's own skip link is placed with a physical `left`, which widens an RTL page;
    # it is not the block's, so it is taken out of this picture.)
    page.evaluate("document.documentElement.dir = 'rtl'; document.querySelector('.skip').remove()")
    screenshot(page, "learner-earned-rtl", ".openedx-badge")

    # A narrow screen: the same block, laid out for a phone.
    phone = new_page(width=390, height=844)
    sign_in(phone, "learner", "learner-pw")
    phone.goto(unit("v-badge"))
    screenshot(phone, "learner-earned-mobile")
