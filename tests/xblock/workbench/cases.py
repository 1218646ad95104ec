"""
The badge block in xblock-sdk's workbench, over HTTP, as a block developer tries it.

Run by tests/xblock/test_workbench.py with ``--ds=tests.xblock.workbench.settings``:
the workbench's own runtime, views, field storage and user service; the plugin app
installed; no stand-in LMS and no platform.

In the plain workbench the block renders, refuses authoring with a reason (the
workbench reports no course and no course role), never offers a sign-in page, and
its handlers answer with clear JSON errors. Given a course and Studio's
``studio_user_permissions`` service (``WORKBENCH["services"]``, the workbench's way
to add a service), the editor opens and saves, and the saved badge shows.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from workbench.runtime import WorkbenchRuntime
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

pytestmark = pytest.mark.django_db

COURSE = "course-v1:Workbench+WB101+2026"
SCENARIO = "badge_xblock.0"


class CoursePermissions:
    """Studio's StudioPermissionsService shape, granting write on COURSE only (the workbench has no roles)."""

    def can_read(self, course_key):
        return str(course_key) == COURSE

    def can_write(self, course_key):
        from opaque_keys.edx.keys import CourseKey

        return isinstance(course_key, CourseKey) and str(course_key) == COURSE


@pytest.fixture(autouse=True)
def workbench():
    reset_global_state()
    yield
    reset_global_state()


@pytest.fixture
def in_a_course(settings, monkeypatch, db):
    """The workbench runtime names a course, and Studio's permissions service is added the workbench's way."""
    from openedx_plugin.credentials import issuing

    services = dict(settings.WORKBENCH["services"],
                    studio_user_permissions="tests.xblock.workbench.cases.CoursePermissions")
    settings.WORKBENCH = dict(settings.WORKBENCH, services=services)
    monkeypatch.setattr(WorkbenchRuntime, "course_id", COURSE, raising=False)
    issuing.create_issuer("Workbench Academy", "https://academy.example/", "badges@academy.example",
                          public_base_url="http://127.0.0.1:8000")


def usage_id():
    return get_scenarios()[SCENARIO].usage_id


def page(view="student_view"):
    response = Client().get(f"/scenario/{SCENARIO}/{view}/")
    assert response.status_code == 200, response.content[-2000:]
    return response.content.decode()


def post(handler, payload=None, body=None):
    url = reverse("handler", args=(usage_id(), handler, ""))
    data = body if body is not None else json.dumps(payload or {})
    response = Client().post(url, data, content_type="application/json")
    return response.status_code, response.json()


def form(**fields):
    values = {"name": "Workbench Badge", "description": "Made in the workbench.",
              "criteria_narrative": "Try the block.", "criteria_url": "", "achievement_type": "Badge",
              "level": "", "validity_days": "", "alignments": []}
    values.update(fields)
    return {"display_name": values.pop("display_name", "Your badge"), "badge_uuid": "", "fields": values,
            "rule": {"combine": "all", "conditions": [{"kind": "course_passed", "min_percent": "50"}]},
            "image": None}


# --- the plain workbench -----------------------------------------------------------------------------


def test_the_workbench_lists_the_blocks_scenarios(settings):
    from openedx_plugin import compat

    assert not getattr(settings, "OPENEDX_BADGES_PLATFORM_STANDIN", "") and not compat.in_platform()
    response = Client().get("/")
    assert response.status_code == 200 and "Open Badges: badge block" in response.content.decode()


def test_the_learner_view_renders_without_a_sign_in_link():
    html = page()
    assert "openedx-badge" in html and "This badge is not available yet." in html
    assert 'data-role="sign-in"' not in html and "/login" not in html


def test_the_editor_says_why_it_cannot_edit_here():
    html = page("studio_view")
    assert "not part of a course" in html and "BadgeXBlockStudio" not in html


@pytest.mark.parametrize("handler", ["save_badge", "preview"])
def test_authoring_handlers_refuse_with_a_reason(handler):
    from openedx_plugin.models import BadgeClass

    status, data = post(handler, form())
    assert status == 403 and "not part of a course" in data["error"]
    assert not BadgeClass.objects.exists()


def test_check_now_answers_without_offering_sign_in():
    status, data = post("check_now")
    assert status == 403 and "Sign in" not in data["error"]


@pytest.mark.parametrize("body", [b"[" * 50_000 + b"]" * 50_000, b'{"display_name": "\\udc80"}'])
def test_hostile_bodies_get_a_400(body):
    status, data = post("save_badge", body=body)
    assert status == 400 and data["error"]


def test_without_a_course_role_the_block_says_so(monkeypatch):
    """A course but no role from the runtime (the workbench's user service has none): a clear refusal."""
    monkeypatch.setattr(WorkbenchRuntime, "course_id", COURSE, raising=False)
    assert "does not tell the badge block your role" in page("studio_view")
    status, data = post("save_badge", form())
    assert status == 403 and "does not tell the badge block your role" in data["error"]


# --- a workbench that names a course and Studio's permissions ------------------------------------------


def test_the_editor_opens_saves_and_the_badge_shows(in_a_course):
    from openedx_plugin.models import BadgeClass

    editor = page("studio_view")
    assert 'BadgeXBlockStudio' in editor and "Workbench Academy" not in editor
    status, data = post("save_badge", form(display_name="Workbench badge"))
    assert status == 200 and data["ok"] is True, data
    badge = BadgeClass.objects.get(uuid=data["badge"]["uuid"])
    assert badge.course_key == COURSE and badge.name == "Workbench Badge"
    learner = page()
    assert "Workbench Badge" in learner and "Workbench badge" in learner
    assert "Learners of the course see their progress here." in learner and 'data-role="sign-in"' not in learner


def test_preview_validates_as_save_in_the_workbench(in_a_course):
    status, data = post("preview", form(display_name=""))
    assert status == 200 and data["ok"] is False and "display_name" in data["errors"]
    status, data = post("preview", form())
    assert status == 200 and data["ok"] is True and "Workbench Badge" in data["html"]


def test_the_learner_view_survives_a_host_without_the_plugins_urls(in_a_course, settings):
    status, data = post("save_badge", form())
    assert status == 200 and data["ok"]
    settings.ROOT_URLCONF = "workbench.urls"
    html = page()  # a 200, not a NoReverseMatch: the badge, or a message while its links cannot be made
    assert "Workbench Badge" in html or "This badge cannot be shown right now." in html

