"""
The block at its edges (issue 19, item 14; issue 17, finding 5, block side).

Outside a course it neither lists nor saves badges ("" is the operator's, not a
course); a runtime that names no platform user gets no "Sign in" link; preview
checks what Save checks; hostile JSON bodies get a 400; the learner view survives
a host where the platform's data cannot be read.
"""

import json

import pytest
from webob import Request
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import MemoryIdManager, Runtime

from badge_xblock import BadgeXBlock

from .conftest import BLOCK_KEY, COURSE_KEY, call
from .test_handlers import form

pytestmark = pytest.mark.django_db


class NamelessUserService(UserService):
    """A signed-in user the runtime names only in its own terms (as xblock-sdk's workbench does)."""

    def get_current_user(self):
        user = XBlockUser(is_current_user=True, emails=["dev@example.com"], full_name="Block Developer")
        user.opt_attrs["xblock-workbench.user_id"] = "student_1"
        return user


class StaffUserService(UserService):
    """An LMS-shaped course-staff user, for a block that has no course."""

    def __init__(self, user):
        super().__init__()
        self.user = user

    def get_current_user(self):
        xblock_user = XBlockUser(is_current_user=True)
        xblock_user.opt_attrs.update({"edx-platform.user_id": self.user.id, "edx-platform.is_authenticated": True,
                                      "edx-platform.user_is_staff": True, "edx-platform.username": "author"})
        return xblock_user


class BareRuntime(Runtime):
    """A runtime with string usage ids and no course, like a developer's test harness."""

    def handler_url(self, *args, **kwargs):
        return "/handler/"

    def local_resource_url(self, block, uri):
        return "/resource/" + uri

    def resource_url(self, resource):
        return "/static/" + resource

    def publish(self, *args, **kwargs):
        pass


def bare_block(user_service, **fields):
    ids = MemoryIdManager()
    runtime = BareRuntime(ids, ids, services={"user": user_service, "field-data": DictFieldData(fields)})
    return runtime.construct_xblock_from_class(BadgeXBlock, ScopeIds("u1", "badge_xblock", "def-1", "usage-1"))


@pytest.fixture
def operator_badge(issuer):
    """A badge not tied to any course (course_key ""), as the operator makes them in the admin."""
    from openedx_plugin.models import BadgeClass

    return BadgeClass.objects.create(issuer=issuer, name="Operator badge", description="Not a course's.",
                                     criteria_narrative="Ask the operator.", course_key="")


# --- no course, no badges ------------------------------------------------------------------------


def test_a_block_outside_a_course_lists_and_edits_nothing(operator_badge, staff):
    from openedx_plugin.models import BadgeClass

    block = bare_block(StaffUserService(staff), badge_uuid=str(operator_badge.uuid))
    assert block.course_key() == "" and block.course_context() is None
    assert block.course_badges() == [] and block.course_badge() is None
    html = block.runtime.render(block, "studio_view", {}).body_html()
    assert "not part of a course" in html and "Operator badge" not in html
    status, data = call(block, "save_badge", form(badge_uuid=str(operator_badge.uuid), name="Hijacked"))
    assert status == 403 and "not part of a course" in data["error"]
    assert BadgeClass.objects.get(uuid=operator_badge.uuid).name == "Operator badge"
    learner_view = block.runtime.render(block, "student_view", {}).body_html()
    assert "Operator badge" not in learner_view


@pytest.mark.parametrize("course_id", ["", "   ", "not a course key"])
def test_an_empty_or_bad_course_id_is_no_course(course_id, staff):
    block = bare_block(StaffUserService(staff))
    block.runtime.course_id = course_id
    assert block.course_context() is None and block.course_key() == ""
    assert "not part of a course" in block.author_denial()


@pytest.mark.parametrize("course_key", ["", "  ", None])
def test_the_api_refuses_to_save_a_badge_without_a_course(course_key, operator_badge):
    from django.core.exceptions import ValidationError

    from openedx_plugin import api
    from openedx_plugin.models import BadgeClass

    with pytest.raises(ValidationError) as raised:
        api.save_badge(course_key, {"name": "Hijacked"}, badge_uuid=str(operator_badge.uuid))
    assert "course" in raised.value.message_dict
    assert BadgeClass.objects.get(uuid=operator_badge.uuid).name == "Operator badge"


# --- who is asking ---------------------------------------------------------------------------------


def test_a_runtime_without_course_roles_is_told_so(course, issuer):
    """The workbench's user is signed in but has no course role: a clear refusal, not "course team"."""
    block = bare_block(NamelessUserService())
    block.runtime.course_id = COURSE_KEY
    assert block.identity() == "unknown"
    html = block.runtime.render(block, "studio_view", {}).body_html()
    assert "does not tell the badge block your role" in html
    status, data = call(block, "save_badge", form())
    assert status == 403 and "does not tell the badge block your role" in data["error"]


