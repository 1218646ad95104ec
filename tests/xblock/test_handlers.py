"""
The block's handlers: only course staff edit, the plugin API validates, and a
learner's "check" never awards anything the engine's rule does not grant.
"""

import base64
import io

import pytest

from lms_standin.courseware import answer_problem
from lms_standin.demo_course import usage_key

from .conftest import COURSE_KEY, SEQ_BASICS, call

pytestmark = pytest.mark.django_db

SCORE_RULE = {"combine": "all", "conditions": [
    {"kind": "score", "block": SEQ_BASICS, "threshold": "points", "value": "2"}]}


def form(**overrides):
    payload = {
        "display_name": "Your badge",
        "badge_uuid": "",
        "fields": {"name": "Chart Reader", "description": "Reads charts.", "criteria_narrative": "Pass the quiz.",
                   "criteria_url": "", "achievement_type": "Assessment", "level": "Foundation",
                   "validity_days": "365",
                   "alignments": [{"framework": "Demo", "code": "C1", "name": "Charts",
                                   "url": "https://example.org/charts"}]},
        "rule": SCORE_RULE,
        "image": None,
    }
    for key, value in overrides.items():
        if key in payload["fields"]:
            payload["fields"][key] = value
        else:
            payload[key] = value
    return payload


def png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (5, 80, 174)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def problem(block_id):
    from lms_standin.models import CourseBlock

    return CourseBlock.objects.get(usage_key=usage_key("problem", block_id))


# --- save_badge --------------------------------------------------------------------------------


def test_staff_creates_a_badge_and_the_block_points_at_it(issuer, course, staff, block_for):
    from openedx_plugin.models import BadgeClass, BadgeRule

    status, data = call(block_for(staff), "save_badge", form(image={"filename": "Chart.PNG", "data": png()}))
    assert status == 200, data
    assert data["ok"] and data["badge"]["name"] == "Chart Reader"
    badge = BadgeClass.objects.get(uuid=data["badge"]["uuid"])
    assert badge.course_key == COURSE_KEY and badge.validity_days == 365 and badge.image_type == "image/png"
    assert badge.alignments == [{"type": ["Alignment"], "targetName": "Charts", "targetUrl": "https://example.org/charts",
                                 "targetFramework": "Demo", "targetCode": "C1"}]
    assert BadgeRule.objects.get(badge_class=badge).condition == {
        "kind": "score", "course": COURSE_KEY, "block": SEQ_BASICS, "min_points": 2}
    assert "Score at least 2 points on Homework: reading data." in data["rule_html"]
    fresh = block_for(staff)  # the settings were stored, not just set on that instance
    assert fresh.badge_uuid == str(badge.uuid) and fresh.display_name == "Your badge"


def test_staff_edits_the_existing_badge(configured, staff, block_for):
    from openedx_plugin.models import BadgeClass, BadgeRule

    rule = {"combine": "any", "conditions": [
        {"kind": "course_passed", "min_percent": "75"},
        {"kind": "certificate", "modes": ["verified"]},
        {"kind": "units_completed", "blocks": [usage_key("vertical", "v-welcome")]},
    ]}
    status, data = call(block_for(staff), "save_badge", form(badge_uuid=configured["uuid"], name="Renamed", rule=rule))
    assert status == 200, data
    assert BadgeClass.objects.get(uuid=configured["uuid"]).name == "Renamed"
    assert BadgeRule.objects.get(badge_class__uuid=configured["uuid"]).condition == {"any": [
        {"kind": "course_passed", "course": COURSE_KEY, "min_percent": 0.75},
        {"kind": "certificate", "course": COURSE_KEY, "modes": ["verified"]},
        {"kind": "units_completed", "course": COURSE_KEY, "blocks": [usage_key("vertical", "v-welcome")]},
    ]}


def test_a_null_rule_keeps_the_stored_one(configured, staff, block_for):
    from openedx_plugin.models import BadgeRule

    status, _ = call(block_for(staff), "save_badge", form(badge_uuid=configured["uuid"], rule=None))
    assert status == 200
    assert BadgeRule.objects.get(badge_class__uuid=configured["uuid"]).condition["min_points"] == 2


@pytest.mark.parametrize("user", ["student", "anonymous"])
def test_learners_cannot_save(user, configured, student, block_for):
    from openedx_plugin.models import BadgeClass

    status, data = call(block_for(student if user == "student" else None), "save_badge",
                        form(badge_uuid=configured["uuid"], name="Hijacked"))
    assert status == 403 and "course team" in data["error"]
    assert BadgeClass.objects.get(uuid=configured["uuid"]).name == "Data Reader"
    assert block_for(None).badge_uuid == configured["uuid"]


