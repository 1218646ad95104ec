"""
Issue 17, findings 3 and 4: an issued award is revoked, never deleted; a revocation is
final; a reversible hold is a suspension, in its own status list.

Before: the admin offered Delete on an award (its documents then answered 404 while its
status bit stayed clear, so verifiers kept accepting the credential), and "Reinstate"
set the revocation bit back to 0, which the W3C Bitstring Status List does not allow.
"""

import json

import pytest
from django.urls import reverse

from openedx_plugin.awards import awarding
from openedx_plugin.credentials import issuing, public_urls, verification
from openedx_plugin.models import Award, StatusList

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner)[0]


def _bit(status_list, index):
    status_list.refresh_from_db()
    return issuing._bits_of(status_list).get(index)  # pylint: disable=protected-access


def _served_bit(client, url, index):
    """The bit as a verifier reads it: from the served, signed list credential."""
    from openedx_plugin.engine.statuslist import BitstringStatusList

    document = json.loads(client.get(url[len("https://lms.example.com"):]).content)
    return BitstringStatusList.decode(document["credentialSubject"]["encodedList"]).get(index)


# --- finding 3: no deleting an issued award -------------------------------------------------------


def test_the_admin_cannot_delete_an_award(admin_client, award):
    delete = reverse("admin:openedx_badges_award_delete", args=[award.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:openedx_badges_award_changelist")
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [award.pk], "post": "yes"})
    assert Award.objects.filter(pk=award.pk).exists()
    assert "delete_selected" not in admin_client.get(changelist).content.decode()


