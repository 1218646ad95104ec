"""
Tracking-log events through the platform's tracker: eventtracking, configured in the
stand-in's test settings with a capturing backend (lms_standin/tracking_log.py), receives
each badge event with the documented name and fields, and no email, username or full name.
"""

import json

import pytest

from lms_standin import tracking_log
from openedx_plugin.awards import awarding
from openedx_plugin.backpacks import services
from openedx_plugin.credentials import public_urls
from openedx_plugin.models import BackpackProvider, PushAttempt
from openedx_plugin.visibility import tracking

pytestmark = pytest.mark.django_db
PII = ("email", "username", "name", "full_name")


@pytest.fixture(autouse=True)
def captured():
    tracking_log.EVENTS.clear()
    yield tracking_log.EVENTS
    tracking_log.EVENTS.clear()


@pytest.fixture
def award(badge_class, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made, _ = awarding.manual_award(badge_class, learner, staff_user=learner, reason="test")
    return made


def one(name):
    found = tracking_log.named(name)
    assert len(found) == 1, [event["name"] for event in tracking_log.EVENTS]
    return found[0]


def path_of(url):
    return url.split("https://lms.example.com", 1)[1]


def assert_award_fields(event, award):
    data = event["data"]
    assert data["user_id"] == award.user_id
    assert data["assertion_uuid"] == str(award.uuid)
    assert data["badge_uuid"] == str(award.badge_class.uuid)
    assert data["badge_name"] == award.badge_class.name
    assert data["course_id"] == (award.badge_class.course_key or None)
    assert not set(PII) & set(data), data
    text = json.dumps(data)
    assert award.user.email not in text and award.user.username not in text


def test_award_emits_assertion_created(award, learner):
    event = one(tracking.AWARDED)
    assert_award_fields(event, award)
    assert event["data"]["issuing_component"] == "staff"
    assert event["name"] == "edx.badge.assertion.created"
    assert "timestamp" in event and "context" in event  # processed by the real tracker


def test_revoke_suspend_and_lift(award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        awarding.suspend(award, "Under review: ask jane@example.com")
    assert_award_fields(one(tracking.SUSPENDED), award)
    assert "Under review" not in json.dumps(one(tracking.SUSPENDED)["data"])  # staff free text stays out
    with django_capture_on_commit_callbacks(execute=True):
        awarding.reinstate(award, staff_user=award.user)
    assert_award_fields(one(tracking.REINSTATED), award)
    with django_capture_on_commit_callbacks(execute=True):
        awarding.revoke(award, "Issued in error")
    assert_award_fields(one(tracking.REVOKED), award)


def test_public_link_on_and_off_in_the_wallet_and_the_api(client, award, learner):
    client.force_login(learner)
    url = f"/badges/wallet/{award.uuid}/"
    assert client.post(url, {"show_name": "on"}).status_code == 302  # "public" unticked: link off
    event = one(tracking.VISIBILITY)
    assert event["data"]["public"] is False and event["data"]["show_name"] is True
    assert_award_fields(event, award)
    tracking_log.EVENTS.clear()
    response = client.patch(f"/badges/api/v1/awards/{award.uuid}/", json.dumps({"public": True}),
                            content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert one(tracking.VISIBILITY)["data"]["public"] is True


@pytest.mark.parametrize("channel", tracking.SHARE_CHANNELS)
def test_share_reported_by_the_wallet(client, award, learner, channel):
    client.force_login(learner)
    response = client.post(f"/badges/wallet/{award.uuid}/shared", {"channel": channel})
    assert response.status_code == 204
    event = one(tracking.SHARED)
    assert event["data"]["social_network"] == channel
    assert_award_fields(event, award)


def test_share_refuses_bad_input_and_other_learners(client, award, other_learner):
    client.force_login(award.user)
    assert client.post(f"/badges/wallet/{award.uuid}/shared", {"channel": "fax"}).status_code == 400
    assert client.get(f"/badges/wallet/{award.uuid}/shared").status_code == 405
    client.force_login(other_learner)
    assert client.post(f"/badges/wallet/{award.uuid}/shared", {"channel": "linkedin"}).status_code == 404
    client.logout()
    assert client.post(f"/badges/wallet/{award.uuid}/shared", {"channel": "linkedin"}).status_code == 302
    assert not tracking_log.named(tracking.SHARED)


def test_the_wallet_page_reports_its_share_buttons(client, award, learner):
    client.force_login(learner)
    page = client.get(f"/badges/wallet/{award.uuid}/").content.decode()
    assert f'data-url="/badges/wallet/{award.uuid}/shared"' in page
    for channel in tracking.SHARE_CHANNELS:
        assert f'data-share-channel="{channel}"' in page


def test_download_and_public_page_view(client, award, learner):
    assert client.get(path_of(public_urls.baked_url(award, "ob3", "png"))).status_code == 200
    event = one(tracking.DOWNLOADED)
    assert event["data"]["format"] == "ob3.png" and event["data"]["by_owner"] is False
    assert_award_fields(event, award)
    client.force_login(learner)
    assert client.get(path_of(public_urls.verify_page_url(award))).status_code == 200
    event = one(tracking.VIEWED)
    assert event["data"]["by_owner"] is True
    assert client.get("/badges/wallet/").status_code == 200
    event = one(tracking.WALLET_VIEWED)
    assert event["data"] == {"user_id": learner.id, "badge_count": 1}


def test_push_success_and_failure(award):
    provider = BackpackProvider.objects.create(kind=BackpackProvider.KINDS[0][0], name="University wallet",
                                               base_url="https://wallet.example.com")
    attempt = PushAttempt.objects.create(award=award, provider=provider, idempotency_key="k1", attempts=1)
    services._save(attempt, PushAttempt.PENDING, "")  # pylint: disable=protected-access  (not finished: no event)
    assert not tracking_log.named("edx.badge.assertion.push")
    services._save(attempt, PushAttempt.SENT, "")  # pylint: disable=protected-access
    event = one(tracking.PUSHED)
    assert event["data"]["success"] is True and event["data"]["destination"] == provider.kind
    assert_award_fields(event, award)
    attempt.attempts = 3
    services._save(attempt, PushAttempt.FAILED, "Gave up")  # pylint: disable=protected-access
    event = one(tracking.PUSH_FAILED)
    assert event["data"]["success"] is False and event["data"]["attempts"] == 3


def test_switched_off(settings, award):
    settings.OPENEDX_BADGES_TRACKING_ENABLED = False
    tracking_log.EVENTS.clear()
    tracking.awarded(award)
    assert not tracking_log.EVENTS
