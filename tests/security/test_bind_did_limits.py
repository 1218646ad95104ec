"""
Binding a badge to a DID (issue 21) is limited like the DCC wallet links (review): a rate
limit per learner with Retry-After, a challenge that dies after a few refused answers, and
a cap on the DIDs one badge can be bound to.
"""

import pytest
from django.urls import reverse

from openedx_plugin.credentials import issuing
from openedx_plugin.persistence import binding, views
from tests.backpacks.wallet_client import TestWallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner)[0]


@pytest.fixture
def url(award, client, learner):
    client.force_login(learner)
    return reverse("openedx_badges:wallet-bind-did", kwargs={"award_uuid": award.uuid})


def test_asking_for_challenges_is_rate_limited(client, url, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_request": "2/m"}
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


def test_a_challenge_dies_after_a_few_refused_answers(client, url, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_request": None}
    settings.OPENEDX_BADGES_DCC_MAX_FAILURES = 3
    challenge = client.get(url).json()
    for _ in range(3):
        bad = client.post(url, {"holder": "nope"}, content_type="application/json")
        assert bad.status_code == 400
    wallet = TestWallet()
    late = client.post(url, wallet.presentation(challenge["challenge"], challenge["domain"]),
                       content_type="application/json")
    assert late.status_code == 400 and "No challenge is pending" in late.json()["error"]
    fresh = client.get(url).json()  # a new challenge starts a new count
    good = client.post(url, wallet.presentation(fresh["challenge"], fresh["domain"]), content_type="application/json")
    assert good.status_code == 200, good.content


def test_a_badge_takes_a_bounded_number_of_dids(client, url, award, settings, monkeypatch):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_request": None}
    monkeypatch.setattr(views, "MAX_DIDS_PER_AWARD", 2)
    wallets = [TestWallet() for _ in range(3)]
    answers = []
    for wallet in wallets:
        challenge = client.get(url).json()
        answers.append(client.post(url, wallet.presentation(challenge["challenge"], challenge["domain"]),
                                   content_type="application/json"))
    assert [answer.status_code for answer in answers] == [200, 200, 400]
    assert "as many DIDs" in answers[2].json()["error"]
    assert binding.dids_of(award) == [wallets[0].did, wallets[1].did]
