"""Fixtures of the wallet tests: awards made through the issuing API, and cheap clones for volume."""

from datetime import timedelta

import pytest
from django.test import Client

COURSE = "course-v1:TestX+DW101+2026"
OTHER_COURSE = "course-v1:TestX+ML201+2026"


@pytest.fixture
def award(badge_class, learner):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(badge_class, learner, evidence=[
        {"name": "Final project", "narrative": "Cleaned the census data.", "id": "https://lms.example.com/p/1"}])[0]


@pytest.fixture
def other_award(badge_class, other_learner):
    from openedx_plugin.credentials import issuing

    return issuing.award_badge(badge_class, other_learner)[0]


@pytest.fixture
def second_badge(issuer):
    from openedx_plugin.credentials import issuing

    return issuing.create_badge_class(
        issuer, "Model Builder", "Trains models.", course_key=OTHER_COURSE,
        criteria_narrative="Train a model.", alignments=[{"targetName": "Machine learning", "targetUrl": "https://skills.example/ml"}])


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def csrf_client(learner):
    """A signed-in client that, like a browser, must send the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    return client


def clone_awards(template, count, *, badge_classes=None, start_sequence=100, **overrides):
    """
    ``count`` awards of ``template``'s learner, in one INSERT, with minimal stored documents:
    the wallet reads none of the signed documents, so volume tests need not sign.
    """
    from openedx_plugin.models import Award

    badge_classes = badge_classes or [template.badge_class]
    rows = []
    for index in range(count):
        fields = {
            "badge_class": badge_classes[index % len(badge_classes)],
            "user": template.user,
            "sequence": start_sequence + index,
            "recipient_identity": template.recipient_identity,
            "recipient_salt": template.recipient_salt,
            "issued_on": template.issued_on - timedelta(minutes=index + 1),
            "valid_until": template.valid_until,
            "evidence": [],
            "ob3_credential": {"id": f"urn:test:{index}"},
        }
        fields.update(overrides)
        rows.append(Award(**fields))
    return Award.objects.bulk_create(rows)
