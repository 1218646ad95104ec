"""
Issue 18, the learner's side: course names and links back to the LMS, the skills profile,
badges expiring soon, filters kept, downloads as files, the printable certificate, the
public profile, the plain page of a private badge, and the revoked and expiring emails.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from openedx_plugin.awards import awarding, notifications
from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import Award, LearnerProfile

from .conftest import COURSE, OTHER_COURSE, clone_awards

pytestmark = pytest.mark.django_db
WALLET = "/badges/wallet/"


# --- Wallet 2.0 ----------------------------------------------------------------------------------


def test_the_wallet_names_courses_and_links_back_to_the_lms(learner_client, award, second_badge, learner,
                                                           platform, settings):
    platform.NAMES[COURSE] = "Data Wrangling 101"
    issuing.award_badge(second_badge, learner)  # OTHER_COURSE has no name: its key is shown
    page = learner_client.get(WALLET).content.decode()
    assert "Course: <bdi>Data Wrangling 101</bdi>" in page
    assert f"Course: <bdi>{OTHER_COURSE}</bdi>" in page
    assert f"Course: <bdi>{COURSE}</bdi>" not in page
    assert '<option value="course-v1:TestX+DW101+2026">Data Wrangling 101</option>' in page  # filter menu
    root = settings.LMS_ROOT_URL
    assert f'href="{root}/dashboard"' in page and f'href="{root}/logout"' in page and f'href="{root}/"' in page
    detail = learner_client.get(f"{WALLET}{award.uuid}/").content.decode()
    assert f'href="{root}/courses/{COURSE}/course/"' in detail  # back to the course (redirected to its home)
    assert "Go to the course <bdi>Data Wrangling 101</bdi>" in detail


def test_operator_urls_replace_the_lms_defaults(learner_client, award, settings):
    settings.OPENEDX_BADGES_DASHBOARD_URL = "https://apps.example.com/learner-dashboard/"
    settings.OPENEDX_BADGES_LOGOUT_URL = "https://sso.example.com/logout"
    page = learner_client.get(WALLET).content.decode()
    assert 'href="https://apps.example.com/learner-dashboard/"' in page
    assert 'href="https://sso.example.com/logout"' in page


def test_the_course_names_cost_one_query_per_page(learner_client, award, second_badge, platform):
    clone_awards(award, 60, badge_classes=[award.badge_class, second_badge])
    learner_client.get(WALLET)
    assert [call for call in platform.CALLS if call[0] == "course_names"] == [
        ("course_names", tuple(sorted([COURSE, OTHER_COURSE])))]


def test_the_skills_profile_gathers_current_badges(learner_client, award, second_badge, learner):
    revoked = issuing.award_badge(second_badge, learner)[0]
    Award.objects.filter(pk=revoked.pk).update(revoked=True, revoked_at=timezone.now())
    page = learner_client.get(WALLET).content.decode()
    section = page[page.index('id="obw-skills-profile"'):]
    assert "<bdi>Example Skills</bdi>" in section and "<bdi>Data cleaning</bdi>" in section
    assert "Level: Intermediate" in section
    assert f'href="/badges/wallet/{award.uuid}/"' in section
    assert "Machine learning" not in section  # a revoked badge evidences nothing now


def _skills_section(page):
    start = page.index('id="obw-skills-profile"')
    return page[start:page.index("</section>", start)]


def test_the_skills_profile_of_a_learner_without_badges_speaks_of_no_badges(learner_client):
    section = _skills_section(learner_client.get(WALLET).content.decode())
    assert "None of these badges" not in section  # there are no badges for "these" to name
    assert "You have no current badges yet." in section


def test_the_skills_profile_of_a_learner_whose_only_badge_is_revoked_speaks_of_no_badges(learner_client, award):
    Award.objects.filter(pk=award.pk).update(revoked=True, revoked_at=timezone.now())
    section = _skills_section(learner_client.get(WALLET).content.decode())
    assert "None of these badges" not in section and "You have no current badges yet." in section


def test_the_skills_profile_of_badges_without_skills_says_none_is_aligned(learner_client, award):
    type(award.badge_class).objects.filter(pk=award.badge_class_id).update(alignments=[])
    section = _skills_section(learner_client.get(WALLET).content.decode())
    assert "None of these badges is aligned to a skill yet." in section
    assert "You have no current badges" not in section


def test_badges_expiring_soon(learner_client, award, second_badge, learner, settings):
    settings.OPENEDX_BADGES_EXPIRY_NOTICE_DAYS = 30
    soon = issuing.award_badge(second_badge, learner)[0]
    Award.objects.filter(pk=soon.pk).update(valid_until=timezone.now() + timedelta(days=3, hours=1))
    page = learner_client.get(WALLET).content.decode()
    section = page[page.index('id="obw-expiring-title"'):page.index("</section>", page.index('id="obw-expiring-title"'))]
    assert "Model Builder" in section and "expires in 4 days" in section
    assert "Data Wrangler" not in section  # valid for a year
    Award.objects.filter(pk=soon.pk).update(valid_until=timezone.now() + timedelta(hours=5))
    assert "expires in 1 day " in learner_client.get(WALLET).content.decode()
    settings.OPENEDX_BADGES_EXPIRY_NOTICE_DAYS = 0
    assert 'id="obw-expiring-title"' not in learner_client.get(WALLET).content.decode()


def test_the_filters_are_kept_when_coming_back(learner_client, award, second_badge, learner):
    issuing.award_badge(second_badge, learner)
    learner_client.get(WALLET, {"course": COURSE, "status": "earned"})
    detail = learner_client.get(f"{WALLET}{award.uuid}/").content.decode()
    assert 'href="/badges/wallet/?course=course-v1%3ATestX%2BDW101%2B2026&amp;status=earned"' in detail
    learner_client.get(WALLET)  # the bare page shows everything and forgets them
    assert 'href="/badges/wallet/">Back to my badges' in learner_client.get(f"{WALLET}{award.uuid}/").content.decode()


def test_the_pathways_slot_is_marked():
    from pathlib import Path

    import openedx_plugin

    template = Path(openedx_plugin.__file__).parent / "templates" / "openedx_badges" / "wallet.html"
    assert 'openedx_badges/wallet_partials/pathways.html' in template.read_text()


# --- downloads and the certificate -----------------------------------------------------------------


@pytest.mark.parametrize("kind, filename, media_type", [
    ("credential", "data-wrangler-ob3.json", "application/vc+ld+json"),
    ("assertion", "data-wrangler-ob2.json", "application/ld+json"),
    ("signed", "data-wrangler-ob2.jws", "application/jose"),
])
def test_downloads_are_named_files(learner_client, award, kind, filename, media_type):
    response = learner_client.get(f"{WALLET}{award.uuid}/download/{kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Type"].startswith(media_type)
    body = response.content.decode().strip()
    if kind == "credential":
        assert '"type"' in body and str(award.uuid) in body
    elif kind == "assertion":
        assert public_urls.assertion_url(award) in body
    else:
        assert body == award.ob2_jws and body.count(".") == 2  # compact JWS: header.payload.signature


def test_downloads_are_the_learners_own(client, award, other_learner, learner_client):
    client.force_login(other_learner)
    assert client.get(f"{WALLET}{award.uuid}/download/credential").status_code == 404
    assert learner_client.get(f"{WALLET}{award.uuid}/download/nothing").status_code == 404


def test_the_detail_page_offers_the_files_and_the_certificate(learner_client, award):
    page = learner_client.get(f"{WALLET}{award.uuid}/").content.decode()
    for kind in ("credential", "assertion", "signed"):
        assert f'href="/badges/wallet/{award.uuid}/download/{kind}" download' in page
    assert "Open Badges 2.0 assertion, signed (JWS)" in page
    assert f'href="/badges/wallet/{award.uuid}/certificate/"' in page


def test_the_certificate_page(learner_client, award, client, other_learner):
    page = learner_client.get(f"{WALLET}{award.uuid}/certificate/").content.decode()
    assert public_urls.verify_page_url(award) in page
    assert "<svg" in page and "obw-qr-svg" in page  # the QR code, made here
    assert "@media print" in page
    assert str(award.uuid) in page
    client.force_login(other_learner)
    assert client.get(f"{WALLET}{award.uuid}/certificate/").status_code == 404


# --- the public profile ----------------------------------------------------------------------------


def test_the_public_profile_is_off_by_default(learner_client, award, learner, client):
    learner_client.get("/badges/wallet/profile/")
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.public is False and len(profile.slug) == 16 and learner.username not in profile.slug
    response = client.get(f"/badges/u/{profile.slug}/")
    assert response.status_code == 404
    assert client.get("/badges/u/no-such-profile/").status_code == 404


def test_the_public_profile_shows_only_public_current_badges(learner_client, award, second_badge, learner, client,
                                                            issuer):
    private = issuing.award_badge(second_badge, learner)[0]
    Award.objects.filter(pk=private.pk).update(public=False)
    third = issuing.create_badge_class(issuer, "Revoked One", "x", course_key=COURSE, criteria_narrative="x")
    revoked = issuing.award_badge(third, learner)[0]
    Award.objects.filter(pk=revoked.pk).update(revoked=True, revoked_at=timezone.now())
    response = learner_client.post("/badges/wallet/profile/", {"public": "on", "slug": "Ada-L", "headline": "Data"})
    assert response.status_code == 302
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.slug == "ada-l" and profile.public
    page = client.get("/badges/u/ada-l/").content.decode()
    assert f'href="/badges/verify/{award.uuid}"' in page and "<bdi>Data cleaning</bdi>" in page
    assert "Model Builder" not in page and str(private.uuid) not in page  # made private
    assert "Revoked One" not in page
    assert "learner" not in page.lower().replace("learner-guide", "")  # no name unless asked
    assert "1 verified badge" in page
    learner_client.post("/badges/wallet/profile/", {"public": "on", "slug": "ada-l", "show_name": "on"})
    assert "<h1 dir=\"auto\">learner</h1>" in client.get("/badges/u/ada-l/").content.decode()


def test_a_slug_is_unique_and_checked(learner_client, other_learner, learner):
    LearnerProfile.objects.create(user=other_learner, slug="taken", public=True)
    response = learner_client.post("/badges/wallet/profile/", {"public": "on", "slug": "taken"})
    assert response.status_code == 400
    response = learner_client.post("/badges/wallet/profile/", {"public": "on", "slug": "not a slug!"})
    assert response.status_code == 400 and "obw-errors" in response.content.decode()


def test_retirement_takes_the_profile_down(learner, client, award):
    from openedx_plugin import handlers

    LearnerProfile.objects.create(user=learner, slug="gone-soon", public=True)
    assert client.get("/badges/u/gone-soon/").status_code == 200
    handlers.on_user_retired(user=learner)
    assert not LearnerProfile.objects.filter(user=learner).exists()
    assert client.get("/badges/u/gone-soon/").status_code == 404


def test_the_operator_can_turn_profiles_off(learner_client, learner, client, settings):
    LearnerProfile.objects.create(user=learner, slug="on-page", public=True)
    settings.OPENEDX_BADGES_PUBLIC_PROFILES = False
    assert client.get("/badges/u/on-page/").status_code == 404
    assert learner_client.get("/badges/wallet/profile/").status_code == 404
    assert "Public profile" not in learner_client.get(WALLET).content.decode()


# --- the verification page of a private badge ---------------------------------------------------


def test_a_private_badge_says_so_in_a_plain_page(client, award):
    Award.objects.filter(pk=award.pk).update(public=False)
    response = client.get(f"/badges/verify/{award.uuid}")
    page = response.content.decode()
    assert response.status_code == 404
    assert "This badge is not shared" in page and "<!DOCTYPE html>" in page
    assert award.badge_class.name not in page  # nothing of the badge is disclosed
    unknown = client.get("/badges/verify/00000000-0000-4000-8000-000000000000").content.decode()
    assert re.sub(r"\s+", " ", unknown) == re.sub(r"\s+", " ", page)  # the same page as for no badge at all


# --- emails ----------------------------------------------------------------------------------------


def test_a_revoked_badge_is_emailed_with_its_reason(award, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        awarding.revoke(award, "Plagiarism found in the final project.")
    [sent] = [message for message in mail.outbox if "revoked" in message.subject]
    assert sent.to == [learner.email]
    assert sent.subject == "Your badge “Data Wrangler” was revoked"
    assert "Reason given: Plagiarism found in the final project." in sent.body
    assert notifications.wallet_url(award) in sent.body


def test_an_expiring_badge_is_emailed_once(award, second_badge, learner, settings):
    settings.OPENEDX_BADGES_EXPIRY_NOTICE_DAYS = 14
    soon = issuing.award_badge(second_badge, learner)[0]
    Award.objects.filter(pk=soon.pk).update(valid_until=timezone.now() + timedelta(days=10))
    mail.outbox.clear()
    assert awarding.notify_expiring() == 1
    [sent] = mail.outbox
    assert sent.subject == "Your badge “Model Builder” expires soon"
    assert notifications.wallet_url(soon) in sent.body
    assert Award.objects.get(pk=soon.pk).expiry_notified_at is not None
    assert awarding.notify_expiring() == 0  # once per award
    call_command("badges_sweep", stdout=open("/dev/null", "w"))  # the cron path sends nothing more either
    assert len(mail.outbox) == 1


def test_expiry_notices_skip_revoked_and_far_awards(award, learner, settings):
    settings.OPENEDX_BADGES_EXPIRY_NOTICE_DAYS = 14  # the award is valid for a year
    mail.outbox.clear()
    assert awarding.notify_expiring() == 0
    Award.objects.filter(pk=award.pk).update(valid_until=timezone.now() + timedelta(days=2), revoked=True)
    assert awarding.notify_expiring() == 0 and not mail.outbox


def test_beat_runs_the_expiry_notices():
    from types import SimpleNamespace

    from openedx_plugin.settings import common

    host = SimpleNamespace()
    common.plugin_settings(host)
    assert host.CELERYBEAT_SCHEDULE["openedx_badges.notify_expiring"]["task"] == "openedx_badges.notify_expiring"
    from openedx_plugin import tasks

    assert tasks.notify_expiring.name == "openedx_badges.notify_expiring"


def test_a_replacement_is_not_announced_as_a_revocation(award, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        awarding.revoke(award, "Re-issued with updated details.", notify=False)
    assert not [message for message in mail.outbox if "revoked" in message.subject]
