"""The learner pages, the wallet engineer's API, idempotency, guards, and the HTTP helper."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from openedx_plugin.awards import awarding
from openedx_plugin.backpacks import http, services
from openedx_plugin.models import BackpackConnection, BackpackProvider, PushAttempt, validate_http_url


@pytest.fixture
def badgr_connected(learner, badgr_provider, badgr_server):
    access, refresh = badgr_server.issue_tokens()
    return services.save_tokens(learner, badgr_provider, access, refresh)


@pytest.mark.usefixtures("credly_provider")
def test_connections_for(award, ob3_provider, badgr_connected, dcc_provider, commit):
    learner, badgr_provider = badgr_connected.user, badgr_connected.provider
    with commit():
        services.push(award, badgr_provider, badgr_connected)
    entries = {entry["kind"]: entry for entry in services.connections_for(learner)}
    assert set(entries) == {"ob3_api", "badgr", "credly", "dcc"}
    ob3 = entries["ob3_api"]
    assert (ob3["connected"], ob3["state"], ob3["auto_push"]) == (False, "none", True)
    assert ob3["connect_url"] == f"/badges/backpacks/{ob3_provider.pk}/connect/"
    assert ob3["push_url"](award) is None and ob3["push_state"](award) is None
    badgr = entries["badgr"]
    assert badgr["connected"] and badgr["disconnect_url"]
    assert badgr["push_url"](award) == f"/badges/backpacks/{badgr_provider.pk}/push/{award.uuid}/"
    assert badgr["push_state"](award)["status"] == "sent"
    assert entries["credly"]["learner_managed"] is False and entries["credly"]["push_url"](award) is None
    assert entries["dcc"]["push_url"](award) == f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/"


def test_pages_need_a_login(client, badgr_provider):
    for url in ("/badges/backpacks/", f"/badges/backpacks/{badgr_provider.pk}/connect/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_state_changes_need_csrf(learner, award, badgr_connected, badgr_provider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(f"/badges/backpacks/{badgr_provider.pk}/push/{award.uuid}/").status_code == 403
    assert client.post(f"/badges/backpacks/{badgr_provider.pk}/disconnect/").status_code == 403


def test_learner_push_and_retry(learner_client, award, badgr_connected, badgr_server, commit):
    badgr_provider = badgr_connected.provider
    badgr_server.fail("/v2/backpack/import", 500, 500, 500)
    with commit():
        learner_client.post(f"/badges/backpacks/{badgr_provider.pk}/push/{award.uuid}/")
    attempt = PushAttempt.objects.get()
    assert attempt.status == "failed"
    page = learner_client.get("/badges/backpacks/").content.decode()
    assert "Gave up after 3 tries" in page and f"/attempts/{attempt.pk}/retry/" in page
    with commit():
        learner_client.post(f"/badges/backpacks/attempts/{attempt.pk}/retry/")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.attempts, attempt.last_error) == ("sent", 4, "")


def test_others_awards_and_attempts_are_404(client, other_learner, award, badgr_connected, commit):
    badgr_provider = badgr_connected.provider
    with commit():
        attempt = services.push(award, badgr_provider, badgr_connected)
    client.force_login(other_learner)
    assert client.post(f"/badges/backpacks/{badgr_provider.pk}/push/{award.uuid}/").status_code == 404
    assert client.post(f"/badges/backpacks/attempts/{attempt.pk}/retry/").status_code == 404


def test_push_needs_a_connection(learner_client, award, ob3_provider):
    page = learner_client.post(f"/badges/backpacks/{ob3_provider.pk}/push/{award.uuid}/", follow=True)
    assert "Connect your Test OB3 Host account first" in page.content.decode()
    assert not PushAttempt.objects.exists()


def test_disconnect_keeps_history_and_stops_pushes(learner_client, award, badgr_connected, commit):
    badgr_provider = badgr_connected.provider
    with commit():
        attempt = services.push(award, badgr_provider, badgr_connected)
    assert learner_client.post(f"/badges/backpacks/{badgr_provider.pk}/disconnect/").status_code == 302
    assert not BackpackConnection.objects.exists()
    attempt.refresh_from_db()
    assert attempt.connection_id is None and attempt.status == "sent"
    PushAttempt.objects.filter(pk=attempt.pk).update(status="failed")
    attempt.refresh_from_db()
    with commit():
        services.retry_push(attempt)
    attempt.refresh_from_db()
    assert attempt.status == "failed" and "disconnected" in attempt.last_error


def test_auto_push_toggle(learner_client, learner, badgr_connected, badge_class, commit):
    badgr_provider = badgr_connected.provider
    learner_client.post(f"/badges/backpacks/{badgr_provider.pk}/auto-push/", {"enabled": "0"})
    with commit():
        awarding.manual_award(badge_class, learner, staff_user="staff", reason="test")
    assert not PushAttempt.objects.exists()


def test_auto_push_setting_off(settings, learner, badgr_connected, badge_class, commit):
    settings.OPENEDX_BADGES_AUTO_PUSH = False
    with commit():
        awarding.manual_award(badge_class, learner, staff_user="staff", reason="test")
    assert not PushAttempt.objects.exists()


def test_push_failures_never_affect_the_award(learner, badgr_connected, badge_class, commit):
    with mock.patch("openedx_plugin.backpacks.services.for_provider", side_effect=RuntimeError("boom")):
        with commit():
            award, created = awarding.manual_award(badge_class, learner, staff_user="staff", reason="test")
        assert created and award.pk
        assert services.queue_revocations(award) == []


def test_broker_down_leaves_pending_for_the_sweeper(award, badgr_connected, badgr_provider, commit):
    with mock.patch.object(services.push_award, "apply_async", side_effect=OSError("broker down")):
        with commit():
            attempt = services.push(award, badgr_provider, badgr_connected)
    attempt.refresh_from_db()
    assert attempt.status == "pending" and attempt.attempts == 0
    PushAttempt.objects.filter(pk=attempt.pk).update(updated=timezone.now() - timedelta(hours=1))
    assert services.requeue_stale() == 1
    attempt.refresh_from_db()
    assert attempt.status == "sent"


def test_revoked_award_is_not_pushed(learner_client, award, badgr_connected, badgr_provider):
    from openedx_plugin.credentials import issuing

    issuing.revoke_award(award, "x")
    page = learner_client.post(f"/badges/backpacks/{badgr_provider.pk}/push/{award.uuid}/", follow=True)
    assert "revoked badge cannot be sent" in page.content.decode()


def test_retire_user_forgets_tokens(learner, badgr_connected):
    services.retire_user(learner)
    assert not BackpackConnection.objects.exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x", "http://user:pw@h.example/",
                                 "javascript:alert(1)", "no-scheme"])
def test_only_http_urls(url):
    with pytest.raises(http.PermanentError):
        http.check_url(url)
    with pytest.raises(ValidationError):
        validate_http_url(url)


def test_plain_http_only_when_allowed(settings):
    with pytest.raises(http.PermanentError, match="unencrypted"):
        http.check_url("http://backpack.example/api")
    http.check_url("https://backpack.example/api")
    settings.OPENEDX_BADGES_BACKPACK_ALLOW_HTTP = True
    http.check_url("http://backpack.example/api")


def test_response_size_cap_and_garbage(settings, ob3_host):
    settings.OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES = 100
    with pytest.raises(http.PermanentError, match="larger than 100 bytes"):
        http.request("GET", f"{ob3_host.base}/ims/ob/v3p0/discovery")
    settings.OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES = 1024 * 1024
    ob3_host.fail("/ims/ob/v3p0/discovery", "garbage")
    with pytest.raises(http.PermanentError, match="not JSON"):
        http.request("GET", f"{ob3_host.base}/ims/ob/v3p0/discovery", what="The host")
    answer = http.request("GET", f"{ob3_host.base}/ims/ob/v3p0/discovery")
    answer.data = ["a", "list"]
    with pytest.raises(http.PermanentError, match="not an object"):
        http.expect_object(answer)


def test_connection_refused_is_transient(settings):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [f"127.0.0.1:{port}"]
    with pytest.raises(http.TransientError, match="Could not connect"):
        http.request("GET", f"http://127.0.0.1:{port}/")


def test_provider_base_url_validation(db):
    provider = BackpackProvider(kind="ob3_api", name="x", base_url="")
    with pytest.raises(ValidationError):
        provider.full_clean()
    provider.base_url = "file:///etc"
    with pytest.raises(ValidationError):
        provider.full_clean()
    provider.base_url = "https://host.example"
    provider.full_clean()
    BackpackProvider(kind="badgr", name="x", settings={"region": "eu"}).full_clean()


@pytest.mark.usefixtures("dcc_provider")
def test_wallet_slot_fields(learner_client, award, ob3_provider, badgr_connected, commit):
    learner, badgr_provider = badgr_connected.user, badgr_connected.provider
    with commit():
        services.push(award, badgr_provider, badgr_connected)
    entries = {entry["kind"]: entry for entry in services.connections_for(learner, award=award)}
    assert (entries["badgr"]["url"], entries["badgr"]["status"]) == (
        f"/badges/backpacks/{badgr_provider.pk}/push/{award.uuid}/", "sent")
    assert (entries["ob3_api"]["url"], entries["ob3_api"]["status"]) == (
        f"/badges/backpacks/{ob3_provider.pk}/connect/", "not connected")
    assert entries["dcc"]["url"] == f"/badges/backpacks/{entries['dcc']['id']}/wallet/{award.uuid}/"
    page = learner_client.get(entries["badgr"]["url"]).content.decode()  # the link target confirms, POST sends
    assert "csrfmiddlewaretoken" in page and "sent" in page
