"""The admin: every model's pages load, and issuing and revoking need their own permissions."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openedx_plugin.credentials import issuing
from openedx_plugin.models import Award, BadgeClass, Issuer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    """Staff who may view and change badge models but hold no issuing or revoking permission."""
    user = django_user_model.objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="openedx_badges")
                              .exclude(codename__in=["issue_award", "revoke_award"]))
    return user


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # drop the permission cache


@pytest.mark.parametrize("model", ["issuer", "badgeclass", "award", "pendingevaluation", "statuslist"])
def test_changelists_load(admin_client, badge_class, learner, model):
    issuing.award_badge(badge_class, learner)
    response = admin_client.get(reverse(f"admin:openedx_badges_{model}_changelist"))
    assert response.status_code == 200


def test_change_pages_show_no_private_key(admin_client, badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    issuer_page = admin_client.get(reverse("admin:openedx_badges_issuer_change", args=[badge_class.issuer.pk]))
    assert issuer_page.status_code == 200
    text = issuer_page.content.decode()
    assert "PRIVATE KEY" not in text and "private_key" not in text
    assert "did:web:lms.example.com" in text
    award_page = admin_client.get(reverse("admin:openedx_badges_award_change", args=[award.pk]))
    assert award_page.status_code == 200 and "PRIVATE" not in award_page.content.decode()
    assert admin_client.get(reverse("admin:openedx_badges_badgeclass_change", args=[badge_class.pk])).status_code \
        == 200


def test_award_search_by_user_course_and_badge(admin_client, badge_class, learner):
    issuing.award_badge(badge_class, learner)
    url = reverse("admin:openedx_badges_award_changelist")
    for term in ("learner", "DW101", "Wrangler"):
        assert "1 award" in admin_client.get(url, {"q": term}).content.decode()


def test_manual_award_needs_the_issue_permission(client, staff, badge_class, learner):
    client.force_login(staff)
    url = reverse("admin:openedx_badges_badgeclass_award", args=[badge_class.pk])
    assert client.get(url).status_code == 403
    client.force_login(grant(staff, "issue_award"))
    assert client.get(url).status_code == 200
    dry = client.post(url, {"users": "learner\nnobody", "reason": "Mentor", "dry_run": "on"})
    assert dry.status_code == 200
    assert "would award" in dry.content.decode() and "not found" in dry.content.decode()
    assert not Award.objects.exists()
    done = client.post(url, {"users": "learner", "reason": "Mentor"})
    assert "awarded" in done.content.decode()
    assert Award.objects.get().provenance["by"] == "staff"


def test_bulk_award_from_a_csv_upload(admin_client, badge_class, learner, other_learner):
    url = reverse("admin:openedx_badges_badgeclass_award", args=[badge_class.pk])
    upload = SimpleUploadedFile("learners.csv", b"email\nlearner@example.com\nother@example.com\n", "text/csv")
    response = admin_client.post(url, {"csv_file": upload, "reason": "Workshop"})
    assert response.status_code == 200
    assert Award.objects.count() == 2


def test_revoke_needs_the_revoke_permission_and_a_reason(client, staff, badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    url = reverse("admin:openedx_badges_award_changelist")
    client.force_login(staff)
    response = client.post(url, {"action": "revoke", "_selected_action": [award.pk]})
    assert response.status_code in (200, 302)
    award.refresh_from_db()
    assert not award.revoked  # the action is not offered without the permission
    client.force_login(grant(staff, "revoke_award"))
    ask = client.post(url, {"action": "revoke", "_selected_action": [award.pk]})
    assert ask.status_code == 200 and "Reason" in ask.content.decode()
    client.post(url, {"action": "revoke", "_selected_action": [award.pk], "apply": "yes", "reason": "Plagiarism"})
    award.refresh_from_db()
    assert award.revoked and award.revocation_reason == "Plagiarism"
    # issue 17: a revocation is final; reinstating issues a new credential (which needs issue_award too)
    client.force_login(grant(staff, "issue_award"))
    client.post(url, {"action": "reinstate", "_selected_action": [award.pk]})
    award.refresh_from_db()
    assert award.revoked
    assert Award.objects.get(badge_class=badge_class, user=learner, sequence=2).revoked is False


def test_reissue_revokes_and_signs_again(admin_client, badge_class, learner):
    award, _ = issuing.award_badge(badge_class, learner)
    admin_client.post(reverse("admin:openedx_badges_award_changelist"),
                      {"action": "reissue", "_selected_action": [award.pk]})
    award.refresh_from_db()
    assert award.revoked
    new = Award.objects.get(revoked=False)
    assert new.sequence == 2 and new.ob3_credential["proof"]["proofValue"] != award.ob3_credential["proof"][
        "proofValue"]


def test_csv_export_streams_every_selected_award(admin_client, badge_class, learner):
    issuing.award_badge(badge_class, learner)
    response = admin_client.post(reverse("admin:openedx_badges_award_changelist"),
                                 {"action": "export_csv", "_selected_action": list(
                                     Award.objects.values_list("pk", flat=True))})
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("award,badge,course,username")
    assert "learner" in body and "Data Wrangler" in body


def test_key_rotation_action(admin_client, issuer):
    admin_client.post(reverse("admin:openedx_badges_issuer_changelist"),
                      {"action": "rotate_keys", "_selected_action": [issuer.pk]})
    assert issuer.keys.filter(kind="ed25519").count() == 2
    assert issuer.keys.filter(kind="ed25519", active=True).count() == 1


def test_image_upload_is_sanitised(admin_client, badge_class):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
           b'<script>alert(2)</script><rect width="10" height="10"/></svg>')
    url = reverse("admin:openedx_badges_badgeclass_change", args=[badge_class.pk])
    data = {"issuer": badge_class.issuer.pk, "course_key": badge_class.course_key, "name": badge_class.name,
            "description": badge_class.description, "criteria_narrative": badge_class.criteria_narrative,
            "criteria_url": "", "achievement_type": "Badge", "alignments": "[]", "tags": "[]", "level": "",
            "validity_days": "", "active": "on", "image_upload": SimpleUploadedFile("b.svg", svg, "image/svg+xml"),
            "rule-TOTAL_FORMS": "0", "rule-INITIAL_FORMS": "0", "rule-MIN_NUM_FORMS": "0", "rule-MAX_NUM_FORMS": "1"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, (response.context["adminform"].form.errors, [f.formset.errors for f in response.context["inline_admin_formsets"]])
    stored = bytes(BadgeClass.objects.get(pk=badge_class.pk).image_data)
    assert b"<rect" in stored and b"script" not in stored and b"onload" not in stored
    bomb = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png")
    response = admin_client.post(url, dict(data, image_upload=bomb))
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_new_issuer_from_the_admin_gets_keys(admin_client):
    response = admin_client.post(reverse("admin:openedx_badges_issuer_add"), {
        "name": "Admin Issuer", "url": "https://a.example/", "email": "a@a.example", "description": "",
        "org": "AdminX", "public_base_url": "https://a.example", "identity": "did:web",
        "keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "0", "keys-MIN_NUM_FORMS": "0", "keys-MAX_NUM_FORMS": "0"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(Issuer.objects.get(name="Admin Issuer").keys.values_list("kind", flat=True)) == ["ed25519", "rsa"]
