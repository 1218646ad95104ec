"""The stand-in LMS's XBlock runtime and endpoints: storage, services, handlers (login, access, CSRF), files, pages."""

import json

import pytest
from django.test import Client

from lms_standin.demo_course import COURSE_KEY, usage_key

from .conftest import BLOCK_KEY

pytestmark = pytest.mark.django_db

HANDLER = f"/xblock/{BLOCK_KEY}/handler/check_now/"
STUDIO = f"/studio/{BLOCK_KEY}/"
UNIT = f"/courses/{COURSE_KEY}/unit/{usage_key('vertical', 'v-badge')}/"


def test_field_storage_round_trip(course):
    from xblock.fields import Scope
    from xblock.runtime import KeyValueStore

    from lms_standin.xblock_runtime import DatabaseKeyValueStore

    store = DatabaseKeyValueStore()
    key = KeyValueStore.Key(Scope.settings, None, BLOCK_KEY, "badge_uuid")
    assert not store.has(key)
    with pytest.raises(KeyError):
        store.get(key)
    store.set(key, "abc")
    store.set(key, "def")
    assert store.has(key) and store.get(key) == "def"
    store.delete(key)
    assert not store.has(key)
    with pytest.raises(KeyError):
        store.delete(key)


def test_user_service_speaks_the_lms_attributes(staff, student):
    from django.contrib.auth.models import AnonymousUser

    from lms_standin.xblock_runtime import StandInUserService

    attrs = StandInUserService(staff, user_is_staff=True).get_current_user().opt_attrs
    assert attrs["edx-platform.user_id"] == staff.id and attrs["edx-platform.user_is_staff"] is True
    assert attrs["edx-platform.username"] == "author"
    # As DjangoXBlockUserService: the staff flag is what the runtime passes, False when it passes none.
    assert StandInUserService(staff).get_current_user().opt_attrs["edx-platform.user_is_staff"] is False
    assert StandInUserService(student).get_current_user().opt_attrs["edx-platform.user_is_staff"] is False
    anonymous = StandInUserService(AnonymousUser()).get_current_user().opt_attrs
    assert anonymous["edx-platform.is_authenticated"] is False and "edx-platform.user_id" not in anonymous


def test_settings_service_reads_xblock_settings(settings, student, block_for):
    settings.XBLOCK_SETTINGS = {"badge_xblock": {"wallet_url": "/my/wallet/"}}
    block = block_for(student)
    assert block.block_settings() == {"wallet_url": "/my/wallet/"}
    assert block.runtime.service(block, "i18n").gettext("Badge") == "Badge"


def test_urls_and_wrapper(configured, student, block_for):
    block = block_for(student)
    assert block.runtime.handler_url(block, "check_now") == HANDLER
    assert block.runtime.handler_url(block, "check_now", "a/b", "x=1") == HANDLER + "a/b?x=1"
    assert block.runtime.local_resource_url(block, "public/js/badge.js") == \
        "/xblock/resource/badge_xblock/public/js/badge.js"
    html = block.runtime.render(block, "student_view", {}).body_html()
    assert f'data-handler-base="/xblock/{BLOCK_KEY}/handler/"' in html and 'data-init="BadgeXBlockView"' in html


def test_init_args_cannot_close_the_script(issuer, course, staff, block_for):
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api

    badge = api.save_badge(COURSE_KEY, {"name": "</script><script>alert(1)</script>", "description": "d",
                                        "criteria_narrative": "n"})
    save_settings(BLOCK_KEY, badge_uuid=badge["uuid"])
    block = block_for(staff)
    html = block.runtime.render(block, "studio_view", {}).body_html()
    assert "</script><script>alert(1)" not in html and "\\u003c/script>" in html