@pytest.mark.parametrize("handler", ["preview", "save_badge"])
def test_learner_cannot_preview_or_save(handler, configured, student, block_for):
    assert call(block_for(student), handler, form())[0] == 403


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"name": ""}, "name", "blank"),
    ({"description": ""}, "description", "blank"),
    ({"criteria_narrative": "", "criteria_url": ""}, "__all__", "criteria"),
    ({"criteria_url": "not a url"}, "criteria_url", "valid URL"),
    ({"achievement_type": "Trophy"}, "achievement_type", "achievement type"),
    ({"validity_days": "two years"}, "validity_days", "whole number of days"),
    ({"validity_days": "-3"}, "validity_days", "whole number of days"),
    ({"display_name": ""}, "display_name", "heading"),
    ({"alignments": [{"name": "Charts", "url": "ftp://x"}]}, "alignments-0-url", "web address"),
    ({"alignments": [{"framework": "F", "url": "https://example.org"}]}, "alignments-0-name", "skill's name"),
    ({"rule": {"combine": "all", "conditions": []}}, "rule", "at least one condition"),
    ({"rule": {"combine": "most", "conditions": SCORE_RULE["conditions"]}}, "rule", "all or any"),
    ({"rule": {"conditions": [{"kind": "score", "block": "", "value": "2"}]}}, "rule-0-block", "assessment"),
    ({"rule": {"conditions": [{"kind": "score", "block": SEQ_BASICS, "threshold": "percent", "value": "120"}]}},
     "rule-0-value", "percentage"),
    ({"rule": {"conditions": [{"kind": "course_completion", "min_percent": ""}]}}, "rule-0-min_percent", "percentage"),
    ({"rule": {"conditions": [{"kind": "units_completed", "blocks": []}]}}, "rule-0-blocks", "at least one unit"),
    ({"rule": {"conditions": [{"kind": "badges", "badges": []}]}}, "rule-0-badges", "at least one badge"),
    ({"rule": {"conditions": [{"kind": "certificate", "modes": ["audit"]}]}}, "rule-0-modes", "modes"),
    ({"rule": {"conditions": [{"kind": "teleport"}]}}, "rule-0-kind", "what the learner must do"),
    ({"image": {"filename": "badge.jpg", "data": png()}}, "image", "PNG or SVG"),
    ({"image": {"filename": "badge.png", "data": "%%% not base64 %%%"}}, "image", "could not be read"),
    ({"image": {"filename": "badge.png", "data": base64.b64encode(b"GIF89a not a png").decode()}}, "image", ""),
    ({"badge_uuid": "00000000-0000-0000-0000-000000000000"}, "badge", "this course's badges"),
])
@pytest.mark.usefixtures("issuer", "course")
def test_validation_messages_per_field(overrides, field, message, staff, block_for):
    from openedx_plugin.models import BadgeClass

    status, data = call(block_for(staff), "save_badge", form(**overrides))
    assert status == 400, data
    assert data["ok"] is False and field in data["errors"], data
    assert message.lower() in data["errors"][field].lower()
    assert not BadgeClass.objects.filter(name="Chart Reader").exists()  # nothing half-saved
    assert block_for(staff).badge_uuid == ""


def test_an_unsafe_svg_is_refused_with_the_apis_message(issuer, course, staff, block_for):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    status, data = call(block_for(staff), "save_badge",
                        form(image={"filename": "x.svg", "data": base64.b64encode(svg).decode()}))
    if status == 200:  # the sanitiser may strip the script instead of refusing the file
        from openedx_plugin.models import BadgeClass

        assert b"<script" not in bytes(BadgeClass.objects.get(uuid=data["badge"]["uuid"]).image_data)
    else:
        assert status == 400 and data["errors"]["image"]


