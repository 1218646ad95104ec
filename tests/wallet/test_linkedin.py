"""LinkedIn's add-to-profile link: the documented parameters, URL-encoded, expiry only when the badge expires."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.views.wallet import linkedin_url

pytestmark = pytest.mark.django_db


def test_link_of_an_expiring_badge(badge_class, learner):
    badge_class.name = "Data & AI: Level 1/2 ü"
    badge_class.save()
    award = issuing.award_badge(badge_class, learner, issued_on=datetime(2026, 1, 31, 23, 30, tzinfo=UTC))[0]
    url = linkedin_url(award)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(parts.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Data & AI: Level 1/2 ü"],
        "organizationName": ["Test Academy"],
        "issueYear": ["2026"],
        "issueMonth": ["1"],
        "expirationYear": ["2027"],
        "expirationMonth": ["1"],
        "certUrl": [public_urls.verify_page_url(award)],
        "certId": [str(award.uuid)],
    }
    assert "name=Data%20%26%20AI%3A%20Level%201%2F2%20%C3%BC&" in url
    assert f"certUrl=https%3A%2F%2Flms.example.com%2Fbadges%2Fverify%2F{award.uuid}&" in url
    assert " " not in url


def test_link_of_a_badge_without_expiry(badge_class, learner):
    badge_class.validity_days = None
    badge_class.save()
    award = issuing.award_badge(badge_class, learner)[0]
    query = parse_qs(urlsplit(linkedin_url(award)).query)
    assert "expirationYear" not in query and "expirationMonth" not in query


def test_the_wallet_page_carries_the_link(learner_client, award):
    from html import unescape

    page = unescape(learner_client.get(f"/badges/wallet/{award.uuid}/").content.decode())
    assert f'href="{linkedin_url(award)}"' in page
    assert 'target="_blank" rel="noopener noreferrer"' in page