def test_public_files_only(client):
    response = client.get("/xblock/resource/badge_xblock/public/js/badge.js")
    assert response.status_code == 200 and "BadgeXBlockView" in response.content.decode()
    assert response["Content-Type"].startswith(("text/javascript", "application/javascript"))
    assert client.get("/xblock/resource/badge_xblock/public/css/badge.css")["Content-Type"].startswith("text/css")
    for uri in ("block.py", "public/../block.py", "templates/student.html", "public/nope.js"):
        assert client.get(f"/xblock/resource/badge_xblock/{uri}").status_code == 404, uri
    assert client.get("/xblock/resource/no_such_block/public/x.js").status_code == 404


def test_handler_view_checks_sign_in_access_and_csrf(configured, student, staff, django_user_model):
    client = Client(enforce_csrf_checks=True)
    assert client.post(HANDLER, "{}", content_type="application/json").status_code == 403  # anonymous
    outsider = django_user_model.objects.create_user("outsider", "o@example.com", "pw")
    client.force_login(outsider)
    response = client.post(HANDLER, "{}", content_type="application/json")
    assert response.status_code == 403  # no CSRF token yet, and not enrolled
    client.force_login(student)
    assert client.post(HANDLER, "{}", content_type="application/json").status_code == 403  # CSRF refused
    client.get(UNIT)  # the unit page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(HANDLER, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and json.loads(response.content)["state"] == "none"
    outsider_client = Client()
    outsider_client.force_login(outsider)
    assert outsider_client.post(HANDLER, "{}", content_type="application/json").status_code == 403
    staff_client = Client()
    staff_client.force_login(staff)
    response = staff_client.post(f"/xblock/{BLOCK_KEY}/handler/save_badge/", "{}", content_type="application/json")
    assert response.status_code == 400  # staff reach the block, which validates
    assert staff_client.post(f"/xblock/{BLOCK_KEY}/handler/no_such/", "{}",
                             content_type="application/json").status_code == 404
    other = usage_key("problem", "q1")
    assert staff_client.post(f"/xblock/{other}/handler/check_now/", "{}",
                             content_type="application/json").status_code == 404


def test_learner_posting_to_save_gets_403(configured, student):
    client = Client()
    client.force_login(student)
    response = client.post(f"/xblock/{BLOCK_KEY}/handler/save_badge/",
                           json.dumps({"fields": {"name": "Mine"}, "badge_uuid": configured["uuid"]}),
                           content_type="application/json")
    assert response.status_code == 403


def test_studio_page_is_for_staff(configured, client, student, staff):
    response = client.get(STUDIO)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(STUDIO).status_code == 403
    client.force_login(staff)
    page = client.get(STUDIO).content.decode()
    assert "BadgeXBlockStudio" in page and "/xblock/resource/badge_xblock/public/js/studio.js" in page
    assert client.get(f"/studio/{usage_key('problem', 'q1')}/").status_code == 404
    assert client.get("/studio/not-a-key/").status_code == 404


def test_unit_page_renders_the_block(configured, client, student, staff):
    client.force_login(student)
    page = client.get(UNIT).content.decode()
    assert f'data-badge-block="{BLOCK_KEY}"' in page and 'class="openedx-badge openedx-badge--none"' in page
    assert "/xblock/resource/badge_xblock/public/js/badge.js" in page and "StandInXBlockRuntime" in page
    assert "Edit in Studio" not in page
    assert "xblock-author_view" not in client.get(UNIT + "?view=author").content.decode()
    client.force_login(staff)
    page = client.get(UNIT + "?view=author").content.decode()
    assert "xblock-author_view" in page and "Score at least 2 points" in page and "Edit in Studio" in page


def test_demo_points_the_block_at_data_analyst(course, block_for):
    from lms_standin.demo_badges import create_demo_badges
    from lms_standin.xblock_runtime import save_settings

    _, analyst, _ = create_demo_badges("http://127.0.0.1:8000")
    block = block_for(None)
    assert block.badge_uuid == analyst["uuid"] and block.display_name == "Badge: Data Analyst"
    save_settings(BLOCK_KEY, badge_uuid="chosen-by-an-author")
    create_demo_badges("http://127.0.0.1:8000")
    assert block_for(None).badge_uuid == "chosen-by-an-author"  # seeding again keeps an author's choice