def test_forged_references_are_refused(configured, issuer, staff, block_for):
    from openedx_plugin import api

    foreign = api.save_badge("course-v1:OtherX+O1+2026", {"name": "Elsewhere", "description": "d",
                                                           "criteria_narrative": "n"})
    other_block = "block-v1:OtherX+O1+2026+type@sequential+block@s"
    cases = [
        (form(badge_uuid=foreign["uuid"]), "badge"),
        (form(rule={"conditions": [{"kind": "score", "block": other_block, "value": "1"}]}), "rule-0-block"),
        (form(rule={"conditions": [{"kind": "units_completed", "blocks": [other_block]}]}), "rule-0-blocks"),
        (form(rule={"conditions": [{"kind": "badges", "badges": [foreign["uuid"]]}]}), "rule-0-badges"),
        (form(badge_uuid=configured["uuid"],
              rule={"conditions": [{"kind": "badges", "badges": [configured["uuid"]]}]}), "rule-0-badges"),
    ]
    for payload, field in cases:
        status, data = call(block_for(staff), "save_badge", payload)
        assert status == 400 and field in data["errors"], (field, data)
    assert api.course_badges("course-v1:OtherX+O1+2026")[0]["name"] == "Elsewhere"


def test_pathway_rule_with_n_of_m(configured, staff, block_for):
    from openedx_plugin.models import BadgeRule

    status, data = call(block_for(staff), "save_badge", form(name="Second"))
    second = data["badge"]["uuid"]
    rule = {"conditions": [{"kind": "badges", "badges": [configured["uuid"], second], "at_least": "1"}]}
    status, data = call(block_for(staff), "save_badge", form(name="Pathway", rule=rule))
    assert status == 200, data
    assert BadgeRule.objects.get(badge_class__uuid=data["badge"]["uuid"]).condition == {
        "kind": "badges", "badges": [configured["uuid"], second], "at_least": 1}
    status, data = call(block_for(staff), "save_badge", form(name="Pathway 2", rule={"conditions": [
        {"kind": "badges", "badges": [configured["uuid"]], "at_least": "3"}]}))
    assert status == 400 and "rule-0-at_least" in data["errors"]


def test_no_issuer_is_reported(course, staff, block_for):
    status, data = call(block_for(staff), "save_badge", form())
    assert status == 400 and "issuer" in data["errors"]


def test_handlers_want_post_and_json(configured, staff, block_for):
    assert call(block_for(staff), "save_badge", method="GET")[0] == 405
    assert call(block_for(staff), "save_badge", raw=b"{not json")[0] == 400


# --- preview ------------------------------------------------------------------------------------


def test_preview_renders_the_learner_view_without_saving(configured, staff, block_for):
    from openedx_plugin.models import BadgeClass

    status, data = call(block_for(staff), "preview", form(name="Draft <b>name</b>"))
    assert status == 200 and data["ok"]
    assert "Draft &lt;b&gt;name&lt;/b&gt;" in data["html"] and "Charts" in data["html"]
    assert "Score at least 2 points on Homework: reading data." in data["rule_html"]
    assert not BadgeClass.objects.filter(name__startswith="Draft").exists()
    status, data = call(block_for(staff), "preview", form(rule={"conditions": []}))
    assert status == 200 and not data["ok"] and "rule" in data["errors"]


# --- check_now ----------------------------------------------------------------------------------


def test_check_now_needs_a_signed_in_learner(configured, block_for):
    status, data = call(block_for(None), "check_now")
    assert status == 403 and "Sign in" in data["error"]


def test_check_now_without_a_badge(course, student, block_for):
    assert call(block_for(student), "check_now")[0] == 404


def test_check_now_never_awards_an_unmet_rule(configured, student, block_for):
    from openedx_plugin.models import Award

    # Whatever the browser claims, the engine reads the course's own scores.
    status, data = call(block_for(student), "check_now", {"state": "earned", "score": 100, "met": True})
    assert status == 200 and data["state"] == "none"
    answer_problem(student, problem("q1"), 0)
    answer_problem(student, problem("q2"), 0)  # wrong: 1 of 2 points
    status, data = call(block_for(student), "check_now", {"earned": 2})
    assert data["state"] == "in_progress" and "1 of 2 points" in data["html"]
    assert "not all conditions are met" in data["announcement"]
    assert not Award.objects.exists()


def test_check_now_awards_once_the_rule_is_met(configured, student, block_for):
    from openedx_plugin.models import Award

    answer_problem(student, problem("q1"), 0)
    answer_problem(student, problem("q2"), 1)
    status, data = call(block_for(student), "check_now")
    assert status == 200 and data["state"] == "earned"
    assert data["announcement"] == "You earned this badge."
    assert "badge-ob3.png" in data["html"] and 'data-role="check"' not in data["html"]
    call(block_for(student), "check_now")
    assert Award.objects.filter(user=student).count() == 1  # idempotent
