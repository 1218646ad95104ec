"""The learner REST API: own awards only, filters, pagination, PATCH of the sharing choices, CSRF."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import Award

from .conftest import COURSE, OTHER_COURSE, clone_awards

pytestmark = pytest.mark.django_db

API = "/badges/api/v1/"


def award_url(award):
    return f"{API}awards/{award.uuid}/"


def patch(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def test_anonymous_callers_are_refused(client, award):
    for response in (client.get(f"{API}awards/"), client.get(award_url(award)),
                     patch(client, award_url(award), {"public": False}),
                     client.get(f"{API}badge-classes/", {"course": COURSE})):
        assert response.status_code in (401, 403)
    award.refresh_from_db()
    assert award.public is True


def test_list_holds_only_the_requesters_awards(learner_client, award, other_award):
    body = learner_client.get(f"{API}awards/").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["uuid"] == str(award.uuid)
    assert item["state"] == "earned"
    assert item["badge"]["name"] == "Data Wrangler"
    assert item["badge"]["issuer"] == {"name": "Test Academy", "url": "https://academy.example/"}
    assert item["badge"]["alignments"][0]["targetName"] == "Data cleaning"
    assert item["evidence"][0] == {"id": "https://lms.example.com/p/1", "name": "Final project",
                                   "narrative": "Cleaned the census data."}
    assert item["public"] is True and item["show_name"] is False
    links = item["links"]
    assert links["verify"] == public_urls.verify_page_url(award)
    assert links["credential_ob3"] == public_urls.credential_url(award)
    assert links["png_ob2"] == public_urls.baked_url(award, "ob2", "png")
    assert links["linkedin"].startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&")
    assert links["wallet"] == f"http://testserver/badges/wallet/{award.uuid}/"


def test_pagination(learner_client, award):
    clone_awards(award, 44)
    body = learner_client.get(f"{API}awards/").json()
    assert body["count"] == 45 and len(body["results"]) == 20
    assert parse_qs(urlsplit(body["next"]).query) == {"page": ["2"]}
    assert body["results"][0]["uuid"] == str(award.uuid)  # newest first
    third = learner_client.get(f"{API}awards/", {"page": 3}).json()
    assert len(third["results"]) == 5 and third["next"] is None
    assert len(learner_client.get(f"{API}awards/", {"page_size": 7}).json()["results"]) == 7
    clone_awards(award, 80, start_sequence=500)
    assert len(learner_client.get(f"{API}awards/", {"page_size": 1000}).json()["results"]) == 100
    assert learner_client.get(f"{API}awards/", {"page": 99}).status_code == 404


@pytest.fixture
def varied(award, second_badge, learner):
    from datetime import timedelta

    from django.utils import timezone

    model = issuing.award_badge(second_badge, learner)[0]
    expired, revoked = clone_awards(award, 2, badge_classes=[second_badge])
    Award.objects.filter(pk=expired.pk).update(valid_until=timezone.now() - timedelta(days=1))
    Award.objects.filter(pk=revoked.pk).update(revoked=True)
    return {"earned": award, "model": model, "expired": expired, "revoked": revoked}


@pytest.mark.parametrize("query, expected", [
    ({"course": COURSE}, ["earned"]),
    ({"course": OTHER_COURSE}, ["model", "expired", "revoked"]),
    ({"status": "earned"}, ["earned", "model"]),
    ({"status": "expired"}, ["expired"]),
    ({"status": "revoked"}, ["revoked"]),
    ({"skill": "machine LEARNING"}, ["model", "expired", "revoked"]),
    ({"skill": "machine learning", "status": "revoked"}, ["revoked"]),
    ({"skill": "Knitting"}, []),
])
def test_filters(learner_client, varied, query, expected):
    body = learner_client.get(f"{API}awards/", query).json()
    assert {item["uuid"] for item in body["results"]} == {str(varied[name].uuid) for name in expected}
    for item in body["results"]:
        if "status" in query:
            assert item["state"] == query["status"]


def test_unknown_status_is_a_400(learner_client, award):
    response = learner_client.get(f"{API}awards/", {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_detail_is_own_only(learner_client, award, other_award):
    assert learner_client.get(award_url(award)).json()["uuid"] == str(award.uuid)
    assert learner_client.get(award_url(other_award)).status_code == 404
    response = patch(learner_client, award_url(other_award), {"public": False})
    assert response.status_code == 404
    other_award.refresh_from_db()
    assert other_award.public is True


def test_patch_changes_the_sharing_choices_and_the_verify_page_follows(learner_client, award, learner):
    from django.test import Client

    client = Client()  # anonymous, next to the learner's session
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    verify = urlsplit(public_urls.verify_page_url(award)).path
    assert "Ada Lovelace" not in client.get(verify).content.decode()

    response = patch(learner_client, award_url(award), {"show_name": True})
    assert response.status_code == 200 and response.json()["show_name"] is True
    assert "Awarded to <bdi>Ada Lovelace</bdi>" in client.get(verify).content.decode()

    response = patch(learner_client, award_url(award), {"public": False})
    assert response.json()["public"] is False
    assert client.get(verify).status_code == 404  # anonymous
    assert learner_client.get(verify).status_code == 200  # the owner
    award.refresh_from_db()
    assert (award.public, award.show_name) == (False, True)


def test_patch_refuses_any_other_field(learner_client, award):
    before = Award.objects.values().get(pk=award.pk)
    response = patch(learner_client, award_url(award), {"public": False, "revoked": True, "issued_on": "2020-01-01"})
    assert response.status_code == 400
    assert set(response.json()) == {"issued_on", "revoked"}
    assert Award.objects.values().get(pk=award.pk) == before


def test_patch_rejects_non_booleans(learner_client, award):
    assert patch(learner_client, award_url(award), {"public": "perhaps"}).status_code == 400


def test_put_is_not_allowed(learner_client, award):
    response = learner_client.put(award_url(award), json.dumps({"public": False}), content_type="application/json")
    assert response.status_code == 405


def test_patch_needs_the_csrf_token_with_a_session(csrf_client, award):
    assert patch(csrf_client, award_url(award), {"public": False}).status_code == 403
    award.refresh_from_db()
    assert award.public is True
    csrf_client.get(f"/badges/wallet/{award.uuid}/")  # a page of the LMS sets the cookie
    token = csrf_client.cookies["csrftoken"].value
    response = patch(csrf_client, award_url(award), {"public": False}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    award.refresh_from_db()
    assert award.public is False


def test_reads_need_no_csrf_token(csrf_client, award):
    assert csrf_client.get(f"{API}awards/").status_code == 200


def test_badge_classes_of_a_course(learner_client, badge_class, second_badge):
    issuing.create_badge_class(badge_class.issuer, "Retired", "Old.", course_key=COURSE, criteria_narrative="x",
                               active=False)
    body = learner_client.get(f"{API}badge-classes/", {"course": COURSE}).json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["uuid"] == str(badge_class.uuid)
    assert item["image_url"] == public_urls.badge_image_url(badge_class)
    assert item["badge_class_url"] == public_urls.badge_class_url(badge_class)
    assert item["validity_days"] == 365 and item["level"] == "Intermediate"
    assert set(item) >= {"criteria_narrative", "criteria_url", "achievement_type", "alignments", "tags", "issuer"}


def test_badge_classes_need_a_course(learner_client, badge_class):
    response = learner_client.get(f"{API}badge-classes/")
    assert response.status_code == 400 and "course" in response.json()


def test_jwt_authentication_is_used_when_installed(monkeypatch):
    import sys
    import types

    from rest_framework.authentication import BaseAuthentication, SessionAuthentication

    from openedx_plugin.rest_api import permissions

    class JwtAuthentication(BaseAuthentication):
        pass

    path = "edx_rest_framework_extensions.auth.jwt.authentication"
    for name in ("edx_rest_framework_extensions", "edx_rest_framework_extensions.auth",
                 "edx_rest_framework_extensions.auth.jwt"):
        module = types.ModuleType(name)
        module.__path__ = []
        monkeypatch.setitem(sys.modules, name, module)
    module = types.ModuleType(path)
    module.JwtAuthentication = JwtAuthentication
    monkeypatch.setitem(sys.modules, path, module)
    assert permissions.authentication_classes() == [JwtAuthentication, SessionAuthentication]
    monkeypatch.delitem(sys.modules, path)
    monkeypatch.setitem(sys.modules, path, None)  # not installed
    assert permissions.authentication_classes() == [SessionAuthentication]
