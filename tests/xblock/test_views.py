"""The block's views: what learners, anonymous visitors, staff and authors see, in each state."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, UserScope

from badge_xblock import BadgeXBlock
from lms_standin.courseware import answer_problem
from lms_standin.demo_course import usage_key

from .conftest import BLOCK_KEY, COURSE_KEY, call

pytestmark = pytest.mark.django_db


def render(block, view="student_view"):
    return block.runtime.render(block, view, {}).body_html()


def problem(block_id):
    from lms_standin.models import CourseBlock

    return CourseBlock.objects.get(usage_key=usage_key("problem", block_id))


def earn(student, block_for):
    answer_problem(student, problem("q1"), 0)
    answer_problem(student, problem("q2"), 1)
    status, data = call(block_for(student), "check_now")
    assert status == 200 and data["state"] == "earned"


def test_block_class_contract():
    assert XBlock.load_class("badge_xblock") is BadgeXBlock
    assert BadgeXBlock.completion_mode == XBlockCompletionMode.EXCLUDED
    assert BadgeXBlock.get_i18n_js_namespace() == "BadgeXBlockI18N"
    assert {name: field.scope for name, field in BadgeXBlock.fields.items() if name in ("display_name", "badge_uuid")} \
        == {"display_name": Scope.settings, "badge_uuid": Scope.settings}
    # Nothing the learner's browser could set: no user-scoped fields beyond XBlock's own.
    assert not [name for name, field in BadgeXBlock.fields.items()
                if name not in XBlock.fields and field.scope.user != UserScope.NONE]
    assert all(field.help for name, field in BadgeXBlock.fields.items() if name in ("display_name", "badge_uuid"))
    scenarios = BadgeXBlock.workbench_scenarios()
    assert scenarios and all("<badge_xblock" in xml for _, xml in scenarios)


def test_unconfigured_block(course, staff, student, block_for):
    assert "This badge is not available yet." in render(block_for(student))
    assert "No badge is chosen yet" in render(block_for(staff))
    assert "No badge is chosen yet" in render(block_for(staff), "author_view")


def test_learner_not_started(configured, student, block_for):
    html = render(block_for(student))
    assert 'data-state="none"' in html
    assert "Data Reader" in html and "Answer both homework questions." in html
    assert 'alt="Badge image: Data Reader"' in html
    assert "0 of 2 points on Homework: reading data, 2 needed." in html
    assert "Not started yet." in html and 'data-role="check"' in html
    assert 'role="status" aria-live="polite"' in html
    assert "Download" not in html and "course staff" not in html


def test_learner_in_progress(configured, student, block_for):
    answer_problem(student, problem("q1"), 0)
    html = render(block_for(student))
    assert 'data-state="in_progress"' in html
    assert "1 of 2 points on Homework: reading data, 2 needed." in html
    assert '<progress value="1" max="2"' in html


def test_learner_earned_sees_downloads_share_and_wallet(configured, student, block_for):
    earn(student, block_for)
    html = render(block_for(student))
    assert 'data-state="earned"' in html and "Earned on " in html
    from openedx_plugin.models import Award

    award = Award.objects.get(user=student)
    for fragment in (f"/badges/v1/awards/{award.uuid}/badge-ob3.png", f"/badges/v1/awards/{award.uuid}/badge-ob3.svg",
                     f"/badges/v1/awards/{award.uuid}/badge-ob2.png", f"/badges/v1/credentials/{award.uuid}",
                     f"/badges/v1/assertions/{award.uuid}", f"/badges/verify/{award.uuid}", 'href="/badges/wallet/"'):
        assert fragment in html, fragment
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=Data+Reader" in html
    assert f"certId={award.uuid}" in html and "issueYear=" in html and "issueMonth=" in html
    assert 'data-role="check"' not in html


def test_an_earned_badge_shows_no_unmet_progress(configured, student, block_for):
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass

    issuing.award_badge(BadgeClass.objects.get(uuid=configured["uuid"]), student)  # by hand: no point scored
    html = render(block_for(student))
    assert 'data-state="earned"' in html and "Earned on " in html and "badge-ob3.png" in html
    assert "Not yet:" not in html and "is-unmet" not in html
    assert "0 of 2 points on Homework: reading data" not in html.split("How to earn it", 1)[1]


def test_an_earned_badge_keeps_the_conditions_it_met(configured, student, block_for):
    earn(student, block_for)
    html = render(block_for(student))
    assert "Done:" in html and "2 of 2 points on Homework: reading data, 2 needed." in html
    assert "Not yet:" not in html


def test_linkedin_url_carries_expiry():
    from badge_xblock.block import linkedin_url

    url = linkedin_url({"name": "Data & Stats", "issuer": "Demo U"},
                       {"issued_on": "2026-03-04T10:00:00+00:00", "valid_until": "2028-03-03T10:00:00+00:00",
                        "verify_url": "https://lms.example.com/badges/verify/x", "uuid": "x"})
    assert url == ("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Data+%26+Stats"
                   "&organizationName=Demo+U&issueYear=2026&issueMonth=3"
                   "&certUrl=https%3A%2F%2Flms.example.com%2Fbadges%2Fverify%2Fx&certId=x"
                   "&expirationYear=2028&expirationMonth=3")


def test_expired_and_revoked_states(configured, student, block_for):
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import Award

    earn(student, block_for)
    Award.objects.filter(user=student).update(valid_until=timezone.now() - timedelta(days=1))
    html = render(block_for(student))
    assert 'data-state="expired"' in html and "Expired on " in html and "Meet the criteria again" in html
    assert "badge-ob3.png" not in html and 'data-role="check"' in html

    award = Award.objects.get(user=student)
    Award.objects.filter(pk=award.pk).update(valid_until=None)
    issuing.revoke_award(award, "Academic misconduct")
    html = render(block_for(student))
    assert 'data-state="revoked"' in html and "This badge was revoked." in html
    assert "badge-ob3.png" not in html and 'data-role="check"' not in html


def test_anonymous_sees_badge_criteria_and_sign_in(configured, block_for):
    html = render(block_for(None))
    assert 'data-state="anonymous"' in html
    assert "Score at least 2 points on Homework: reading data." in html
    assert "Sign in and enroll in the course" in html and 'data-role="sign-in"' in html
    assert 'data-role="check"' not in html


def test_staff_and_masquerading_notes(configured, staff, student, block_for):
    assert "You are course staff" in render(block_for(staff))
    masquerade = SimpleNamespace(id=student.id, real_user=SimpleNamespace(id=staff.id))
    with mock.patch("crum.get_current_user", return_value=masquerade):
        assert "You are viewing this unit as another user" in render(block_for(student))
    assert "another user" not in render(block_for(student))


def test_author_view_shows_the_rule_in_words(configured, staff, block_for):
    html = render(block_for(staff), "author_view")
    assert "Score at least 2 points on Homework: reading data." in html
    assert "Preview: learners see their own progress" in html
    assert 'data-role="check"' not in html


def test_badge_of_another_course_is_not_shown(configured, issuer, student, block_for):
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api

    other = api.save_badge("course-v1:OtherX+O1+2026", {"name": "Elsewhere", "description": "d",
                                                         "criteria_narrative": "n"})
    save_settings(BLOCK_KEY, badge_uuid=other["uuid"])
    html = render(block_for(student))
    assert "Elsewhere" not in html and "This badge is not available yet." in html


def test_author_text_is_escaped(issuer, course, student, block_for):
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api

    from .conftest import COURSE_KEY

    badge = api.save_badge(COURSE_KEY, {"name": "<script>alert(1)</script>", "description": "<b>x</b>",
                                        "criteria_narrative": "<img src=x onerror=alert(1)>"})
    save_settings(BLOCK_KEY, badge_uuid=badge["uuid"], display_name="<i>title</i>")
    html = render(block_for(student))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "<i>title</i>" not in html


def test_strings_go_through_the_i18n_service(configured, student, block_for):
    block = block_for(student)
    marking = SimpleNamespace(gettext=lambda text: "~" + text)
    original = block.runtime.service

    def service(blk, name):
        return marking if name == "i18n" else original(blk, name)

    with mock.patch.object(block.runtime, "service", side_effect=service):
        html = render(block)
    assert "~Not started yet." in html and 'alt="~Badge image: Data Reader"' in html


def test_studio_view_for_staff_only(configured, staff, student, block_for):
    html = render(block_for(staff), "studio_view")
    assert 'data-init="BadgeXBlockStudio"' in html
    assert "Create a new badge" in html and 'value="Assessment"' in html
    assert usage_key("sequential", "seq-basics") in html  # assessments in the init args
    assert '"ruleForm": {"combine": "all", "conditions": [{"kind": "score"' in html
    learner_html = render(block_for(student), "studio_view")
    assert "Only the course team can edit this badge." in learner_html and "BadgeXBlockStudio" not in learner_html


def test_studio_view_keeps_a_rule_it_cannot_show(issuer, course, staff, block_for):
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api

    from .conftest import COURSE_KEY, SEQ_BASICS

    nested = {"all": [{"kind": "course_passed", "course": COURSE_KEY},
                      {"any": [{"kind": "score", "course": COURSE_KEY, "block": SEQ_BASICS, "min_points": 1},
                               {"kind": "course_completion", "course": COURSE_KEY, "min_percent": 0.5}]}]}
    badge = api.save_badge(COURSE_KEY, {"name": "Nested", "description": "d", "criteria_narrative": "n"}, rule=nested)
    save_settings(BLOCK_KEY, badge_uuid=badge["uuid"])
    html = render(block_for(staff), "studio_view")
    assert 'data-role="advanced-rule"' in html
    assert "Any one of these:" in html and "Complete at least 50% of the course." in html


def test_the_check_result_is_on_screen_not_only_for_screen_readers(configured, student, block_for):
    html = render(block_for(student))
    [region] = [line for line in html.splitlines() if 'data-role="live"' in line]
    assert 'class="openedx-badge__result"' in region and "sr-only" not in region
    assert 'role="status" aria-live="polite"' in region


def test_badges_earned_in_other_units_are_visible_here(configured, issuer, student, block_for):
    from openedx_plugin import api
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass

    html = render(block_for(student))
    assert f'href="/badges/course/{COURSE_KEY}/" data-role="course-badges"' in html
    assert "You also hold" not in html
    other = api.save_badge(COURSE_KEY, {"name": "Finisher", "description": "Finished.",
                                        "criteria_narrative": "Finish the course."})
    issuing.award_badge(BadgeClass.objects.get(uuid=other["uuid"]), student)  # earned in another unit
    html = render(block_for(student))
    assert "You also hold 1 other badge of this course." in html
    assert "See all the badges of this course" in html
