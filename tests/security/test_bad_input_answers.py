"""
Issue 17, finding 5: the bad inputs that answered 500 now answer 400 or 404 with a message.
(tests/security/test_route_walk.py walks every route with these and more.)
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
NOT_A_UUID = "0123456789abcdef0123456789abcdef-123"  # 36 characters of hex and dashes


@pytest.fixture
def award(badge_class, learner):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(badge_class, learner)[0]


@pytest.fixture
def quiet():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("value", [NOT_A_UUID, "-" * 36, "ffffffff-ffff-ffff-ffff-fffffffffff-"])
def test_baked_image_of_a_non_uuid_is_404(quiet, db, value):
    assert quiet.get(f"/badges/v1/awards/{value}/badge-ob3.png").status_code == 404


def test_deeply_nested_json_at_the_api_is_400(quiet, learner, award):
    quiet.force_login(learner)
    body = "[" * 100_000 + "]" * 100_000
    response = quiet.patch(f"/badges/api/v1/awards/{award.uuid}/", data=body, content_type="application/json")
    assert response.status_code == 400 and "nested" in response.json()["detail"]
    response = quiet.patch(f"/badges/api/v1/awards/{award.uuid}/", data='{"public": ' * 40 + "1" + "}" * 40,
                           content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("body", ['{"\\ud800": true}', '{"public": true, "\\udc00x": 1}', '{"public": "\\ud800"}'])
def test_a_lone_surrogate_in_a_patch_is_400(quiet, learner, award, body):
    quiet.force_login(learner)
    response = quiet.patch(f"/badges/api/v1/awards/{award.uuid}/", data=body, content_type="application/json")
    assert response.status_code == 400 and "Unicode" in response.json()["detail"]
    award.refresh_from_db()
    assert award.public is True  # nothing changed


def test_a_valid_patch_still_works(client, learner, award):
    client.force_login(learner)
    response = client.patch(f"/badges/api/v1/awards/{award.uuid}/", data='{"public": false}',
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["public"] is False


def test_admin_award_view_for_a_missing_badge_is_404(quiet, admin_user):
    quiet.force_login(admin_user)
    assert quiet.get("/admin/openedx_badges/badgeclass/987654/award/").status_code == 404


@pytest.mark.parametrize("value", ["987654", "not-a-number", "%00"])
def test_admin_badge_page_for_a_missing_or_malformed_id_redirects(quiet, admin_user, value):
    quiet.force_login(admin_user)
    assert quiet.get(f"/admin/openedx_badges/badgeclass/{value}/change/").status_code == 302