def test_a_signed_in_user_is_not_offered_sign_in(configured):
    block = bare_block(NamelessUserService(), badge_uuid=configured["uuid"])
    block.runtime.course_id = COURSE_KEY
    html = block.runtime.render(block, "student_view", {}).body_html()
    assert "Data Reader" in html and "Learners of the course see their progress here." in html
    assert "Sign in" not in html and 'data-role="sign-in"' not in html
    status, data = call(block, "check_now", {})
    assert status == 403 and "Sign in" not in data["error"]


def test_an_anonymous_visitor_of_the_lms_is_offered_sign_in(configured, block_for, settings):
    block = block_for(None)
    assert block.identity() == "anonymous"
    html = block.runtime.render(block, "student_view", {}).body_html()
    assert 'data-role="sign-in"' in html and f'href="{settings.LOGIN_URL}"' in html


# --- preview checks what Save checks ---------------------------------------------------------------


@pytest.mark.parametrize("overrides,field", [
    ({"display_name": ""}, "display_name"),
    ({"name": ""}, "name"),
    ({"image": {"filename": "badge.gif", "data": "R0lGODlh"}}, "image"),
])
def test_preview_refuses_what_save_refuses(overrides, field, issuer, course, staff, block_for):
    from openedx_plugin.models import BadgeClass

    status, saved = call(block_for(staff), "save_badge", form(**overrides))
    assert status == 400 and field in saved["errors"]
    status, previewed = call(block_for(staff), "preview", form(**overrides))
    assert status == 200 and previewed["ok"] is False and field in previewed["errors"]
    assert not BadgeClass.objects.exists()


def test_preview_of_a_valid_form_stores_nothing(issuer, course, staff, block_for):
    from openedx_plugin.models import BadgeClass, BadgeRule

    status, data = call(block_for(staff), "preview", form())
    assert status == 200 and data["ok"] is True and data["errors"] == {}
    assert not BadgeClass.objects.exists() and not BadgeRule.objects.exists()


def test_preview_without_an_issuer_says_what_save_says(course, staff, block_for):
    _status, saved = call(block_for(staff), "save_badge", form())
    _status, previewed = call(block_for(staff), "preview", form())
    assert "issuer" in saved["errors"] and previewed["errors"] == saved["errors"]


# --- hostile bodies -----------------------------------------------------------------------------------


def raw_call(block, handler, body):
    request = Request.blank("/", method="POST")
    request.body = body
    request.content_type = "application/json"
    response = block.runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body)


@pytest.mark.parametrize("handler", ["save_badge", "preview", "check_now"])
@pytest.mark.parametrize("body,message", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"fields": ' + b"[" * 40 + b"]" * 40 + b"}", "nested too deeply"),
    (b'{"display_name": "\\ud800", "fields": {"name": "x"}}', "not valid Unicode"),
    (b'{"\\udfff": 1}', "not valid Unicode"),
    (b"\xff\xfe", "could not be read"),
])
def test_hostile_bodies_get_a_400(handler, body, message, configured, staff, block_for):
    from openedx_plugin.models import BadgeClass

    status, data = raw_call(block_for(staff), handler, body)
    assert status == 400 and message in data["error"]
    assert BadgeClass.objects.get(uuid=configured["uuid"]).name == "Data Reader"


def test_get_is_still_refused_with_405(configured, staff, block_for):
    block = block_for(staff)
    response = block.runtime.handle(block, "save_badge", Request.blank("/", method="GET"))
    assert response.status_code == 405


# --- a host without the platform's data --------------------------------------------------------------


def test_learner_view_survives_unreadable_platform_data(monkeypatch, configured, student, block_for):
    """ModuleNotFoundError: xmodule (no platform, no stand-in) must not break the unit."""
    from openedx_plugin import api

    def no_platform(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'xmodule'")

    monkeypatch.setattr(api, "learner_state", no_platform)
    monkeypatch.setattr(api, "course_assessments", no_platform)
    block = block_for(student)
    html = block.runtime.render(block, "student_view", {}).body_html()
    assert "This badge cannot be shown right now." in html


def test_editor_opens_when_the_course_structure_cannot_be_read(monkeypatch, configured, staff, block_for):
    from openedx_plugin import api

    def no_platform(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'xmodule'")

    monkeypatch.setattr(api, "course_assessments", no_platform)
    block = block_for(staff)
    html = block.runtime.render(block, "studio_view", {}).body_html()
    assert 'data-init="BadgeXBlockStudio"' in html
    assert block.runtime.render(block_for(staff), "author_view", {}).body_html().count("Data Reader") >= 1


def test_block_key_is_the_demo_course(block_for, course):
    assert block_for(None).course_key() == COURSE_KEY and BLOCK_KEY.startswith("block-v1:")
