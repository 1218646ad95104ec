"""Cached public documents are invalidated when they change; rate limits answer 429. Functional, not timed."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openedx_plugin import ratelimit
from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import SigningKey

pytestmark = pytest.mark.django_db


def path_of(url):
    return url.split("https://lms.example.com", 1)[1]


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner)[0]


def get(client, url, **headers):
    return client.get(path_of(url), **headers)


def test_second_fetch_is_served_from_cache_without_queries(client, award):
    first = get(client, public_urls.credential_url(award))
    with CaptureQueriesContext(connection) as ctx:
        second = get(client, public_urls.credential_url(award))
    assert second.content == first.content and len(ctx.captured_queries) == 0
    assert second["ETag"] == first["ETag"] and "max-age" in second["Cache-Control"]
    assert get(client, public_urls.credential_url(award), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_revocation_changes_cached_assertion_status_list_and_verify_result(client, award):
    status_url = public_urls.status_list_url(award.status_list)
    assertion = get(client, public_urls.assertion_url(award))
    status = get(client, status_url)
    revocations = get(client, public_urls.revocation_list_url(award.badge_class.issuer))
    page = get(client, public_urls.verify_page_url(award))
    assert assertion.status_code == 200 and "Verified" in page.content.decode()

    issuing.revoke_award(award, "Issued by mistake")
    after = get(client, public_urls.assertion_url(award))
    assert after.status_code == 410 and json.loads(after.content)["revoked"] is True
    assert get(client, status_url).content != status.content
    assert get(client, public_urls.revocation_list_url(award.badge_class.issuer)).content != revocations.content
    text = get(client, public_urls.verify_page_url(award)).content.decode()
    assert "revoked" in text and "Issued by mistake" in text

    # issue 17: a revocation is final (the suspension round trip is in tests/app/test_revocation_final.py)
    with pytest.raises(issuing.NotReversible):
        issuing.reinstate_award(award)
    assert get(client, public_urls.assertion_url(award)).status_code == 410


def test_key_rotation_changes_cached_did_document_and_issuer(client, award):
    issuer = award.badge_class.issuer
    did = json.loads(get(client, public_urls.did_json_url(issuer)).content)
    ob2_issuer = json.loads(get(client, public_urls.issuer_url(issuer)).content)
    assert isinstance(ob2_issuer["publicKey"], str)
    issuing.rotate_key(issuer, SigningKey.ED25519)
    issuing.rotate_key(issuer, SigningKey.RSA)
    assert len(json.loads(get(client, public_urls.did_json_url(issuer)).content)["verificationMethod"]) == \
        len(did["verificationMethod"]) + 1
    assert len(json.loads(get(client, public_urls.issuer_url(issuer)).content)["publicKey"]) == 2


def test_badge_class_and_issuer_edits_change_cached_documents(client, award):
    badge = award.badge_class
    get(client, public_urls.badge_class_url(badge))
    badge.name = "Data Wrangler II"
    badge.save()
    assert json.loads(get(client, public_urls.badge_class_url(badge)).content)["name"] == "Data Wrangler II"
    issuer = badge.issuer
    get(client, public_urls.issuer_url(issuer))
    issuer.name = "Renamed Academy"
    issuer.save()
    assert json.loads(get(client, public_urls.issuer_url(issuer)).content)["name"] == "Renamed Academy"


def test_sharing_toggle_hides_cached_verify_page(client, award):
    assert get(client, public_urls.verify_page_url(award)).status_code == 200
    award.public = False
    award.save()
    assert get(client, public_urls.verify_page_url(award)).status_code == 404


def test_cached_verification_result_is_reused(client, award, monkeypatch):
    from openedx_plugin.credentials import verification

    get(client, public_urls.verify_page_url(award))  # signs the status list on first use (a new version)
    calls = []
    real = verification.verify_award
    monkeypatch.setattr(verification, "verify_award", lambda a, now=None: calls.append(1) or real(a, now))
    for _ in range(3):
        assert get(client, public_urls.verify_page_url(award)).status_code == 200
    assert len(calls) == 1


def test_verify_page_rate_limited_with_retry_after(client, award, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"verify": "3/m"}
    codes = [get(client, public_urls.verify_page_url(award)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = get(client, public_urls.verify_page_url(award))
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    other = get(client, public_urls.verify_page_url(award), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # per client address


def test_push_views_rate_limited_per_user(client, award, learner, settings):
    from django.urls import reverse

    settings.OPENEDX_BADGES_RATE_LIMITS = {"push": "2/m"}
    client.force_login(learner)
    url = reverse("openedx_badges:backpacks:push", kwargs={"provider_id": 999, "award_uuid": award.uuid})
    codes = [client.post(url).status_code for _ in range(3)]
    assert codes[:2] == [404, 404] and codes[2] == 429  # counted before the view looks anything up
    assert client.get(url).status_code == 404  # the confirmation page (GET) is not limited
    retry = reverse("openedx_badges:backpacks:retry", kwargs={"attempt_id": 999})
    assert [client.post(retry).status_code for _ in range(3)][-1] == 429


def test_limiter_windows():
    assert ratelimit.parse("120/m") == (120, 60) and ratelimit.parse(None) is None
    from django.test import override_settings

    with override_settings(OPENEDX_BADGES_RATE_LIMITS={"x": "2/s"}):
        assert ratelimit.hit("x", "a", now=1000.1) == 0
        assert ratelimit.hit("x", "a", now=1000.2) == 0
        assert ratelimit.hit("x", "a", now=1000.3) == 1
        assert ratelimit.hit("x", "a", now=1001.0) == 0  # next window