def test_the_award_page_has_a_revoke_button_that_asks_for_a_reason(admin_client, award, client):
    page = admin_client.get(reverse("admin:openedx_badges_award_change", args=[award.pk])).content.decode()
    revoke = reverse("admin:openedx_badges_award_revoke", args=[award.pk])
    assert revoke in page and "Revoke" in page
    assert "Reason" in admin_client.get(revoke).content.decode()
    admin_client.post(revoke, {"reason": ""})  # a reason is required
    assert not Award.objects.get(pk=award.pk).revoked
    response = admin_client.post(revoke, {"reason": "Plagiarism"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked and award.revocation_reason == "Plagiarism"
    assert _bit(award.status_list, award.status_index)
    assert _served_bit(client, public_urls.status_list_url(award.status_list), award.status_index)


def test_award_pages_for_a_missing_id_answer_404_or_redirect(admin_client):
    for name in ("revoke", "suspend", "reinstate"):
        assert admin_client.get(reverse(f"admin:openedx_badges_award_{name}", args=[987654])).status_code == 404
        assert admin_client.get(f"/admin/openedx_badges/award/not-a-number/{name}/").status_code == 404
    assert admin_client.get(reverse("admin:openedx_badges_award_change", args=[987654])).status_code in (302, 404)
    assert admin_client.get(reverse("admin:openedx_badges_badgeclass_award", args=[987654])).status_code == 404


def test_revoking_needs_the_permission(client, django_user_model, award):
    staff = django_user_model.objects.create_user("viewer", "v@example.com", "pw", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_award", "change_award"]))
    client.force_login(staff)
    assert client.post(reverse("admin:openedx_badges_award_revoke", args=[award.pk]),
                       {"reason": "x"}).status_code == 403
    assert not Award.objects.get(pk=award.pk).revoked


# --- finding 4: suspension is its own list; revocation is final ---------------------------------------


def test_new_credentials_carry_a_revocation_and_a_suspension_entry(award):
    entries = award.ob3_credential["credentialStatus"]
    assert [entry["statusPurpose"] for entry in entries] == ["revocation", "suspension"]
    assert entries[0]["statusListCredential"] == public_urls.status_list_url(award.status_list)
    assert entries[1]["statusListCredential"] == public_urls.status_list_url(award.suspension_list)
    assert award.status_list.purpose == "revocation" and award.suspension_list.purpose == "suspension"
    assert issuing.status_list_credential(award.suspension_list)["credentialSubject"]["statusPurpose"] == "suspension"
    assert verification.verify_award(award).ok


def test_suspend_then_reinstate_uses_the_suspension_bit_only(client, award):
    suspension_url = public_urls.status_list_url(award.suspension_list)
    assert not _served_bit(client, suspension_url, award.suspension_index)
    awarding.suspend(award, "Under review")
    award.refresh_from_db()
    assert award.state() == "suspended"
    assert _served_bit(client, suspension_url, award.suspension_index)  # the cached list changed
    assert not _bit(award.status_list, award.status_index)
    result = verification.verify_award(award)
    assert not result.ok and result.suspended and result.revoked is False
    assert "suspended" in client.get(public_urls.verify_page_url(award)[len("https://lms.example.com"):]) \
        .content.decode()

    awarding.reinstate(award, staff_user=None)
    award.refresh_from_db()
    assert award.state() == "earned"
    assert not _served_bit(client, suspension_url, award.suspension_index)
    assert verification.verify_award(award).ok


def test_a_suspended_award_is_not_replaced_by_a_new_one(badge_class, learner, award):
    issuing.suspend_award(award, "Hold")
    again, created = issuing.award_badge(badge_class, learner)
    assert again.pk == award.pk and not created


def test_a_revocation_bit_is_never_cleared(award):
    issuing.revoke_award(award, "Error")
    with pytest.raises(issuing.NotReversible):
        issuing.reinstate_award(award)
    with pytest.raises(issuing.NotReversible):
        issuing._set_status_bit(award, False)  # pylint: disable=protected-access
    award.refresh_from_db()
    assert award.revoked and _bit(award.status_list, award.status_index)
    assert verification.verify_award(award).revoked is True


def test_reinstating_a_revoked_award_issues_a_new_credential(admin_client, award, learner):
    awarding.revoke(award, "Made in error")
    admin_client.post(reverse("admin:openedx_badges_award_reinstate", args=[award.pk]))
    award.refresh_from_db()
    assert award.revoked and _bit(award.status_list, award.status_index)  # the old one stays revoked
    fresh = Award.objects.get(badge_class=award.badge_class, user=learner, sequence=2)
    assert fresh.ob3_credential["id"] != award.ob3_credential["id"]
    assert (fresh.status_list_id, fresh.status_index) != (award.status_list_id, award.status_index)
    assert str(award.uuid) in fresh.provenance["reason"]
    assert verification.verify_award(fresh).ok


def test_an_award_without_a_suspension_slot_cannot_be_suspended(award):
    """Credentials signed before suspension lists carry no suspension entry: a hold would be invisible."""
    Award.objects.filter(pk=award.pk).update(suspension_list=None, suspension_index=None)
    award.refresh_from_db()
    with pytest.raises(issuing.NotReversible):
        issuing.suspend_award(award, "Hold")
    assert not Award.objects.get(pk=award.pk).suspended


def test_suspension_and_revocation_lists_are_separate_per_issuer(badge_class, learner, other_learner):
    first = issuing.award_badge(badge_class, learner)[0]
    second = issuing.award_badge(badge_class, other_learner)[0]
    assert first.status_list_id == second.status_list_id
    assert first.suspension_list_id == second.suspension_list_id != first.status_list_id
    assert set(StatusList.objects.values_list("purpose", flat=True)) == {"revocation", "suspension"}


def test_admin_suspend_button_and_lift(admin_client, award):
    page = admin_client.get(reverse("admin:openedx_badges_award_change", args=[award.pk])).content.decode()
    suspend = reverse("admin:openedx_badges_award_suspend", args=[award.pk])
    assert suspend in page
    admin_client.post(suspend, {"reason": "Investigating"})
    award.refresh_from_db()
    assert award.suspended and not award.revoked
    page = admin_client.get(reverse("admin:openedx_badges_award_change", args=[award.pk])).content.decode()
    assert "Lift the suspension" in page
    admin_client.post(reverse("admin:openedx_badges_award_reinstate", args=[award.pk]))
    award.refresh_from_db()
    assert not award.suspended and not award.revoked


def test_reinstating_a_revoked_award_needs_the_issue_permission_too(client, django_user_model, award, learner):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("reviewer", "r@example.com", "pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_award", "change_award",
                                                                        "revoke_award"]))
    client.force_login(staff)
    awarding.revoke(award, "Made in error")
    assert client.post(reverse("admin:openedx_badges_award_reinstate", args=[award.pk])).status_code == 403
    assert not Award.objects.filter(user=learner, sequence=2).exists()


def test_reinstating_twice_issues_one_new_credential(admin_client, award, learner):
    awarding.revoke(award, "Made in error")
    url = reverse("admin:openedx_badges_award_reinstate", args=[award.pk])
    admin_client.post(url)
    page = admin_client.post(url, follow=True).content.decode()
    assert "already holds a valid award" in page
    assert Award.objects.filter(user=learner, badge_class=award.badge_class).count() == 2


def test_the_learner_sees_the_suspension_in_the_wallet_and_the_api(client, learner, award):
    awarding.suspend(award, "Under review")
    client.force_login(learner)
    assert "suspended by its issuer" in client.get(f"/badges/wallet/{award.uuid}/").content.decode()
    assert client.get(f"/badges/api/v1/awards/{award.uuid}/").json()["state"] == "suspended"
    listed = client.get("/badges/api/v1/awards/?status=suspended").json()
    assert [item["uuid"] for item in listed["results"]] == [str(award.uuid)]
    assert client.get("/badges/api/v1/awards/?status=earned").json()["count"] == 0
