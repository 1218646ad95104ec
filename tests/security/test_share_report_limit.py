"""The wallet's share report (issue 14) is rate-limited per learner, as the REST API is (review)."""

import pytest
from django.urls import reverse

from openedx_plugin.credentials import issuing

pytestmark = pytest.mark.django_db


def test_share_reports_are_rate_limited(client, badge_class, learner, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"api": "2/m"}
    award = issuing.award_badge(badge_class, learner)[0]
    client.force_login(learner)
    url = reverse("openedx_badges:wallet-shared", kwargs={"award_uuid": award.uuid})
    answers = [client.post(url, {"channel": "linkedin"}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [204, 204, 429]
    assert int(answers[2]["Retry-After"]) >= 1
