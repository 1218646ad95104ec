"""
The tests' live server answers requests sent at once (a browser's, the DCC wallet's
verifier's) without two threads querying one shared SQLite connection together
(``tests/conftest.py``, ``_live_server_one_request_at_a_time``).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse

from openedx_plugin.credentials import issuing

pytestmark = pytest.mark.django_db(transaction=True)


def test_requests_at_once_are_all_answered(live_server, badge_class, learner):
    award, _created = issuing.award_badge(badge_class, learner)
    paths = [reverse("openedx_badges:did", kwargs={"issuer_uuid": badge_class.issuer.uuid}),
             reverse("openedx_badges:status-list", kwargs={"list_uuid": award.status_list.uuid}),
             reverse("openedx_badges:credential", kwargs={"award_uuid": award.uuid}),
             reverse("openedx_badges:badge-class", kwargs={"badge_uuid": badge_class.uuid})] * 6
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda path: requests.get(live_server.url + path, timeout=30).status_code, paths))
    assert codes == [200] * len(paths)
    assert type(live_server.thread.httpd).__name__ == "OneRequestAtATime"
