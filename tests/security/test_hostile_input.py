"""
Hostile input through the real paths (issue 8, part 4): images uploaded in the admin and
through the block's save handler, and malformed signal payloads.
"""

import base64
import io
import logging

import pytest

from .conftest import BLOCK_KEY, client_for, png_bytes

pytestmark = pytest.mark.django_db


def _bomb():
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (20000, 20000), 0).save(out, "PNG")  # ~20 KB on disk, 400 Mpx decoded
    return out.getvalue()


HOSTILE = {
    "svg-script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/>'
                   b'</svg>', "x.svg"),
    "svg-handler": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
                    "x.svg"),
    "svg-external": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                     b'<image xlink:href="https://evil.example/t.png" width="9" height="9"/></svg>', "x.svg"),
    "svg-entities": (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "x.svg"),
    "svg-xxe": (b'<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">'
                b'<text>&x;</text></svg>', "x.svg"),
    "png-bomb": (None, "x.png"),
    "wrong-magic": (b"GIF89a" + b"\x00" * 100, "x.png"),
    "png-named-svg": (None, "x.svg"),
}


def _data(kind):
    data, name = HOSTILE[kind]
    if kind == "png-bomb":
        data = _bomb()
    if kind == "png-named-svg":
        data = png_bytes()
    return data, name


def _stored(obj):
    obj.refresh_from_db()
    return bytes(obj.image_data or b"")


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_admin_upload_is_refused_with_a_message(world, kind):
    """Safe content is cleaned, not refused, where the sanitiser can: what matters is nothing hostile stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    badge = world["badge"]
    before = _stored(badge)
    data, name = _data(kind)
    client = client_for("superuser", world["users"])
    page = client.get(f"/admin/openedx_badges/badgeclass/{badge.pk}/change/")
    form = page.context["adminform"].form
    post = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    post.update({"issuer": badge.issuer_id, "name": badge.name, "description": badge.description,
                 "course_key": badge.course_key, "criteria_narrative": badge.criteria_narrative,
                 "alignments": "[]", "tags": "[]", "achievement_type": "Badge", "active": "on",
                 "rule-TOTAL_FORMS": "0", "rule-INITIAL_FORMS": "0",
                 "image_upload": SimpleUploadedFile(name, data)})
    response = client.post(f"/admin/openedx_badges/badgeclass/{badge.pk}/change/", post)
    stored = _stored(badge)
    assert b"<script" not in stored and b"onload" not in stored and b"evil.example" not in stored
    assert b"/etc/passwd" not in stored and b"root:" not in stored
    if stored != before:
        assert kind.startswith("svg-") and kind not in ("svg-entities", "svg-xxe"), kind
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "image_upload" in errors, \
            (kind, errors, [f.formset.errors for f in response.context["inline_admin_formsets"]], response.context.get("errors"))


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_block_save_handler_refuses_with_a_message(world, kind):
    from openedx_plugin.models import BadgeClass

    data, name = _data(kind)
    count = BadgeClass.objects.count()
    payload = {"display_name": "B", "fields": {"name": "Hostile", "description": "D", "criteria_narrative": "C"},
               "image": {"filename": name, "data": base64.b64encode(data).decode()}}
    response = client_for("course_staff", world["users"]).post(f"/xblock/{BLOCK_KEY}/handler/save_badge/",
                                                               data=payload, content_type="application/json")
    if response.status_code == 200:  # a cleanable SVG: saved without the hostile part
        assert kind in ("svg-script", "svg-handler", "svg-external"), kind
        stored = bytes(BadgeClass.objects.get(name="Hostile").image_data)
        assert b"<script" not in stored and b"onload" not in stored and b"evil.example" not in stored
        return
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["ok"] is False and body["errors"], body
    assert BadgeClass.objects.count() == count


def test_odd_openedx_events_are_ignored_with_a_warning(world, caplog):
    """Real openedx-events signals, with data of the right attrs types but nonsense values."""
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from openedx_plugin.models import Award

    caplog.set_level(logging.WARNING)
    before = Award.objects.count()
    data = CoursePassingStatusData(
        is_passing=True,
        course=CourseData(course_key=CourseKey.from_string("course-v1:No+Such+Course")),
        user=UserData(id=987654, is_active=True, pii=UserPersonalData(username="", email="", name="")))
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)
    assert Award.objects.count() == before


@pytest.mark.parametrize("kwargs", [
    {},
    {"user_id": None, "course_id": None},
    {"user_id": "not-a-number", "course_id": "\x00<script>"},
    {"user_id": object(), "course_id": 12, "usage_id": ["x"]},
    {"user": "string", "course": 3, "subsection_grade": None},
    {"instance": object()},
])
def test_garbage_internal_signals_are_ignored_with_a_warning(world, caplog, kwargs):
    from openedx_plugin import handlers
    from openedx_plugin.models import Award

    caplog.set_level(logging.WARNING, logger="openedx_plugin")
    before = Award.objects.count()
    for receiver in (handlers.on_problem_score, handlers.on_subsection_score, handlers.on_course_grade_passed,
                     handlers.on_block_completion, handlers.on_course_passing_status, handlers.on_persistent_grade,
                     handlers.on_certificate, handlers.on_certificate_revoked):
        receiver(sender=None, **kwargs)  # nothing escapes
    assert Award.objects.count() == before
    assert any("malformed" in record.getMessage() for record in caplog.records)
