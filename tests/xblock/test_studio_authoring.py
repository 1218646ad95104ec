"""
Authoring in Studio's runtime, as Studio gives it (issue 19, item 1).

Studio's user service has no ``user_is_staff`` (it is False there); the block must
ask ``studio_user_permissions.can_write`` on its own course. Studio's handler view
only asks for a login, so the block's check is the only gate and stays strict.
"""

import json

import pytest
from django.test import Client

from .conftest import BLOCK_KEY, COURSE_KEY, call
from .test_handlers import form

pytestmark = pytest.mark.django_db

STUDIO_HANDLER = f"/studio/{BLOCK_KEY}/handler/"


@pytest.fixture
def studio_block():
    """studio_block(user, preview=False) -> the demo block in the stand-in's Studio runtime."""
    from django.contrib.auth.models import AnonymousUser

    from lms_standin.xblock_runtime import StandInStudioRuntime

    def load(user, preview=False):
        return StandInStudioRuntime(user if user is not None else AnonymousUser(), preview=preview).load_block(
            BLOCK_KEY)
    return load


def test_studio_runtime_gives_the_services_studio_gives(course, staff, studio_block, block_for):
    """Studio: a user service without the staff flag, studio_user_permissions; the LMS: no permissions service."""
    block = studio_block(staff)
    attrs = block.runtime.service(block, "user").get_current_user().opt_attrs
    assert attrs["edx-platform.user_is_staff"] is False and attrs["edx-platform.user_role"] == "student"
    permissions = block.runtime.service(block, "studio_user_permissions")
    assert permissions.can_write(block.course_context()) is True
    with pytest.raises(TypeError):
        permissions.can_write(COURSE_KEY)  # the platform reads the key's attributes: a string is an error
    lms = block_for(staff)
    assert lms.runtime.service(lms, "studio_user_permissions") is None
    wanted = ("user", "i18n", "settings", "studio_user_permissions")
    assert {name for name in wanted if lms.runtime.service(lms, name) is not None} == {"user", "i18n", "settings"}
    assert {name for name in wanted if block.runtime.service(block, name) is not None} == set(wanted)
    assert lms.runtime.service(lms, "user").get_current_user().opt_attrs["edx-platform.user_is_staff"] is True


def test_author_opens_the_editor_and_saves_in_studio(issuer, course, staff, studio_block):
    from openedx_plugin.models import BadgeClass

    block = studio_block(staff)
    html = block.runtime.render(block, "studio_view", {}).body_html()
    assert 'data-init="BadgeXBlockStudio"' in html and "Only the course team" not in html
    assert f'data-handler-base="{STUDIO_HANDLER}"' in html
    status, data = call(block, "save_badge", form())
    assert status == 200 and data["ok"], data
    assert BadgeClass.objects.get(uuid=data["badge"]["uuid"]).course_key == COURSE_KEY
    status, data = call(studio_block(staff), "preview", form(name="Preview only"))
    assert status == 200 and data["ok"] and "Preview only" in data["html"]


def test_preview_runtime_renders_the_author_view(issuer, course, staff, studio_block, configured):
    block = studio_block(staff, preview=True)
    assert block.runtime.service(block, "user").get_current_user().opt_attrs["edx-platform.user_role"] == "staff"
    html = block.runtime.render(block, "author_view", {}).body_html()
    assert "Data Reader" in html


@pytest.mark.parametrize("who", ["student", "anonymous"])
def test_studio_refuses_everyone_else(who, issuer, course, student, studio_block, configured):
    """Any signed-in user reaches Studio's handlers: only course write access may author."""
    from openedx_plugin.models import BadgeClass

    block = studio_block(student if who == "student" else None)
    html = block.runtime.render(block, "studio_view", {}).body_html()
    assert "Only the course team can edit this badge." in html and "BadgeXBlockStudio" not in html
    for handler in ("save_badge", "preview"):
        status, data = call(studio_block(student if who == "student" else None), handler,
                            form(badge_uuid=configured["uuid"], name="Hijacked"))
        assert status == 403 and "course team" in data["error"]
    assert BadgeClass.objects.get(uuid=configured["uuid"]).name == "Data Reader"


def test_write_access_is_asked_for_this_blocks_course(issuer, course, staff, studio_block):
    """A permissions service that grants another course only: the block's own course decides."""
    from opaque_keys.edx.keys import CourseKey

    asked = []

    class OtherCourseOnly:
        def can_write(self, course_key):
            asked.append(course_key)
            return course_key == CourseKey.from_string("course-v1:Other+X+2026")

    block = studio_block(staff)
    block.runtime._services["studio_user_permissions"] = OtherCourseOnly()  # noqa: SLF001
    status, data = call(block, "save_badge", form())
    assert status == 403 and "course team" in data["error"]
    assert asked == [CourseKey.from_string(COURSE_KEY)] and isinstance(asked[0], CourseKey)


def test_studio_handler_view_asks_only_for_a_login(issuer, course, staff, student):
    """The stand-in's Studio handler URL behaves like component_handler: the block refuses the learner."""
    payload = json.dumps(form()).encode()
    anonymous = Client().post(STUDIO_HANDLER + "save_badge/", payload, content_type="application/json")
    assert anonymous.status_code == 403
    learner = Client()
    learner.force_login(student)
    refused = learner.post(STUDIO_HANDLER + "save_badge/", payload, content_type="application/json")
    assert refused.status_code == 403 and "course team" in refused.json()["error"]
    author = Client()
    author.force_login(staff)
    saved = author.post(STUDIO_HANDLER + "save_badge/", payload, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["ok"]
    page = author.get(f"/studio/{BLOCK_KEY}/")
    assert page.status_code == 200 and f'data-handler-base="{STUDIO_HANDLER}"' in page.content.decode()


def test_studio_saves_fields_for_authors_only(issuer, course, staff, student, block_for):
    """As component_handler: fields are saved after the handler for course authors; others' changes are dropped."""
    from lms_standin.xblock_runtime import StandInStudioRuntime

    dropped = StandInStudioRuntime(student, save_fields=False).load_block(BLOCK_KEY)
    dropped.display_name = "Changed by a learner"
    dropped.save()
    assert block_for(staff).display_name == "Badge"
    author = Client()
    author.force_login(staff)
    saved = author.post(STUDIO_HANDLER + "save_badge/", json.dumps(form(display_name="Authored")),
                        content_type="application/json")
    assert saved.status_code == 200
    block = block_for(staff)
    assert block.badge_uuid == saved.json()["badge"]["uuid"] and block.display_name == "Authored"
