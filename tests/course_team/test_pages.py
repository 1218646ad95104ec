"""
The course team's badge pages: who may reach them, what they show, and what each action does
(with the same functions the admin uses), audited; bad input answers 400, never 500.
"""

import csv
import io
import re

import pytest

from lms_standin.demo_course import COURSE_KEY, COURSE_NAME
from openedx_plugin.models import Award, BadgeProgress, CourseTeamAction

from .conftest import OTHER_KEY, base, csrf_post

pytestmark = pytest.mark.django_db


def badge_url(badge, rest=""):
    return f"{base(badge.course_key)}{badge.uuid}/{rest}"


# --- who may ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, course_badge):
    response = client.get(badge_url(course_badge))
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=" in response["Location"]


def test_a_learner_is_refused(client, learner, course_badge):
    client.force_login(learner)
    assert client.get(base()).status_code == 403


def test_staff_of_another_course_get_403_everywhere(client, other_staff, course_badge, held_award):
    client.force_login(other_staff)
    for url in (base(), badge_url(course_badge), badge_url(course_badge, "award/"),
                badge_url(course_badge, "recipients.csv"), badge_url(course_badge, f"learners/{held_award.user_id}/"),
                f"{base()}history/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Only the course team of this course" in response.content
    response = client.post(badge_url(course_badge, f"awards/{held_award.uuid}/revoke/"), {"reason": "x"})
    assert response.status_code == 403
    held_award.refresh_from_db()
    assert not held_award.revoked
    assert not CourseTeamAction.objects.exists()


def test_their_own_course_is_open_to_them(client, other_staff, other_course_badge, course_badge):
    client.force_login(other_staff)
    response = client.get(base(OTHER_KEY))
    assert response.status_code == 200
    assert b"Other course badge" in response.content and b"Data Wrangler" not in response.content


def test_another_courses_badge_is_unknown_here(staff_client, other_course_badge, course_badge):
    assert staff_client.get(f"{base()}{other_course_badge.uuid}/").status_code == 404
    assert staff_client.get(f"{base()}{other_course_badge.uuid}/recipients.csv").status_code == 404


def test_a_malformed_course_key_is_404(staff_client):
    assert staff_client.get("/badges/course/not-a-course/manage/").status_code == 404


# --- what it shows ----------------------------------------------------------------------------------


def test_dashboard_counts_learners_by_state(staff_client, course_badge, held_award, other_learner, django_user_model):
    from openedx_plugin.credentials import issuing

    revoked = issuing.award_badge(course_badge, other_learner)[0]
    issuing.revoke_award(revoked, "Plagiarism.")
    starter = django_user_model.objects.create_user("starter", "s@example.com", "pw")
    BadgeProgress.objects.create(badge_class=course_badge, user=starter, done=1, total=2, started=True)
    # a learner with progress who holds the badge is not "in progress"
    BadgeProgress.objects.create(badge_class=course_badge, user=held_award.user, done=1, total=2, started=True)
    response = staff_client.get(base())
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["badge"] == course_badge
    assert row["counts"] == {"earned": 1, "in_progress": 1, "revoked": 1, "expired": 0, "suspended": 0, "total": 2}
    assert b'<th scope="col">' in response.content and b"<caption>" in response.content


def test_recipients_search_and_state(staff_client, course_badge, held_award, other_learner):
    from openedx_plugin.credentials import issuing

    issuing.revoke_award(issuing.award_badge(course_badge, other_learner)[0], "Mistake.")
    names = lambda response: [row["award"].user.username for row in response.context["rows"]]  # noqa: E731
    assert sorted(names(staff_client.get(badge_url(course_badge)))) == ["learner", "other"]
    assert names(staff_client.get(badge_url(course_badge), {"q": "lea"})) == ["learner"]
    assert names(staff_client.get(badge_url(course_badge), {"q": "OTHER@example.com"})) == ["other"]
    assert names(staff_client.get(badge_url(course_badge), {"q": str(held_award.uuid)})) == ["learner"]
    assert names(staff_client.get(badge_url(course_badge), {"state": "revoked"})) == ["other"]
    bad = staff_client.get(badge_url(course_badge), {"state": "bogus"})
    assert bad.status_code == 400
    assert b"There is a problem" in bad.content and b"State" in bad.content


def test_pages_name_the_course_by_its_display_name(staff_client, other_staff, client, course_badge):
    shown = f'<p class="obw-muted obw-course"><bdi>{COURSE_NAME}</bdi> (<bdi>{COURSE_KEY}</bdi>)</p>'
    assert shown in staff_client.get(base()).content.decode()  # the dashboard
    assert shown in staff_client.get(base() + "history/").content.decode()
    client.force_login(other_staff)
    denied = client.get(base())
    assert denied.status_code == 403 and shown in denied.content.decode()
    # a course the platform has no name for is shown by its key alone
    unnamed = "course-v1:DemoX+NONAME+2026"
    assert f'<p class="obw-muted obw-course"><bdi>{unnamed}</bdi></p>' in client.get(base(unnamed)).content.decode()


def grade_and_completion_rule(course_badge, min_grade, platform, course_staff, learner, grade):
    """A rule of a minimum grade and full completion; the learner has ``grade`` and half the course done."""
    from openedx_plugin.models import BadgeRule  # pylint: disable=import-outside-toplevel

    BadgeRule.objects.create(badge_class=course_badge, condition={"all": [
        {"kind": "course_passed", "course": COURSE_KEY, "min_percent": min_grade},
        {"kind": "course_completion", "course": COURSE_KEY, "min_percent": 1.0}]})
    platform.GRADES[(learner.id, COURSE_KEY)] = grade
    platform.COMPLETION[(learner.id, COURSE_KEY)] = 0.5
    platform.STAFF.add((course_staff.id, COURSE_KEY))
    platform.ENROLLED.add((learner.id, COURSE_KEY))


def test_learner_page_shows_progress_on_every_condition(staff_client, course_staff, course_badge, learner, platform):
    grade_and_completion_rule(course_badge, 0.8, platform, course_staff, learner, grade=(0.9, True))
    response = staff_client.get(badge_url(course_badge, f"learners/{learner.id}/"))
    assert response.status_code == 200
    items = response.context["progress"]
    assert [item.met for item in items] == [True, False]
    assert response.context["met"] is False
    assert staff_client.get(badge_url(course_badge, "learners/999999/")).status_code == 404


def test_learner_page_shows_grade_and_completion_so_far_as_percentages(staff_client, course_staff, course_badge,
                                                                     learner, platform):
    grade_and_completion_rule(course_badge, 0.75, platform, course_staff, learner, grade=(0.0, False))
    page = staff_client.get(badge_url(course_badge, f"learners/{learner.id}/")).content.decode()
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert "0% / 75%" in cells and "50% / 100%" in cells  # as the condition's own text writes them
    assert "0 / 0.75" not in cells and "0.50 / 1" not in cells


def test_learner_page_is_only_for_the_courses_learners(staff_client, course_badge, other_learner, course):
    from lms_standin.courseware import enroll

    url = badge_url(course_badge, f"learners/{other_learner.id}/")
    assert staff_client.get(url).status_code == 404  # an account of the site, not of this course
    enroll(other_learner, course, mode="audit")
    assert staff_client.get(url).status_code == 200


# --- actions -----------------------------------------------------------------------------------------


def test_award_dry_run_then_award_with_evidence(staff_client, course_badge, enrolled, course_staff, django_user_model):
    learner, _other = enrolled
    django_user_model.objects.create_user("outsider", "outsider@example.com", "pw")
    data = {"learners": "learner\nother@example.com\nnobody\noutsider", "reason": "Observed in the lab.",
            "narrative": "Led the data-cleaning session.", "url": "https://portfolio.example/ada", "dry_run": "on"}
    dry = csrf_post(staff_client, badge_url(course_badge, "award/"), data)
    assert dry.status_code == 200
    assert [row.status for row in dry.context["report"]] == ["would_award", "would_award", "not_found", "not_enrolled"]
    assert not Award.objects.exists() and not CourseTeamAction.objects.exists()

    del data["dry_run"]
    done = csrf_post(staff_client, badge_url(course_badge, "award/"), data)
    assert [row.status for row in done.context["report"]] == ["awarded", "awarded", "not_found", "not_enrolled"]
    assert not Award.objects.filter(user__username="outsider").exists()
    award = Award.objects.get(user=learner)
    evidence = award.ob3_credential["credentialSubject"]["evidence"] if "evidence" in award.ob3_credential.get(
        "credentialSubject", {}) else award.ob3_credential["evidence"]
    assert evidence[0]["narrative"] == "Led the data-cleaning session."
    assert evidence[0]["id"] == "https://portfolio.example/ada"
    assert award.provenance["source"] == "staff" and award.provenance["by"] == "tess"
    entries = CourseTeamAction.objects.filter(action="award").order_by("id")
    assert [(entry.actor, entry.learner_username, entry.reason) for entry in entries] == [
        (course_staff, "learner", "Observed in the lab."), (course_staff, "other", "Observed in the lab.")]
    again = csrf_post(staff_client, badge_url(course_badge, "award/"), data)
    assert [row.status for row in again.context["report"]][:2] == ["already_holds", "already_holds"]


@pytest.mark.parametrize("data, field", [
    ({"learners": "", "reason": "x"}, "learners"),
    ({"learners": "learner", "reason": ""}, "reason"),
    ({"learners": "learner", "reason": "x", "url": "not a url at all"}, "url"),
    ({"learners": "\n".join(f"u{i}" for i in range(1001)), "reason": "x"}, "learners"),
    ({"learners": "learner", "reason": "x", "narrative": "bad\x00byte"}, "narrative"),
])
def test_award_bad_input_is_400_naming_the_field(staff_client, course_badge, learner, data, field):
    response = csrf_post(staff_client, badge_url(course_badge, "award/"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # the summary links the field by name
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html
    assert not Award.objects.exists()


def test_posts_need_the_csrf_token(staff_client, course_badge, held_award):
    response = staff_client.post(badge_url(course_badge, f"awards/{held_award.uuid}/revoke/"), {"reason": "x"})
    assert response.status_code == 403
    held_award.refresh_from_db()
    assert not held_award.revoked


def test_revoke_suspend_lift_are_audited(staff_client, course_badge, held_award, course_staff):
    url = badge_url(course_badge, f"awards/{held_award.uuid}/")
    response = csrf_post(staff_client, url + "suspend/", {"reason": "Under review."})
    assert response.status_code == 302 and response["Location"].endswith("?done=suspend")
    held_award.refresh_from_db()
    assert held_award.suspended and held_award.suspension_reason == "Under review."
    assert csrf_post(staff_client, url + "suspend/", {"reason": "Again."}).status_code == 400  # already held
    assert csrf_post(staff_client, url + "lift/", {}).status_code == 302
    held_award.refresh_from_db()
    assert not held_award.suspended
    assert csrf_post(staff_client, url + "revoke/", {"reason": ""}).status_code == 400
    assert csrf_post(staff_client, url + "revoke/", {"reason": "Copied work."}).status_code == 302
    held_award.refresh_from_db()
    assert held_award.revoked and held_award.revocation_reason == "Copied work."
    assert csrf_post(staff_client, url + "revoke/", {"reason": "Twice."}).status_code == 400
    assert csrf_post(staff_client, url + "explode/", {"reason": "x"}).status_code == 404
    history = list(CourseTeamAction.objects.order_by("id").values_list("action", "reason", "actor", "award"))
    assert history == [("suspend", "Under review.", course_staff.id, held_award.id),
                       ("lift", "", course_staff.id, held_award.id),
                       ("revoke", "Copied work.", course_staff.id, held_award.id)]
    page = staff_client.get(f"{base()}history/")
    assert page.status_code == 200 and b"Copied work." in page.content


def test_reissue_replaces_held_credentials_with_the_current_text(staff_client, course_badge, held_award,
                                                                 django_capture_on_commit_callbacks):
    course_badge.description = "Cleans messy data, now with provenance."
    course_badge.save()
    with django_capture_on_commit_callbacks(execute=True) as queued:  # the task is queued on commit
        response = csrf_post(staff_client, badge_url(course_badge, "reissue/"), {"confirm": "on"})
    assert queued
    assert response.status_code == 302 and response["Location"].endswith("?reissued=1")
    held_award.refresh_from_db()
    assert held_award.revoked
    new = Award.objects.get(badge_class=course_badge, revoked=False)
    assert new.user == held_award.user and new.issued_on == held_award.issued_on
    assert new.ob3_credential["credentialSubject"]["achievement"]["description"] == course_badge.description
    assert new.provenance == {**new.provenance, "source": "reissue", "replaces": str(held_award.uuid)}
    entry = CourseTeamAction.objects.get(action="reissue")
    assert entry.detail == {"awards": 1, "queued": False}
    assert csrf_post(staff_client, badge_url(course_badge, "reissue/"), {}).status_code == 400  # not confirmed


def test_reissue_with_nothing_held_is_400(staff_client, course_badge):
    response = csrf_post(staff_client, badge_url(course_badge, "reissue/"), {"confirm": "on"})
    assert response.status_code == 400 and b"nothing to re-issue" in response.content


def test_csv_export_is_streamed_filtered_audited_and_formula_safe(staff_client, course_badge, django_user_model):
    from openedx_plugin.credentials import issuing

    risky = django_user_model.objects.create_user("@risky", "=cmd@example.com", "pw", first_name="+SUM(A1)")
    award = issuing.award_badge(course_badge, risky)[0]
    issuing.revoke_award(award, "=HYPERLINK(\"https://evil.example\")")
    response = staff_client.get(badge_url(course_badge, "recipients.csv"), {"state": "revoked"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["award", "username", "email", "name", "state"]
    assert rows[1][1:5] == ["'@risky", "'=cmd@example.com", "'+SUM(A1)", "revoked"]
    assert rows[1][8] == "'=HYPERLINK(\"https://evil.example\")"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert CourseTeamAction.objects.get(action="export").detail == {"rows": 1}
    assert staff_client.get(badge_url(course_badge, "recipients.csv"), {"state": "x"}).status_code == 400


def test_retirement_forgets_names_in_the_history(course_badge, held_award, course_staff):
    from openedx_plugin import handlers
    from openedx_plugin.course_team import services

    services.revoke(held_award, actor=course_staff, reason="Mistake.")
    handlers.on_user_retired(user=held_award.user)
    entry = CourseTeamAction.objects.get()
    assert entry.learner is None and entry.learner_username == "" and entry.reason == "Mistake."


def test_counts_by_state(course_badge, learner, other_learner, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from openedx_plugin.course_team import services
    from openedx_plugin.credentials import issuing

    third = django_user_model.objects.create_user("third", "third@example.com", "pw")
    issuing.award_badge(course_badge, learner)
    expired = issuing.award_badge(course_badge, other_learner)[0]
    Award.objects.filter(pk=expired.pk).update(valid_until=timezone.now() - timedelta(days=1))
    issuing.suspend_award(issuing.award_badge(course_badge, third)[0], "Review.")
    assert services.counts([course_badge])[course_badge.pk] == {
        "earned": 1, "expired": 1, "suspended": 1, "revoked": 0, "in_progress": 0, "total": 3}


def test_reissue_with_the_broker_down_says_so_in_the_history(staff_client, course_badge, held_award,
                                                             django_capture_on_commit_callbacks, monkeypatch):
    from openedx_plugin.course_team import reissue

    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(reissue.reissue_badge, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(staff_client, badge_url(course_badge, "reissue/"), {"confirm": "on"})
    assert response.status_code == 302
    held_award.refresh_from_db()
    assert not held_award.revoked
    assert CourseTeamAction.objects.get(action="reissue").detail == {"awards": 0, "queued": False, "failed": True}
    assert b"not queued" in staff_client.get(badge_url(course_badge)).content
