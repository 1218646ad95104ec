"""
Issue 17, finding 6: the learner REST API and the block's check_now are rate-limited,
configurably (``OPENEDX_BADGES_RATE_LIMITS``), and say when to come back (Retry-After).
"""

import pytest

from openedx_plugin import api, conf, ratelimit
from openedx_plugin.awards import awarding
from openedx_plugin.credentials import issuing
from openedx_plugin.models import BadgeRule

pytestmark = pytest.mark.django_db
COURSE = "course-v1:TestX+DW101+2026"


@pytest.fixture
def signed_in(client, learner, badge_class):
    issuing.award_badge(badge_class, learner)
    client.force_login(learner)
    return client


def test_the_api_answers_429_with_retry_after_over_its_limit(signed_in, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"api": "3/m"}
    codes = [signed_in.get("/badges/api/v1/awards/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = signed_in.get("/badges/api/v1/awards/")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "throttled" in limited.json()["detail"].lower() or "request" in limited.json()["detail"].lower()


def test_the_api_limit_is_per_learner(client, learner, other_learner, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"api": "2/m"}
    client.force_login(learner)
    assert [client.get("/badges/api/v1/awards/").status_code for _ in range(3)] == [200, 200, 429]
    client.force_login(other_learner)
    assert client.get("/badges/api/v1/awards/").status_code == 200


def test_the_api_has_a_limit_by_default(signed_in, settings):
    """A host that configured only the older scopes still limits the API (conf.RATE_LIMIT_DEFAULTS)."""
    settings.OPENEDX_BADGES_RATE_LIMITS = {"verify": "120/m", "push": "10/m"}
    assert ratelimit.limit_for("api") == ratelimit.parse(conf.RATE_LIMIT_DEFAULTS["api"])
    assert ratelimit.limit_for("check_now") == ratelimit.parse(conf.RATE_LIMIT_DEFAULTS["check_now"])


def test_a_limit_set_to_none_is_lifted(signed_in, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"api": None}
    assert {signed_in.get("/badges/api/v1/awards/").status_code for _ in range(130)} == {200}


def test_check_now_evaluates_at_most_the_limit(platform, learner, badge_class, settings, monkeypatch):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"check_now": "2/m"}
    BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "course_passed", "course": COURSE})
    calls = []
    real = awarding.evaluate_learner
    monkeypatch.setattr(awarding, "evaluate_learner", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    states = [api.check_now(str(badge_class.uuid), learner) for _ in range(4)]
    assert len(calls) == 2
    assert [("retry_after" in state) for state in states] == [False, False, True, True]
    assert 1 <= states[-1]["retry_after"] <= 60
    assert states[-1]["state"] in ("none", "in_progress")  # the state still shows, unevaluated
