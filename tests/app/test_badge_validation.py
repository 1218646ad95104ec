"""
Issue 17, findings 2, 8 and 9: one validator (the engine's) at every save path, and a
badge that still cannot be signed never blocks the learner's other awards.

Before: a criteria URL with ``" < > | { } ^ ``` passed Django's URL check and
``ext:My Type`` passed the model, and the engine refused to sign when a learner earned
the badge; that error escaped ``evaluate_learner``, so every later rule was skipped and
the award was lost, and ``check_now`` answered 500. A badge name with CR/LF was saved and
its award email then dropped.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openedx_plugin import api, tasks
from openedx_plugin.admin import BadgeClassForm
from openedx_plugin.awards import awarding
from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award, BadgeClass, BadgeRule, PendingEvaluation

pytestmark = pytest.mark.django_db
COURSE = "course-v1:TestX+DW101+2026"
OTHER_COURSE = "course-v1:OtherX+OT101+2026"
BAD_URL_CHARACTERS = ['"', "<", ">", "|", "{", "}", "^", "`"]
BASE_FIELDS = {"name": "Tidy", "description": "Tidies data.", "criteria_narrative": "Tidy a data set."}


@pytest.fixture
def course_issuer(issuer):
    issuer.is_default = True
    issuer.save()
    return issuer


# --- one validator at every save path -----------------------------------------------------------


@pytest.mark.parametrize("char", BAD_URL_CHARACTERS)
def test_editor_refuses_a_criteria_url_the_engine_cannot_sign(course_issuer, char):
    with pytest.raises(ValidationError) as caught:
        api.save_badge(COURSE, dict(BASE_FIELDS, criteria_url=f"https://example.com/criteria{char}x"))
    assert "criteria_url" in caught.value.message_dict
    assert not BadgeClass.objects.filter(name="Tidy").exists()


@pytest.mark.parametrize("kind", ["ext:My Type", "ext:", "Trophy", "ext:a/b"])
def test_editor_refuses_an_achievement_type_the_engine_cannot_sign(course_issuer, kind):
    with pytest.raises(ValidationError) as caught:
        api.save_badge(COURSE, dict(BASE_FIELDS, achievement_type=kind))
    assert "achievement_type" in caught.value.message_dict


def test_editor_accepts_what_the_engine_signs(course_issuer):
    summary = api.save_badge(COURSE, dict(BASE_FIELDS, criteria_url="https://example.com/criteria?a=1&b=%7C",
                                          achievement_type="ext:MyType"))
    assert summary["achievement_type"] == "ext:MyType"


@pytest.mark.parametrize("field,value", [("criteria_url", "https://example.com/a|b"),
                                         ("achievement_type", "ext:My Type"),
                                         ("name", "Tidy\r\nBcc: victim@example.com")])
def test_admin_form_refuses_what_the_engine_cannot_sign(issuer, field, value):
    data = dict(BASE_FIELDS, issuer=issuer.pk, course_key=COURSE, achievement_type="Badge", alignments="[]",
                tags="[]", active="on")
    data[field] = value
    form = BadgeClassForm(data=data)
    assert not form.is_valid()
    assert field in form.errors


def test_admin_add_page_shows_the_field_message(admin_client, issuer):
    response = admin_client.post(reverse("admin:openedx_badges_badgeclass_add"), {
        **BASE_FIELDS, "issuer": issuer.pk, "course_key": COURSE, "achievement_type": "ext:My Type",
        "criteria_url": "", "alignments": "[]", "tags": "[]", "level": "", "validity_days": "", "active": "on",
        "rule-TOTAL_FORMS": "0", "rule-INITIAL_FORMS": "0", "rule-MIN_NUM_FORMS": "0", "rule-MAX_NUM_FORMS": "1"})
    assert response.status_code == 200
    assert "cannot go into a signed badge" in response.content.decode()
    assert not BadgeClass.objects.filter(name="Tidy").exists()


@pytest.mark.parametrize("name", ["Tidy\nData", "Tidy\rData", "Tidy\x00", "Tidy\x1b[31m", "Tidy\u2028Data"])
def test_control_characters_in_a_name_are_refused_at_save(course_issuer, name):
    with pytest.raises(ValidationError) as caught:
        api.save_badge(COURSE, dict(BASE_FIELDS, name=name))
    assert "name" in caught.value.message_dict


def test_line_breaks_stay_allowed_in_a_description(course_issuer):
    summary = api.save_badge(COURSE, dict(BASE_FIELDS, description="Line one.\nLine two.\r\n\tIndented."))
    assert "Line two" in summary["description"]


def test_the_api_refuses_to_edit_a_badge_of_another_course(course_issuer):
    """Finding 9: course staff of one course must not edit another course's badge by its UUID."""
    theirs = api.save_badge(OTHER_COURSE, dict(BASE_FIELDS, name="Theirs"))
    with pytest.raises(PermissionDenied):
        api.save_badge(COURSE, {"name": "Hijacked"}, badge_uuid=theirs["uuid"])
    with pytest.raises(PermissionDenied):
        api.save_badge(COURSE, {}, badge_uuid=theirs["uuid"], rule={"kind": "course_passed", "course": COURSE})
    badge = BadgeClass.objects.get(uuid=theirs["uuid"])
    assert badge.name == "Theirs" and not BadgeRule.objects.filter(badge_class=badge).exists()


