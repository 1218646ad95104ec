"""The verification page follows the learner's choices; the machine-readable documents stay (ADR 0006)."""

import uuid
from urllib.parse import urlsplit

import pytest

from openedx_plugin.credentials import public_urls
from openedx_plugin.models import Award

pytestmark = pytest.mark.django_db


def path(url):
    return urlsplit(url).path


@pytest.fixture
def named(learner):
    learner.first_name, learner.last_name = "Grace", "Hopper"
    learner.save()
    return learner


def test_the_name_is_hidden_by_default(client, award, named):
    page = client.get(path(public_urls.verify_page_url(award))).content.decode()
    assert "Grace Hopper" not in page and "Awarded to" not in page


def test_the_name_is_shown_when_the_learner_asks(client, award, named):
    Award.objects.filter(pk=award.pk).update(show_name=True)
    page = client.get(path(public_urls.verify_page_url(award))).content.decode()
    assert "Awarded to <bdi>Grace Hopper</bdi>" in page


def test_the_profile_name_wins_where_the_lms_has_one(award, named):
    from openedx_plugin.views.public import recipient_name

    named.profile = type("Profile", (), {"name": "Rear Admiral Grace Hopper"})()
    assert recipient_name(named) == "Rear Admiral Grace Hopper"
    del named.profile
    assert recipient_name(named) == "Grace Hopper"


def test_a_private_page_is_404_to_everyone_but_the_owner(client, award, other_learner, learner):
    Award.objects.filter(pk=award.pk).update(public=False)
    verify = path(public_urls.verify_page_url(award))
    assert client.get(verify).status_code == 404
    unknown = client.get(verify.replace(str(award.uuid), str(uuid.uuid4())))
    assert unknown.status_code == 404
    client.force_login(other_learner)
    assert client.get(verify).status_code == 404
    client.force_login(learner)
    response = client.get(verify)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only you can see this page" in page and '<meta name="robots" content="noindex">' in page
    assert response["Cache-Control"] == "private, no-store"


def test_the_documents_stay_available_to_verifiers(client, award):
    Award.objects.filter(pk=award.pk).update(public=False)
    assert client.get(path(public_urls.credential_url(award))).status_code == 200
    assert client.get(path(public_urls.assertion_url(award))).status_code == 200
    assert client.get(path(public_urls.baked_url(award, "ob3", "png"))).status_code == 200


def test_a_public_page_is_unchanged_for_everyone(client, award):
    response = client.get(path(public_urls.verify_page_url(award)))
    assert response.status_code == 200
    assert "Only you can see this page" not in response.content.decode()
