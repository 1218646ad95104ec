"""The courseware pages: outline, unit (answer form, CSRF), progress, jump_to, sign-in."""

import re

import pytest
from completion.models import BlockCompletion
from django.test import Client
from django.urls import reverse

from lms_standin.demo_course import COURSE_KEY, usage_key
from lms_standin.models import Enrollment, ProblemScore

pytestmark = pytest.mark.django_db

OUTLINE = f"/courses/{COURSE_KEY}/"


def unit_url(block_id):
    return f"/courses/{COURSE_KEY}/unit/{usage_key('vertical', block_id)}/"


@pytest.fixture
def client_in(client, enrolled):
    client.force_login(enrolled)
    return client


def test_urls_reverse_to_the_lms_paths(course):
    assert reverse("course-outline", kwargs={"course_key": COURSE_KEY}) == OUTLINE
    assert reverse("course-unit", kwargs={"course_key": COURSE_KEY,
                                          "usage_key": usage_key("vertical", "v-welcome")}) == unit_url("v-welcome")


def test_home_links_to_the_course(client, course):
    assert f'href="{OUTLINE}"' in client.get("/").content.decode()


def test_outline_for_anonymous_visitors(client, course):
    page = client.get(OUTLINE).content.decode()
    assert "<h1>Open Badges Demo Course</h1>" in page
    assert "Homework: reading data" in page and "(graded)" in page
    assert f'href="{unit_url("v-welcome")}"' in page
    assert "/accounts/login/?next=" in page


def test_enrolling_from_the_outline(client, student, course):
    client.force_login(student)
    assert "Enroll in this course" in client.get(OUTLINE).content.decode()
    response = client.post(f"/courses/{COURSE_KEY}/enroll/")
    assert response.status_code == 302
    assert Enrollment.objects.get(user=student).mode == "verified"


def test_unit_needs_sign_in_and_enrollment(client, student, course):
    response = client.get(unit_url("v-welcome"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")
    client.force_login(student)
    response = client.get(unit_url("v-welcome"))
    assert response.status_code == 302 and response.url == OUTLINE


def test_unit_page_renders_problems_as_accessible_forms_and_completes_html(client_in, enrolled):
    page = client_in.get(unit_url("v-welcome")).content.decode()
    assert "<legend>In a tidy data set, what does each row hold?</legend>" in page
    assert len(re.findall(r'<input type="radio" id="q1-\d" name="choice"', page)) == 3
    assert '<label class="choice" for="q1-0">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert BlockCompletion.objects.filter(user=enrolled, block_key=usage_key("html", "welcome")).exists()
    assert not BlockCompletion.objects.filter(user=enrolled, block_key=usage_key("problem", "q1")).exists()


def test_badge_block_placeholder(client_in):
    page = client_in.get(unit_url("v-badge")).content.decode()
    assert f'data-badge-block="{usage_key("badge_xblock", "badge")}"' in page


def test_answering_redirects_back_with_the_score(client_in, enrolled):
    response = client_in.post(unit_url("v-welcome"), {"block": usage_key("problem", "q1"), "choice": "0"})
    assert response.status_code == 302 and response.url == unit_url("v-welcome") + "#q1"
    page = client_in.get(response.url).content.decode()
    assert "Correct: you scored 1 of 1 on “Tidy data”. Course grade: 25%." in page
    assert "Your score: 1 of 1 point." in page
    assert ProblemScore.objects.get(user=enrolled).earned == 1.0


@pytest.mark.parametrize("data", [
    {"block": usage_key("problem", "q1")},                      # no choice
    {"block": usage_key("problem", "q1"), "choice": "7"},       # out of range
    {"block": usage_key("problem", "q2"), "choice": "0"},       # a problem of another unit
])
def test_invalid_answers_are_refused(client_in, data):
    response = client_in.post(unit_url("v-welcome"), data, follow=True)
    assert "Choose one of the answers" in response.content.decode()
    assert not ProblemScore.objects.exists()


def test_post_without_csrf_token_is_forbidden(enrolled):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    data = {"block": usage_key("problem", "q1"), "choice": "0"}
    assert client.post(unit_url("v-welcome"), data).status_code == 403
    assert not ProblemScore.objects.exists()

    page = client.get(unit_url("v-welcome")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(unit_url("v-welcome"), dict(data, csrfmiddlewaretoken=token)).status_code == 302
    assert ProblemScore.objects.count() == 1


def test_progress_page(client_in):
    for unit, block_id, choice in (("v-welcome", "q1", 0), ("v-formats", "q2", 1), ("v-summaries", "q3", 2)):
        client_in.post(unit_url(unit), {"block": usage_key("problem", block_id), "choice": choice})
    page = client_in.get(f"/courses/{COURSE_KEY}/progress/").content.decode()
    assert "75% (passed)" in page
    assert "downloadable (verified)" in page
    assert "60% of the course" in page  # completion: 3 of 5 leaves (the html was never viewed)


def test_jump_to_finds_the_unit(client, course):
    base = f"/courses/{COURSE_KEY}/jump_to/"
    assert client.get(base + usage_key("problem", "q2")).url == unit_url("v-formats") + "#q2"
    assert client.get(base + usage_key("sequential", "seq-analysis")).url == unit_url("v-summaries")
    assert client.get(base + usage_key("vertical", "v-charts")).url == unit_url("v-charts")
    assert client.get(base + "block-v1:DemoX+BADGE101+2026+type@course+block@course").url == OUTLINE
    assert client.get(base + usage_key("problem", "nope")).status_code == 404


def test_sign_in_page(client, student):
    assert 'for="id_username"' in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/login/", {"username": "ada", "password": "pw", "next": OUTLINE})
    assert response.status_code == 302 and response.url == OUTLINE