# --- a badge that cannot be signed never blocks the others ---------------------------------------


def _unsignable(issuer, name, **broken):
    """A badge saved before the validator existed (``update`` skips it), with a passing rule."""
    badge = issuing.create_badge_class(issuer, name, "Made before issue 17.", course_key=COURSE,
                                       criteria_narrative="Pass.")
    BadgeClass.objects.filter(pk=badge.pk).update(**broken)
    BadgeRule.objects.create(badge_class=badge, condition={"kind": "course_passed", "course": COURSE})
    return BadgeClass.objects.get(pk=badge.pk)


def _signable(issuer, name):
    badge = issuing.create_badge_class(issuer, name, "Fine.", course_key=COURSE, criteria_narrative="Pass.")
    BadgeRule.objects.create(badge_class=badge, condition={"kind": "course_passed", "course": COURSE})
    return badge


def test_one_broken_rule_never_blocks_the_others_and_its_award_is_kept(platform, issuer, learner):
    broken = _unsignable(issuer, "Broken", criteria_url="https://example.com/a|b")
    later = _signable(issuer, "Created later")
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)

    made = awarding.evaluate_learner(learner.id, COURSE, {"event": "TEST"})

    assert [award.badge_class for award in made] == [later]
    kept = PendingEvaluation.objects.get(user_id=learner.id)
    assert kept.rule.badge_class == broken and "criteria" in kept.last_error
    # the same failure again keeps one row, with one more attempt
    awarding.evaluate_learner(learner.id, COURSE, {"event": "TEST"})
    kept.refresh_from_db()
    assert PendingEvaluation.objects.count() == 1 and kept.attempts == 1

    # the periodic sweep leaves it for the operator; fixed, the admin's retry awards it
    assert tasks.sweep() == 0 and PendingEvaluation.objects.count() == 1
    BadgeClass.objects.filter(pk=broken.pk).update(criteria_url="https://example.com/criteria")
    assert tasks.sweep(inline=True, queryset=PendingEvaluation.objects.all()) == 1
    assert Award.objects.filter(badge_class=broken, user=learner).exists()
    assert not PendingEvaluation.objects.exists()


def test_a_retry_that_fails_again_keeps_the_row(platform, issuer, learner):
    _unsignable(issuer, "Broken", achievement_type="ext:My Type")
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)
    awarding.evaluate_learner(learner.id, COURSE, {"event": "TEST"})
    assert tasks.sweep(inline=True, queryset=PendingEvaluation.objects.all()) == 0
    kept = PendingEvaluation.objects.get()
    assert kept.attempts == 1 and "achievementType" in kept.last_error


def test_admin_lists_and_retries_failed_awards(admin_client, platform, issuer, learner):
    broken = _unsignable(issuer, "Broken", achievement_type="ext:My Type")
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)
    awarding.evaluate_learner(learner.id, COURSE, {"event": "TEST"})
    kept = PendingEvaluation.objects.get()
    page = admin_client.get(reverse("admin:openedx_badges_pendingevaluation_changelist")).content.decode()
    assert "ext:My Type" in page  # the error is visible
    BadgeClass.objects.filter(pk=broken.pk).update(achievement_type="Badge")
    admin_client.post(reverse("admin:openedx_badges_pendingevaluation_changelist"),
                      {"action": "run_now", "_selected_action": [kept.pk]})
    assert Award.objects.filter(badge_class=broken, user=learner).exists()
    assert not PendingEvaluation.objects.exists()


def test_check_now_answers_with_the_state_when_the_badge_cannot_be_signed(platform, issuer, learner):
    broken = _unsignable(issuer, "Broken", criteria_url="https://example.com/{x}")
    platform.GRADES[(learner.id, COURSE)] = (0.9, True)
    state = api.check_now(str(broken.uuid), learner)
    assert state["state"] in ("none", "in_progress")  # not earned, and no error
    assert PendingEvaluation.objects.filter(rule__badge_class=broken).exists()
